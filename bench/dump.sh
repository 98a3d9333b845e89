#!/usr/bin/env bash
# stt-dump throughput against tcpdump and tshark on the same capture.
#
#   bench/dump.sh [BUILD_DIR] [SEGMENTS]
#
# Builds a capture of SEGMENTS (default 200000) STT segments with mixed
# frame sizes using mkcap, then times, best of $RUNS (default 3) runs,
# with output to /dev/null:
#   cat                                  the I/O floor
#   stt-dump -r                          text
#   stt-dump -r --json                   JSON Lines
#   tcpdump -nn -r                       one line per packet, no STT decoding
#   tshark -o ip.try_heuristic_first:TRUE -r   (one run: it is slow)
# and prints wall time, peak RSS and the ratios the targets are stated in:
# text >= 2x faster than tcpdump, >= 10x faster than tshark, --json within
# 2x of text. Timing uses python3 (wall clock, getrusage of the child), so
# /usr/bin/time is not needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
segments=${2:-200000}
runs=${RUNS:-3}

dump=${STT_DUMP:-$build/tools/stt-dump}
mkcap=""
for c in "$build/bench/stt-mkcap" "$build/tests/dump/dump_mkcap"; do
	[ -x "$c" ] && mkcap=$c && break
done
[ -x "$dump" ] || { echo "dump.sh: no stt-dump at $dump (build first)" >&2; exit 2; }
[ -n "$mkcap" ] || { echo "dump.sh: no mkcap in $build (build first)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "dump.sh: needs python3" >&2; exit 2; }

work=${TMPDIR:-/tmp}/stt-bench-dump
mkdir -p "$work"
cap=$work/mixed-$segments.pcap
if [ ! -s "$cap" ]; then
	"$mkcap" --segments "$segments" --interleave "$cap"
fi
echo "capture: $cap ($(stat -c %s "$cap") bytes)"
cat "$cap" >/dev/null # warm the page cache

# measure N CMD...: prints "seconds maxrss_kb": the best wall time of N
# runs, and the peak RSS from GNU time (apt-get install time) when it is
# there, else getrusage() of the child, which on Linux also counts the
# python process it was forked from (an upper bound, marked with ~).
measure() {
	python3 - "$@" <<'PY'
import os, resource, subprocess, sys, tempfile, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
gnu_time = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
best = None; rss = 0
for _ in range(n):
    with tempfile.NamedTemporaryFile("r") as tf:
        full = [gnu_time, "-f", "%M", "-o", tf.name] + cmd if gnu_time else cmd
        t = time.perf_counter()
        subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        dt = time.perf_counter() - t
        if gnu_time:
            try:
                rss = max(rss, int(tf.read().split()[-1]))
            except (ValueError, IndexError):
                pass
    best = dt if best is None or dt < best else best
if gnu_time:
    print("%.3f %d" % (best, rss))
else:
    print("%.3f ~%d" % (best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

declare -A secs rss
row() { # name runs cmd...
	local name=$1 n=$2
	shift 2
	read -r s r < <(measure "$n" "$@")
	secs[$name]=$s
	rss[$name]=$r
	printf "%-12s %8.3f s %8s KB   %s\n" "$name" "$s" "$r" "$*"
}

printf "%-12s %10s %11s   %s\n" "what" "wall" "peak RSS" "command"
row cat "$runs" cat "$cap"
row stt-text "$runs" "$dump" -r "$cap" --no-summary
row stt-json "$runs" "$dump" -r "$cap" --json --no-summary
if command -v tcpdump >/dev/null; then
	row tcpdump "$runs" tcpdump -nn -r "$cap"
fi
if command -v tshark >/dev/null && [ "${SKIP_TSHARK:-0}" != 1 ]; then
	row tshark 1 tshark -o ip.try_heuristic_first:TRUE -r "$cap"
fi

ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
echo
echo "frames: $("$dump" -r "$cap" -q 2>/dev/null | wc -l), segments: $segments"
[ -n "${secs[tcpdump]:-}" ] &&
	echo "tcpdump / stt-dump text: $(ratio "${secs[tcpdump]}" "${secs[stt-text]}")x (target >= 2)"
[ -n "${secs[tshark]:-}" ] &&
	echo "tshark / stt-dump text:  $(ratio "${secs[tshark]}" "${secs[stt-text]}")x (target >= 10)"
echo "stt-dump json / text:    $(ratio "${secs[stt-json]}" "${secs[stt-text]}")x (target <= 2)"
