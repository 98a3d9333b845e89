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

# measure N CMD...: prints "wall cpu maxrss_kb": the best wall time and the
# best CPU time (user + system, from getrusage: steadier than wall time on
# a busy machine) of N runs, and the peak RSS from GNU time (apt-get install
# time) when it is there, else getrusage() of the child, which on Linux also
# counts the python process it was forked from (an upper bound, marked ~).
measure() {
	python3 - "$@" <<'PY'
import os, resource, subprocess, sys, tempfile, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
gnu_time = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
best = cpu = None; rss = 0
for _ in range(n):
    with tempfile.NamedTemporaryFile("r") as tf:
        full = [gnu_time, "-f", "%M", "-o", tf.name] + cmd if gnu_time else cmd
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        dt = time.perf_counter() - t
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        dc = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        if gnu_time:
            try:
                rss = max(rss, int(tf.read().split()[-1]))
            except (ValueError, IndexError):
                pass
    best = dt if best is None or dt < best else best
    cpu = dc if cpu is None or dc < cpu else cpu
if gnu_time:
    print("%.3f %.3f %d" % (best, cpu, rss))
else:
    print("%.3f %.3f ~%d" % (best, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

declare -A secs cpus rss
row() { # name runs cmd...
	local name=$1 n=$2
	shift 2
	read -r s c r < <(measure "$n" "$@")
	secs[$name]=$s
	cpus[$name]=$c
	rss[$name]=$r
	printf "%-12s %8.3f s %8.3f s %9s KB   %s\n" "$name" "$s" "$c" "$r" "$*"
}

printf "%-12s %10s %10s %12s   %s\n" "what" "wall" "cpu" "peak RSS" "command"
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
both() { # a b: "wall Nx, cpu Mx"
	echo "wall $(ratio "${secs[$1]}" "${secs[$2]}")x, cpu $(ratio "${cpus[$1]}" "${cpus[$2]}")x"
}
[ -n "${secs[tcpdump]:-}" ] && echo "tcpdump / stt-dump text: $(both tcpdump stt-text) (target >= 2)"
[ -n "${secs[tshark]:-}" ] && echo "tshark / stt-dump text:  $(both tshark stt-text) (target >= 10)"
echo "stt-dump json / text:    $(both stt-json stt-text) (target <= 2)"
