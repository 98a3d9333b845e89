#!/usr/bin/env bash
# Golden-output test for one regression capture: run stt-dump on
# pcaps/NAME.pcap and compare, byte for byte, with the reviewed outputs
# beside it:
#
#   NAME.txt     stt-dump -r NAME.pcap $TEXT_ARGS  (stdout)
#   NAME.json    stt-dump -r NAME.pcap $JSON_ARGS  (stdout)
#   NAME.stderr  stderr of the text run (absent = must be empty)
#   exit code    from pcaps/manifest.txt (same for both runs)
#
# Extra stt-dump arguments per capture come from pcaps/manifest.txt too.
# stt-dump runs inside the pcaps directory with a relative file name and
# TZ=UTC, so that nothing machine-specific reaches the output.
#
# Usage: run-golden.sh [--update] [--expected-dir DIR] STT_DUMP PCAPS_DIR NAME
#   --update          rewrite the expected files from the current output
#                     (review `git diff pcaps/` before committing!)
#   --expected-dir D  read expected files from D instead of PCAPS_DIR (the
#                     self-test uses it to prove a wrong file fails)
# Exit: 0 match, 1 mismatch (diff on stdout), 2 usage/setup error.
set -uo pipefail

TEXT_ARGS=(-vv)
# -v: checksums are verified only with -v (as in tcpdump); the JSON run
# should see the same warnings as the text run.
JSON_ARGS=(--json -v)

update=0
expected_dir=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1; shift ;;
	--expected-dir) expected_dir=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-golden.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 3 ]; then
	echo "usage: run-golden.sh [--update] [--expected-dir DIR] STT_DUMP PCAPS_DIR NAME" >&2
	exit 2
fi
dump=$(realpath "$1")
pcaps=$(realpath "$2")
name=$3
expected_dir=$(realpath "${expected_dir:-$pcaps}")

[ -x "$dump" ] || { echo "run-golden.sh: $dump is not executable" >&2; exit 2; }
[ -f "$pcaps/$name.pcap" ] || { echo "run-golden.sh: no $pcaps/$name.pcap" >&2; exit 2; }

# manifest.txt: "NAME EXIT [ARGS...]", '#' comments.
line=$(awk -v n="$name" '$1 == n { print; exit }' "$pcaps/manifest.txt")
if [ -z "$line" ]; then
	echo "run-golden.sh: $name is not listed in $pcaps/manifest.txt" >&2
	exit 2
fi
read -r _ want_exit extra <<<"$line"
# shellcheck disable=SC2206 # manifest arguments are simple words
extra_args=($extra)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # run OUT ERR ARGS...: stt-dump in the pcaps dir; prints exit code
	local out=$1 err=$2
	shift 2
	(cd "$pcaps" && TZ=UTC LC_ALL=C "$dump" -r "$name.pcap" "$@" >"$out" 2>"$err")
	echo $?
}

text_rc=$(run "$tmp/out.txt" "$tmp/out.stderr" "${TEXT_ARGS[@]}" "${extra_args[@]}")
json_rc=$(run "$tmp/out.json" "$tmp/json.stderr" "${JSON_ARGS[@]}" "${extra_args[@]}")

if [ "$update" = 1 ]; then
	cp "$tmp/out.txt" "$expected_dir/$name.txt"
	cp "$tmp/out.json" "$expected_dir/$name.json"
	if [ -s "$tmp/out.stderr" ]; then
		cp "$tmp/out.stderr" "$expected_dir/$name.stderr"
	else
		rm -f "$expected_dir/$name.stderr"
	fi
	if [ "$text_rc" != "$want_exit" ] || [ "$json_rc" != "$want_exit" ]; then
		echo "run-golden.sh: $name: exit codes text=$text_rc json=$json_rc, manifest says $want_exit: edit pcaps/manifest.txt if that is right" >&2
		exit 1
	fi
	echo "updated $name (review the diff before committing)"
	exit 0
fi

fail=0
compare() { # compare EXPECTED ACTUAL LABEL
	local exp=$1 act=$2 label=$3
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: missing expected file $exp"
		fail=1
		return
	fi
	if ! cmp -s "$exp" "$act"; then
		echo "FAIL $name: $label differs from $exp (--- expected, +++ actual):"
		diff -u "$exp" "$act" | head -200
		fail=1
	fi
}

compare "$expected_dir/$name.txt" "$tmp/out.txt" "text output (${TEXT_ARGS[*]} ${extra_args[*]})"
compare "$expected_dir/$name.json" "$tmp/out.json" "JSON output (${JSON_ARGS[*]} ${extra_args[*]})"
if [ -f "$expected_dir/$name.stderr" ]; then
	compare "$expected_dir/$name.stderr" "$tmp/out.stderr" "stderr"
elif [ -s "$tmp/out.stderr" ]; then
	echo "FAIL $name: unexpected stderr:"
	head -20 "$tmp/out.stderr"
	fail=1
fi
if [ "$text_rc" != "$want_exit" ]; then
	echo "FAIL $name: text run exited $text_rc, expected $want_exit"
	fail=1
fi
if [ "$json_rc" != "$want_exit" ]; then
	echo "FAIL $name: JSON run exited $json_rc, expected $want_exit"
	fail=1
fi
if [ "$fail" = 0 ]; then
	echo "ok $name"
fi
exit "$fail"
