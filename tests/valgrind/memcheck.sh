#!/bin/bash
# memcheck.sh LEAK_CONTROL STT_DUMP PCAP_DIR [STT_FUZZ]: valgrind --error-exitcode=99
# --leak-check=full over stt-dump (text -v and JSON) on every pcap/pcapng
# in PCAP_DIR, and over stt-fuzz --local --cases 2000. Any memory error or
# leak fails the test; stt-dump's own exit status (1 for warnings, 2 for a
# bad file) is fine: only 99 (or a valgrind report) means valgrind found
# something. LEAK_CONTROL leaks on purpose and must be caught first.
# Runs as many valgrinds at once as there are CPUs.
set -u
control=$1 dump=$2 dir=$3 fuzz=${4:-}
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
vg=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect)
jobs=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

# job N NAME command...: one valgrind run; its verdict goes to $tmp/N.result
job() {
	local id=$1 name=$2
	shift 2
	"${vg[@]}" --log-file="$tmp/$id.vg" "$@" >/dev/null 2>"$tmp/$id.err"
	local rc=$?
	if [ $rc = 99 ] || [ -s "$tmp/$id.vg" ]; then
		{ echo "FAIL: $name (exit $rc)"; sed 's/^/#   /' "$tmp/$id.vg" | head -n 40; } >"$tmp/$id.result"
	elif [ $rc -gt 2 ]; then
		{ echo "FAIL: $name: exit status $rc (crash?)"; sed 's/^/#   /' "$tmp/$id.err" | head -n 5; } >"$tmp/$id.result"
	fi
}

spawn() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	n=$((n + 1))
	job "$n" "$@" &
}

job 0 "leak control" "$control"
if ! grep -q "definitely lost" "$tmp/0.result" 2>/dev/null; then
	echo "FAIL: valgrind did not report the deliberate leak of $control"
	exit 1
fi
echo "valgrind catches the deliberate leak (negative control)"
rm -f "$tmp/0.result"
if [ -n "$fuzz" ]; then
	spawn "stt-fuzz --local --cases 2000" "$fuzz" --local --cases 2000 --seed 1 -q -o "$tmp/findings"
fi
shopt -s nullglob
pcaps=("$dir"/*.pcap "$dir"/*.pcapng)
for p in "${pcaps[@]}"; do
	spawn "stt-dump -v -r $(basename "$p")" "$dump" -v -r "$p"
	spawn "stt-dump --json -r $(basename "$p")" "$dump" --json -r "$p"
done
wait
echo "valgrind: $n runs (stt-dump on ${#pcaps[@]} captures${fuzz:+, stt-fuzz --local --cases 2000})"
if compgen -G "$tmp/*.result" >/dev/null; then
	cat "$tmp"/*.result
	exit 1
fi
echo "OK: no memory errors or leaks"
