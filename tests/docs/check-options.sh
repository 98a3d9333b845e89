#!/bin/sh
# Check that every long option a tool's --help lists is documented in its
# man page and offered by its bash and zsh completions, and that the man
# pages render and the completions parse.
#
# usage: check-options.sh SRCDIR TOOL=BINARY...
#
# The documentation is read from SRCDIR/docs/man, SRCDIR/completions/bash
# and SRCDIR/completions/zsh unless STT_DOCS_MAN_DIR, STT_DOCS_BASH_DIR or
# STT_DOCS_ZSH_DIR point elsewhere; selftest.sh uses that to prove the check
# fails on a page with an option removed.
#
# Only options --help lists are required: hidden test-only switches are not.
# Exit status: 0 all present, 1 something missing or broken, 2 usage.

set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 SRCDIR TOOL=BINARY..." >&2
	exit 2
fi
srcdir=$1
shift
man_dir=${STT_DOCS_MAN_DIR:-$srcdir/docs/man}
bash_dir=${STT_DOCS_BASH_DIR:-$srcdir/completions/bash}
zsh_dir=${STT_DOCS_ZSH_DIR:-$srcdir/completions/zsh}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stt-docs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

failed=0

ok()   { printf 'TEST: %s [ OK ]\n' "$1"; }
fail() { printf 'TEST: %s [FAIL]\n' "$1"; failed=1; }
skip() { printf 'TEST: %s [SKIP] %s\n' "$1" "$2"; }

# Roff source to plain words: \- and \(hy are hyphens, font changes
# (\fB, \f(CW, \f[B]) and the zero-width \& and \% vanish.
roff_to_text() {
	sed -e 's/\\f\[[^]]*\]//g' -e 's/\\f(..//g' -e 's/\\f.//g' \
	    -e 's/\\-/-/g' -e 's/\\(hy/-/g' -e 's/\\&//g' -e 's/\\%//g' "$1"
}

# Every --word token of the help text, once each. The token must not be
# glued to a preceding word so "foo--bar" in prose is not an option.
help_options() {
	grep -oE -- '(^|[^A-Za-z0-9_-])--[A-Za-z0-9][A-Za-z0-9-]*' "$1" |
		sed -e 's/^[^-]*//' | sort -u
}

# Print the options of list $1 that text file $2 does not mention as a
# whole word ("--port" must not be satisfied by "--port-range").
missing_in() {
	while read -r opt; do
		grep -qE -- "(^|[^A-Za-z0-9_-])$opt([^A-Za-z0-9_-]|\$)" "$2" ||
			printf '%s\n' "$opt"
	done < "$1"
}

check_file() {	# tool kind optlist textfile
	name="$1 --opt in $2"
	missing=$(missing_in "$3" "$4")
	if [ -z "$missing" ]; then
		ok "$name"
	else
		fail "$name"
		echo "$missing" | sed "s/^/    missing from $2: /"
	fi
}

for arg in "$@"; do
	tool=${arg%%=*}
	bin=${arg#*=}
	man=$man_dir/$tool.1
	bashc=$bash_dir/$tool
	zshc=$zsh_dir/_$tool

	if ! "$bin" --help > "$tmp/$tool.help" 2>&1; then
		fail "$tool --help exits 0"
		continue
	fi
	help_options "$tmp/$tool.help" > "$tmp/$tool.opts"
	n=$(wc -l < "$tmp/$tool.opts")
	if [ "$n" -lt 2 ]; then
		# --help and --version at least: fewer means the parse broke.
		fail "$tool --help lists long options (found $n)"
		continue
	fi

	for f in "$man" "$bashc" "$zshc"; do
		[ -r "$f" ] || { fail "$tool: $f exists"; continue 2; }
	done

	roff_to_text "$man" > "$tmp/$tool.man.txt"
	check_file "$tool" man "$tmp/$tool.opts" "$tmp/$tool.man.txt"
	check_file "$tool" bash "$tmp/$tool.opts" "$bashc"
	check_file "$tool" zsh "$tmp/$tool.opts" "$zshc"

	# Rendering: any groff warning (unknown macro, bad escape) fails.
	if command -v groff > /dev/null 2>&1; then
		if groff -man -Tutf8 -ww -z "$man" > "$tmp/$tool.groff" 2>&1 &&
		   [ ! -s "$tmp/$tool.groff" ]; then
			ok "$tool man page renders without warnings"
		else
			fail "$tool man page renders without warnings"
			sed 's/^/    /' "$tmp/$tool.groff"
		fi
	else
		skip "$tool man page renders without warnings" "(groff not installed)"
	fi

	if bash -n "$bashc" > "$tmp/$tool.bashn" 2>&1; then
		ok "$tool bash completion parses"
	else
		fail "$tool bash completion parses"
		sed 's/^/    /' "$tmp/$tool.bashn"
	fi

	if command -v zsh > /dev/null 2>&1; then
		if zsh -n "$zshc" > "$tmp/$tool.zshn" 2>&1; then
			ok "$tool zsh completion parses"
		else
			fail "$tool zsh completion parses"
			sed 's/^/    /' "$tmp/$tool.zshn"
		fi
	else
		skip "$tool zsh completion parses" "(zsh not installed)"
	fi
done

exit $failed
