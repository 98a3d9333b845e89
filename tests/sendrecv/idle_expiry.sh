#!/usr/bin/env bash
# stt-recv live on an idle interface gives up an incomplete frame at its
# reassembly timeout, without waiting for another packet to arrive: one
# frame with a dropped segment is sent to it, then nothing more, and the
# "incomplete_timeout" warning must show up while it still runs, and its
# counters must say "timeout", not "flushed" at exit.
# Negative control: with --fault no-timeout (frames never expire; a fault
# of the echo target, so its echoes go to a pcap) the same wait must see
# no such warning, so the check cannot pass by accident.
# Needs root and ip(8); exits 77 (skipped) otherwise.
set -u
SEND=$1
RECV=$2

# setup, start_recv, probe, stop_recv, ok, fail, check, check_not
# shellcheck source-path=SCRIPTDIR source=netns.sh
. "$(dirname "$0")/netns.sh"

if ! setup; then
	echo "cannot build the namespaces: skipped"
	exit 77
fi

# Not quiet: the -v warnings are what is looked for.
RECV_BASE=(--raw --timeout 60s)

# saw_timeout NAME SECONDS: the warning appeared in NAME's output within
# SECONDS (the reassembly timeout is 1 s)
saw_timeout() {
	local _
	for _ in $(seq 1 $(($2 * 10))); do
		grep -q "warning: incomplete_timeout" "$T/$1.out" && return 0
		sleep 0.1
	done
	return 1
}

running() { kill -0 "$(cat "$T/$1.pid")" 2>/dev/null; }

# run NAME [RECV-ARGS...]: a receiver in B, ready, then one frame from A
# whose second segment is dropped, and no traffic after it
run() {
	local name=$1
	shift
	start_recv "$NB" "$name" -i "$VB" -v --reasm-timeout 1s --stats-json "$T/$name.json" "$@"
	if ! probe "$NA" 192.0.2.2 "$name"; then
		fail "$name: receiver ready" "$(cat "$T/$name.err")"
		return 1
	fi
	inA "$SEND" -q --target 192.0.2.2 --size 3000 --seed 5 --context 5 --drop 1
}

if run idle; then
	check "idle: timeout reported within 5 s with no further traffic" saw_timeout idle 5
	check "idle: ... while stt-recv still runs" running idle
	stop_recv idle
	check "idle: counted as a timeout drop" grep -Eq '"timeout": *1,' "$T/idle.json"
	check "idle: ... not as flushed at exit" grep -Eq '"flushed": *0,' "$T/idle.json"
fi
stop_recv idle

if run never --fault no-timeout --echo-pcap "$T/never-echo.pcap"; then
	check_not "control: with --fault no-timeout no timeout is reported" saw_timeout never 3
	stop_recv never
	check "control: the frame is flushed at exit instead" grep -Eq '"flushed": *1,' "$T/never.json"
fi
stop_recv never

echo "$fails failed"
[ $fails = 0 ]
