#!/usr/bin/env bash
# docs/conformance.md carries the output of `stt-conform --list --markdown`
# between its BEGIN/END markers; tests/conform/update-docs.sh regenerates it.
#   docs.sh STT-CONFORM DOCS/CONFORMANCE.MD
set -u
conform=$1 doc=$2
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
"$conform" --list --markdown >"$want" || exit 2
sed -n '/^<!-- BEGIN stt-conform --list --markdown -->$/,/^<!-- END stt-conform --list --markdown -->$/p' "$doc" |
	sed '1d;$d' >"$got"
if [ ! -s "$got" ]; then
	echo "TEST: docs/conformance.md has the generated catalogue        [FAIL]"
	echo "  no BEGIN/END markers in $doc"
	exit 1
fi
if diff -u "$got" "$want"; then
	echo "TEST: docs/conformance.md is up to date                      [ OK ]"
else
	echo "TEST: docs/conformance.md is up to date                      [FAIL]"
	echo "  run tests/conform/update-docs.sh BUILD/conformance/stt-conform"
	exit 1
fi
