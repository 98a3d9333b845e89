#!/bin/sh
# Prove check-options.sh bites: run it against copies of the documentation
# with one option removed (from a man page, then from a bash completion) and
# with an undefined macro added to a man page, and with completions that do
# not parse, and require each run to fail for the reason planted.
#
# usage: selftest.sh SRCDIR TOOL BINARY
# The option removed is the first long option TOOL's --help lists other than
# --help and --version, so the test keeps working as options come and go.

set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 SRCDIR TOOL BINARY" >&2
	exit 2
fi
srcdir=$1
tool=$2
bin=$3
here=$(cd "$(dirname "$0")" && pwd)
check=$here/check-options.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stt-docs-self.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

failed=0
ok()   { printf 'TEST: %s [ OK ]\n' "$1"; }
fail() { printf 'TEST: %s [FAIL]\n' "$1"; failed=1; }

opt=$("$bin" --help 2>&1 |
	grep -oE -- '(^|[^A-Za-z0-9_-])--[A-Za-z0-9][A-Za-z0-9-]*' |
	sed -e 's/^[^-]*//' | grep -vxE -- '--(help|version)' | sort -u | head -n 1)
if [ -z "$opt" ]; then
	fail "$tool --help lists an option to remove"
	exit 1
fi
# The same option as roff writes it: every hyphen may be \-.
roff_re=$(printf '%s' "$opt" | sed 's/-/\\\\?-/g')

# Unmodified documentation must pass, or the failures below prove nothing.
if "$check" "$srcdir" "$tool=$bin" > "$tmp/clean.out" 2>&1; then
	ok "$tool: unmodified docs pass"
else
	fail "$tool: unmodified docs pass"
	sed 's/^/    /' "$tmp/clean.out"
fi

# expect_failure NAME PATTERN, with the environment already set up.
expect_failure() {
	if "$check" "$srcdir" "$tool=$bin" > "$tmp/out" 2>&1; then
		fail "$1 (check passed)"
		sed 's/^/    /' "$tmp/out"
	elif grep -qF -- "$2" "$tmp/out"; then
		ok "$1"
	else
		fail "$1 (failed without \"$2\")"
		sed 's/^/    /' "$tmp/out"
	fi
}

# 1. A man page with every line mentioning the option deleted.
mkdir "$tmp/man"
cp "$srcdir/docs/man/"*.1 "$tmp/man/"
sed -E "/$roff_re([^A-Za-z0-9-]|\$)/d" "$srcdir/docs/man/$tool.1" > "$tmp/man/$tool.1"
STT_DOCS_MAN_DIR=$tmp/man expect_failure \
	"$tool: man page without $opt is caught" "missing from man: $opt"

# 2. A bash completion with the option's word deleted.
mkdir "$tmp/bash"
sed -E "s/(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|\$)/\\1\\2/g" \
	"$srcdir/completions/bash/$tool" > "$tmp/bash/$tool"
STT_DOCS_BASH_DIR=$tmp/bash expect_failure \
	"$tool: bash completion without $opt is caught" "missing from bash: $opt"

# 3. A man page using an undefined macro (only when groff can tell).
if command -v groff > /dev/null 2>&1; then
	mkdir "$tmp/badmacro"
	cp "$srcdir/docs/man/"*.1 "$tmp/badmacro/"
	echo '.XYZZY undefined macro' >> "$tmp/badmacro/$tool.1"
	STT_DOCS_MAN_DIR=$tmp/badmacro expect_failure \
		"$tool: man page with an undefined macro is caught" "XYZZY"
else
	printf 'TEST: %s [SKIP] (groff not installed)\n' \
		"$tool: man page with an undefined macro is caught"
fi

# 4. Completions with an unclosed function body.
mkdir "$tmp/brokenbash" "$tmp/brokenzsh"
cp "$srcdir/completions/bash/$tool" "$tmp/brokenbash/$tool"
echo 'stt_docs_selftest() {' >> "$tmp/brokenbash/$tool"
STT_DOCS_BASH_DIR=$tmp/brokenbash expect_failure \
	"$tool: bash completion with a syntax error is caught" \
	"$tool bash completion parses [FAIL]"
if command -v zsh > /dev/null 2>&1; then
	cp "$srcdir/completions/zsh/_$tool" "$tmp/brokenzsh/_$tool"
	echo 'stt_docs_selftest() {' >> "$tmp/brokenzsh/_$tool"
	STT_DOCS_ZSH_DIR=$tmp/brokenzsh expect_failure \
		"$tool: zsh completion with a syntax error is caught" \
		"$tool zsh completion parses [FAIL]"
else
	printf 'TEST: %s [SKIP] (zsh not installed)\n' \
		"$tool: zsh completion with a syntax error is caught"
fi

exit $failed
