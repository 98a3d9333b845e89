#!/usr/bin/env bash
# stt-dump CLI tests, one case per invocation:
#   cli.sh CASE STT_DUMP MKCAP WORKDIR
# Each case prints "TEST: name [ OK ]" per check, or "expected X, got Y"
# and exits 1 on the first failure.
set -u
case_name=$1
DUMP=$2
MKCAP=$3
W=$4
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 2
export TZ=UTC LC_ALL=C

fail() {
	echo "FAIL: $case_name: $*"
	exit 1
}
ok() { echo "TEST: $case_name: $* [ OK ]"; }

# run ARGS...: stdout in out, stderr in err, exit code in rc
run() {
	"$DUMP" "$@" >out 2>err
	rc=$?
}
expect_rc() {
	[ "$rc" = "$1" ] || fail "$2: expected exit $1, got $rc; stderr: $(head -c 300 err)"
}
expect_grep() { # file pattern what
	grep -q -e "$2" "$1" || fail "$3: expected /$2/ in $1, got: $(head -c 300 "$1")"
}
expect_lines() { # n file what
	local n
	n=$(wc -l <"$2")
	[ "$n" = "$1" ] || fail "$3: expected $1 lines, got $n"
}
frames() { grep -c ': STT ' out; }

mk() { "$MKCAP" "$@" 2>/dev/null || fail "mkcap $*"; }

case $case_name in
help)
	run --help
	expect_rc 0 "--help"
	for want in "Usage:" "-r, --read" "-i, --interface" "--json" "--strict" "--decap" \
		"--port" "--timeout" "--mem-cap" "-c, --count" "expression"; do
		expect_grep out "$want" "--help mentions $want"
	done
	[ -s err ] && fail "--help: expected empty stderr"
	ok "--help lists the options"
	run -h
	expect_rc 0 "-h"
	ok "-h is --help"
	;;
version)
	run --version
	expect_rc 0 "--version"
	expect_grep out "^stt-dump (sttkit) [0-9]" "--version banner"
	expect_grep out "libpcap" "--version names libpcap"
	ok "--version"
	;;
usage)
	run
	expect_rc 2 "no input"
	expect_grep err "Try 'stt-dump --help'" "no input hint"
	ok "no input is a usage error"
	run --no-such-option -r x
	expect_rc 2 "unknown option"
	ok "unknown option"
	run -c 0 -r x
	expect_rc 2 "-c 0"
	expect_grep err "-c" "-c 0 names the option"
	run -c abc -r x
	expect_rc 2 "-c abc"
	run --port 70000 -r x
	expect_rc 2 "--port 70000"
	run --mem-cap 4Q -r x
	expect_rc 2 "--mem-cap 4Q"
	run -r x -i lo
	expect_rc 2 "-r with -i"
	ok "bad option values are usage errors"
	;;
bad_file)
	run -r does-not-exist.pcap
	expect_rc 2 "missing file"
	expect_grep err "^stt-dump: does-not-exist.pcap: No such file" "missing file message"
	expect_lines 1 err "missing file message is one line"
	ok "missing file"
	echo "this is not a capture" >garbage.pcap
	run -r garbage.pcap
	expect_rc 2 "garbage file"
	expect_grep err "^stt-dump: garbage.pcap: " "garbage file message"
	ok "garbage file"
	: >empty.pcap
	run -r empty.pcap
	expect_rc 2 "empty file"
	ok "empty file"
	;;
truncated)
	mk --frames 50 full.pcap
	size=$(stat -c %s full.pcap)
	head -c $((size / 2)) full.pcap >cut.pcap
	run -r cut.pcap
	expect_rc 2 "truncated file"
	expect_grep err "^stt-dump: cut.pcap: truncated dump file.*(after packet [0-9]*)" \
		"truncated file message"
	[ "$(frames)" -gt 0 ] || fail "truncated file: expected the frames before the cut"
	expect_grep err "packets read" "summary still printed"
	ok "truncated file: frames decoded up to the cut, then a one-line error, exit 2"
	head -c 30 full.pcap >hdr.pcap
	run -r hdr.pcap
	expect_rc 2 "cut inside the first record header"
	expect_grep err "truncated dump file" "header cut"
	ok "file cut inside a record header"
	;;
linktype)
	mk --frames 2 --linktype 147 lt.pcap
	run -r lt.pcap
	expect_rc 2 "unknown link type"
	expect_grep err "^stt-dump: lt.pcap: unsupported link type 147" "link type message"
	expect_lines 1 err "link type message is one line"
	[ -s out ] && fail "unknown link type: expected no output"
	ok "unknown link type names the file and the type, exit 2"
	mk --frames 3 --raw raw.pcap
	run -r raw.pcap
	expect_rc 0 "raw IP link type"
	[ "$(frames)" = 3 ] || fail "raw: expected 3 frames, got $(frames)"
	ok "raw IP captures decode"
	;;
count)
	mk --frames 20 --size 9000 c.pcap
	run -r c.pcap -c 3
	expect_rc 0 "-c 3"
	[ "$(frames)" = 3 ] || fail "-c 3: expected 3 frames, got $(frames)"
	# 9000-byte frames take 7 segments: -c counts frames, not packets.
	expect_grep err "^21 packets read" "-c 3 read 3 frames' packets"
	ok "-c counts frames printed"
	run -r c.pcap -c 100
	[ "$(frames)" = 20 ] || fail "-c 100: expected 20 frames, got $(frames)"
	ok "-c larger than the capture"
	run -r c.pcap -c 2 --json
	[ "$(grep -c '"type":"frame"' out)" = 2 ] || fail "-c with --json"
	ok "-c with --json"
	;;
filter)
	mk --frames 40 f.pcap
	run -r f.pcap
	all=$(frames)
	run -r f.pcap src host 192.0.2.3
	expect_rc 0 "filter"
	n=$(frames)
	[ "$n" -gt 0 ] && [ "$n" -lt "$all" ] || fail "filter: expected 0 < n < $all, got $n"
	grep ': STT ' out | grep -v '^[0-9:.]* IP 192\.0\.2\.3\.' && fail "filter let other sources through"
	ok "filter keeps only matching outer packets ($n of $all frames)"
	run -r f.pcap 'tcp port 1'
	expect_rc 0 "filter matching nothing"
	[ "$(frames)" = 0 ] || fail "filter matching nothing printed frames"
	expect_grep err "^0 packets read" "filtered packets are not counted"
	ok "filter matching nothing"
	run -r f.pcap 'tcp port ('
	expect_rc 2 "bad filter"
	expect_grep err "bad filter expression" "bad filter message"
	ok "bad filter is an error"
	;;
strict)
	mk --frames 10 clean.pcap
	run -r clean.pcap --strict
	expect_rc 0 "--strict on a clean capture"
	grep -q warning out && fail "clean capture: expected no warnings"
	ok "--strict, clean capture: exit 0"
	mk --frames 10 --window 65535 ovs.pcap
	run -r ovs.pcap
	expect_rc 0 "warnings without --strict"
	expect_grep out "^  warning: tcp_window_nonzero: window: expected 0, got 65535 (packet 1)" \
		"window warning line"
	run -r ovs.pcap --strict
	expect_rc 1 "--strict with warnings"
	expect_grep err "warnings (tcp_window_nonzero)" "warning counter in the summary"
	ok "--strict with warnings: exit 1"
	;;
port)
	mk --frames 5 --port 9999 p.pcap
	run -r p.pcap
	expect_rc 0 "default port"
	[ "$(frames)" = 0 ] || fail "--port: frames on 9999 decoded without --port"
	expect_grep err "non-STT packets skipped" "skipped counter"
	run -r p.pcap --port 9999
	[ "$(frames)" = 5 ] || fail "--port 9999: expected 5 frames, got $(frames)"
	ok "--port selects the STT port"
	run -r p.pcap --port 7471 --port 9999
	[ "$(frames)" = 5 ] || fail "--port repeated"
	ok "--port is repeatable"
	;;
json)
	mk --frames 30 --window 1 j.pcap
	run -r j.pcap --json
	expect_rc 0 "--json"
	command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
	python3 - <<'PY' || fail "JSON lines do not match the schema"
import json, sys
frame_keys = ["type", "ts", "packet", "outer", "stream_id", "dport", "pkt_len", "seg_off",
              "pkt_id", "version", "flags", "l4offset", "reserved", "mss", "vlan",
              "context_id", "padding", "segments", "reassembled_length", "complete",
              "inner", "warnings"]
warn_keys = ["type", "check", "requirement", "level", "packet", "detail"]
frames = warns = 0
for n, line in enumerate(open("out"), 1):
    o = json.loads(line)
    # compact, no spaces, exactly as jansson's JSON_COMPACT writes it
    assert line.rstrip("\n") == json.dumps(o, separators=(",", ":"), ensure_ascii=False), n
    if o["type"] == "frame":
        frames += 1
        assert list(o) == frame_keys, (n, list(o))
        assert list(o["flags"]) == ["value", "csum_verified", "csum_partial", "ipv4", "tcp", "rsvd"]
        assert list(o["vlan"]) == ["tci", "pcp", "v", "id"]
        assert list(o["outer"]) == ["src", "dst", "ip_version", "tos"]
        assert list(o["inner"]) == ["summary", "ethertype", "src", "dst", "proto", "sport", "dport"]
        assert o["context_id"].startswith("0x") and len(o["context_id"]) == 18
        assert o["segments"] == len(o["seg_off"])
        assert o["reassembled_length"] == o["pkt_len"]
        sec, usec = o["ts"].split(".")
        assert len(usec) == 6 and sec.isdigit()
        assert o["warnings"] == ["tcp_window_nonzero"] * o["segments"], o["warnings"]
    elif o["type"] == "warning":
        warns += 1
        assert list(o) == warn_keys, (n, list(o))
        assert o["check"] == "tcp_window_nonzero" and o["level"] == "SHOULD"
        assert o["requirement"] == "STT-3.2-WINDOW-ZERO"
    else:
        raise SystemExit("unknown type %r" % o["type"])
assert frames == 30, frames
assert warns > 0
PY
	ok "--json: JSON Lines, fixed key order, warnings as objects"
	;;
stdin)
	mk --frames 10 s.pcap
	run -r s.pcap
	cp out expected
	"$DUMP" -r - <s.pcap >out 2>err
	rc=$?
	expect_rc 0 "-r -"
	cmp -s out expected || fail "-r - differs from -r FILE"
	ok "-r - reads stdin"
	;;
write)
	mk --frames 10 w.pcap
	run -r w.pcap -w outer.pcap src host 192.0.2.1
	expect_rc 0 "-w"
	tcpdump --version >/dev/null 2>&1 || { echo "SKIP: no tcpdump"; exit 0; }
	n=$(tcpdump -nn -r outer.pcap 2>/dev/null | wc -l)
	m=$(tcpdump -nn -r w.pcap src host 192.0.2.1 2>/dev/null | wc -l)
	[ "$n" = "$m" ] && [ "$n" -gt 0 ] || fail "-w: expected $m packets, got $n"
	run -r outer.pcap
	[ "$(frames)" -gt 0 ] || fail "-w output does not decode"
	ok "-w writes the matching outer packets ($n)"
	;;
decap)
	mk --frames 12 d.pcap
	run -r d.pcap --decap inner.pcap
	expect_rc 0 "--decap"
	n=$(frames)
	expect_grep err "^12 frames decapsulated" "decap counter"
	tcpdump --version >/dev/null 2>&1 || { echo "SKIP: no tcpdump"; exit 0; }
	m=$(tcpdump -nn -r inner.pcap 2>/dev/null | wc -l)
	[ "$m" = "$n" ] || fail "--decap: expected $n frames, got $m"
	tcpdump -nn -r inner.pcap 2>&1 | head -1 | grep -q "EN10MB" ||
		tcpdump -nn -r inner.pcap 2>&1 | grep -q "link-type EN10MB" ||
		fail "--decap: expected an Ethernet pcap"
	first_dump=$(grep -m1 ': STT ' out | cut -d' ' -f1)
	first_inner=$(tcpdump -nn -r inner.pcap 2>/dev/null | head -1 | cut -d' ' -f1)
	[ "$first_dump" = "$first_inner" ] ||
		fail "--decap: expected the completing segment's time $first_dump, got $first_inner"
	ok "--decap writes inner frames stamped with the completing segment's time"
	;;
snaplen)
	mk --frames 5 --size 1514 sn.pcap
	run -r sn.pcap -s 100
	expect_rc 0 "-s 100"
	expect_grep out "warning: snaplen_cut: snaplen 100 cut the STT payload" "snaplen warning"
	n=$(grep -c "snaplen_cut" out)
	p=$(tcpdump -nn -r sn.pcap 2>/dev/null | wc -l)
	[ "$n" = "$p" ] || fail "snaplen: expected one warning per packet ($p), got $n"
	expect_grep out ": STT ctx 0x[0-9a-f]*, len 1532, captured 46" "first segment still decoded"
	expect_grep err "warnings (snaplen_cut)" "snaplen counter"
	run -r sn.pcap -s 100 --strict
	expect_rc 1 "--strict with a snaplen cut"
	ok "-s: cut payloads decoded as far as they go, warned once per packet"
	;;
pcapng)
	mk --frames 8 n.pcap
	command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 0; }
	tshark -r n.pcap -F pcapng -w n.pcapng >/dev/null 2>&1 || fail "tshark could not write pcapng"
	run -r n.pcap
	cp out expected
	run -r n.pcapng
	expect_rc 0 "pcapng"
	cmp -s out expected || fail "pcapng output differs from pcap output"
	ok "pcapng reads like pcap"
	;;
timestamps)
	mk --frames 4 t.pcap
	run -r t.pcap
	expect_grep out "^12:00:00\.0000[0-9][0-9] IP " "default: time of day (TZ=UTC)"
	run -r t.pcap -t
	expect_grep out "^IP 192\.0\.2\." "-t: none"
	run -r t.pcap -tt
	expect_grep out "^1767268800\.0000[0-9][0-9] IP " "-tt: epoch"
	run -r t.pcap -ttt
	head -1 out | grep -q "^00:00:00\.000000 IP " || fail "-ttt: first delta should be 0"
	run -r t.pcap -tttt
	expect_grep out "^2026-01-01 12:00:00\.0000[0-9][0-9] IP " "-tttt: date"
	run -r t.pcap -ttttt
	head -1 out | grep -q "^00:00:00\.000000 IP " || fail "-ttttt: first is 0"
	ok "timestamp styles -t to -ttttt"
	;;
verbose)
	mk --frames 3 --size 4000 v.pcap
	run -r v.pcap -v
	expect_rc 0 "-v"
	expect_grep out "^    seg 1/3: packet 1, off 0, len 1448, id 0x[0-9a-f]*, tos 0x00, flags \[\.\], csum ok$" "segment line"
	expect_grep out "^    seg 3/3: packet 3, off 2896, len 1122, .*flags \[P\.\], csum ok$" "last segment line"
	ok "-v prints one line per segment with the checksum verdict"
	run -r v.pcap -X -c 1
	expect_grep out "^	0x0000:  0200 5e00 000b 0200 5e00 000a 0800 4500  \.\.\^\.\.\.\.\.\^\.\.\.\.\.E\.$" "-X layout"
	ok "-X hex and ASCII in tcpdump's layout"
	run -r v.pcap -e -c 1
	expect_grep out "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 1176: IP 192" "-e outer link (the completing segment)"
	ok "-e prints the outer link layer"
	;;
corrupt)
	# Mutated captures: any exit 0/1/2 is fine, a signal, a sanitizer
	# report or a hang is not. Deterministic (seeded).
	mk --frames 30 --interleave base.pcap
	command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
	python3 - "$DUMP" <<'PY' || fail "corrupt captures"
import random, subprocess, sys
dump = sys.argv[1]
base = open("base.pcap", "rb").read()
rnd = random.Random(1)
for i in range(60):
    b = bytearray(base)
    for _ in range(rnd.randint(1, 40)):
        b[rnd.randrange(24, len(b))] = rnd.randrange(256)
    if rnd.random() < 0.2:
        b = b[:rnd.randrange(24, len(b))]
    open("m.pcap", "wb").write(b)
    for args in (["-v", "-e", "-X"], ["--json", "-vv"], ["-q", "--mem-cap", "8K", "--timeout", "0.00001"]):
        try:
            p = subprocess.run([dump, "-r", "m.pcap", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=20)
        except subprocess.TimeoutExpired:
            open("hang.pcap", "wb").write(b)
            sys.exit("mutation %d %s: hang (kept as hang.pcap)" % (i, args))
        if p.returncode not in (0, 1, 2) or b"Sanitizer" in p.stderr or b"runtime error" in p.stderr:
            open("crash.pcap", "wb").write(b)
            sys.exit("mutation %d %s: exit %d: %s" % (i, args, p.returncode, p.stderr[-400:]))
PY
	ok "60 mutated captures x 3 option sets: no crash, no hang"
	;;
mapped)
	# Classic pcap files are read from a mapping, others through libpcap:
	# on intact and on corrupt files (headers and records mutated, cut
	# short) both paths must print the same bytes and exit the same way.
	mk --frames 30 --interleave base.pcap
	command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
	python3 - "$DUMP" <<'PY' || fail "mapped and libpcap readers disagree"
import os, random, subprocess, sys
dump = sys.argv[1]
base = open("base.pcap", "rb").read()
rnd = random.Random(12)
def run(name, env):
    p = subprocess.run([dump, "-r", name, "-v"], capture_output=True, timeout=20,
                       env=dict(os.environ, TZ="UTC", **env))
    return p.returncode, p.stdout, p.stderr
for i in range(120):
    b = bytearray(base)
    if i:
        for _ in range(rnd.randint(1, 10)):
            pos = rnd.randrange(4, len(b)) if rnd.random() < 0.3 else rnd.randrange(24, len(b))
            b[pos] = rnd.randrange(256)
        if rnd.random() < 0.5:
            b = b[:rnd.randrange(24, len(b))]
        if rnd.random() < 0.2:
            pos = rnd.randrange(24, len(b) - 4)
            b[pos:pos + 4] = rnd.randrange(2**32).to_bytes(4, "little")
        if rnd.random() < 0.3:
            b[16:20] = rnd.choice([0, 60, 1500, 65535, 262144, 262145, 2**31]).to_bytes(4, "little")
    open("m.pcap", "wb").write(b)
    a, l = run("m.pcap", {}), run("m.pcap", {"STT_CAP_NO_MAP": "1"})
    if a != l:
        open("differs.pcap", "wb").write(b)
        sys.exit("mutation %d: mapped exit %d, libpcap exit %d; stderr:\n%s\n%s" %
                 (i, a[0], l[0], a[2][-300:], l[2][-300:]))
PY
	ok "mapped reader and libpcap agree on 120 intact and corrupt files"
	;;
live)
	[ "$(id -u)" = 0 ] || { echo "SKIP: live capture needs root"; exit 0; }
	SEND=${5:-}
	[ -x "$SEND" ] || { echo "SKIP: no stt-send"; exit 0; }
	# Nothing arrives: SIGINT ends the capture cleanly with a summary.
	"$DUMP" -i lo --port 7 'dst host 127.0.0.1 and tcp port 7' >out 2>err &
	pid=$!
	sleep 0.5
	kill -INT $pid
	wait $pid
	rc=$?
	expect_rc 0 "SIGINT on a live capture"
	expect_grep err "^0 packets read" "summary after SIGINT"
	expect_grep err "packets received by filter" "kernel counters"
	ok "-i: SIGINT stops the capture with a summary"
	timeout 20 "$DUMP" -i lo -c 2 -l 'dst host 127.0.0.1 and tcp dst port 7471' >out 2>err &
	pid=$!
	sleep 0.5
	"$SEND" --target 127.0.0.1 --src 127.0.0.1 --dst 127.0.0.1 -c 2 --size 3000 -q >/dev/null 2>&1 ||
		fail "stt-send to 127.0.0.1"
	wait $pid
	rc=$?
	expect_rc 0 "-i lo -c 2"
	[ "$(frames)" = 2 ] || fail "live: expected 2 frames, got $(frames)"
	expect_grep out "IP 127.0.0.1.[0-9]* > 127.0.0.1.7471: STT ctx 0x0, len 3032, 3 segs" "live frame line"
	ok "-i lo: frames sent by stt-send are reassembled live"
	;;
json_more)
	# What text shows (with -v) must not be lost in --json.
	P=$HERE/../../pcaps
	run -r "$P/bad-corrupt-ip.pcap" --json
	expect_grep out '^{"type":"warning","check":"malformed_packet","requirement":null,"level":"INFO","packet":1,"detail":"IPv4 header length (IHL) < 5"}$' "malformed packet in --json"
	expect_grep err "^1 malformed packets" "summary counts it"
	grep -q "warning (malformed_packet)" err && fail "malformed_packet counted as a warning"
	ok "--json: malformed outer packet object"
	run -r "$P/bad-non-stt-tcp.pcap" --json
	expect_grep out '"check":"not_stt",.*"packet":1,"detail":"192.0.2.1.40123 > 192.0.2.2.7471: TCP control packet, not STT, flags \[S\], length 0"' "not_stt in --json"
	ok "--json: TCP control packet on the STT port"
	# --json verifies checksums without -v; text without -v does not.
	run -r "$P/w-tcp-csum-bad.pcap" --json
	expect_grep out '"check":"tcp_csum_bad"' "tcp_csum_bad in --json without -v"
	run -r "$P/w-tcp-csum-bad.pcap"
	grep -q tcp_csum_bad out && fail "text without -v: expected no checksum verdict"
	ok "--json: bad TCP checksum reported without -v"
	run -r "$P/single.pcap" --json --strict
	expect_rc 0 "good checksums are quiet in --json"
	grep -q tcp_csum_bad out && fail "single.pcap: unexpected tcp_csum_bad"
	ok "--json: good checksums stay quiet"
	;;
late_dup)
	# A late duplicate of a delivered frame's segment is absorbed with no
	# callback to come: its findings print at once, not at end of file.
	mk --frames 2 --size 200 --window 100 two.pcap
	python3 - two.pcap late.pcap <<'PY' || fail "building late.pcap"
import struct, sys
b = open(sys.argv[1], "rb").read()
recs, pos = [], 24
while pos < len(b):
    incl = struct.unpack_from("<I", b, pos + 8)[0]
    recs.append(b[pos:pos + 16 + incl])
    pos += 16 + incl
if len(recs) != 2:
    sys.exit("expected 2 packets, got %d" % len(recs))
open(sys.argv[2], "wb").write(b[:24] + recs[0] + recs[0] + recs[1])
PY
	run -r late.pcap -t
	grep -n . out >numbered
	w2=$(grep -n 'tcp_window_nonzero.*(packet 2)' out | cut -d: -f1)
	f2=$(grep -n ': STT ' out | sed -n 2p | cut -d: -f1)
	[ -n "$w2" ] && [ -n "$f2" ] || fail "late dup: expected packet 2's warning and 2 frames, got: $(cat out)"
	[ "$w2" -lt "$f2" ] || fail "late dup: packet 2's warning (line $w2) expected before the next frame (line $f2)"
	[ "$(grep -c '(packet 2)' out)" = 1 ] || fail "late dup: packet 2's warning expected once"
	expect_grep err "^1 duplicate segments absorbed" "late duplicate absorbed"
	ok "late duplicate: its findings print when it is absorbed"
	run -r late.pcap --json
	[ "$(grep -c '"packet":2,' out)" = 1 ] || fail "late dup --json: expected packet 2's warning once"
	ok "late duplicate: --json too"
	;;
*)
	echo "unknown case $case_name"
	exit 2
	;;
esac
exit 0
