#!/usr/bin/env bash
#
# bench/bgp/run.sh: one command, one run, the same feeder for every DUT.
#
#   netns vgwt-bgpb<pid>-f                          netns vgwt-bgpb<pid>-d
#   feeder send 198.18.0.1 AS 65010 --\            DUT 198.18.0.2 AS 65001
#   feeder recv 198.18.0.3 AS 65020 ---+==veth====  BIRD 2 (import all, no kernel
#   (sink: feeder recv 198.18.0.4)  --/              export), then vgwd (BGP only,
#                                                    --no-fib)
# For each DUT:
#   load     time from the feeder's session up (OPEN exchange done) until the
#            DUT has processed the End-of-RIB that follows the last prefix
#            (its own log: BIRD "Got END-OF-RIB", vgwd "End-of-RIB
#            received"), and until a poll (~10 ms) sees all N in its Loc-RIB
#            (birdc "show protocols all feed" Routes / vgwctl "show status"
#            loc_rib_prefixes)
#   cpu      user+system CPU seconds the DUT used meanwhile
#   rss      (VmRSS after load - VmRSS before) / N, bytes per route
#   adv      a second feeder connects in receive mode: time from its session
#            up until all N prefixes arrived, and until End-of-RIB
# plus the feeder against a sink (feeder recv) to show it is not the limit.
# Env: N (prefixes, default 1000000), VGWD, VGWCTL (default build/...), FEEDER,
#      BENCH_DUTS (default "bird vgwd"), KEEP=1 keeps the work dir.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-1000000}
VGWD=${VGWD:-$ROOT/build/src/daemon/vgwd}
VGWCTL=${VGWCTL:-$ROOT/build/src/cli/vgwctl}
BENCH_DUTS=${BENCH_DUTS:-bird vgwd}
# FIB=1: both DUTs also install every route into the kernel FIB (BIRD's
# kernel protocol exporting all, vgwd without --no-fib), and "load" runs
# until the kernel has them all.
FIB=${FIB:-0}
NSF="vgwt-bgpb$$-f"
NSD="vgwt-bgpb$$-d"
DUT_IP=198.18.0.2
W=""

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

cleanup() {
	local rc=$? ns pid
	trap - EXIT INT TERM
	for ns in "$NSF" "$NSD"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		for pid in $(ip netns pids "$ns"); do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
	done
	sleep 0.3
	for ns in "$NSF" "$NSD"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null; done
		ip netns del "$ns"
	done
	wait 2>/dev/null
	if [ "$rc" != 0 ] && [ -n "$W" ]; then
		for f in "$W"/*.log; do [ -f "$f" ] && { echo "===== $f" >&2; tail -n 30 "$f" >&2; }; done
	fi
	[ -n "$W" ] && { [ -n "${KEEP:-}" ] && say "kept $W" || rm -rf "$W"; }
	exit "$rc"
}

setup() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
	W=$(mktemp -d "/tmp/vgwt-bgpb$$.XXXXXX")
	chmod 755 "$W"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$NSF" && ip netns add "$NSD" || die "netns"
	ip -n "$NSF" link set lo up
	ip -n "$NSD" link set lo up
	ip link add "vbb$$f" netns "$NSF" type veth peer name "vbb$$d" netns "$NSD" || die "veth"
	ip -n "$NSF" addr add 198.18.0.1/24 dev "vbb$$f"
	ip -n "$NSF" addr add 198.18.0.3/24 dev "vbb$$f"
	ip -n "$NSF" addr add 198.18.0.4/24 dev "vbb$$f"
	ip -n "$NSD" addr add "$DUT_IP/24" dev "vbb$$d"
	ip -n "$NSF" link set "vbb$$f" up
	ip -n "$NSD" link set "vbb$$d" up
}

# The feeder is built here with cc (bench/bgp/CMakeLists.txt builds the same
# program as bgp_feeder once the top CMakeLists adds bench/bgp); FEEDER=path
# uses a prebuilt one.
build_feeder() {
	[ -n "${FEEDER:-}" ] && { [ -x "$FEEDER" ] || die "FEEDER=$FEEDER not executable"; return 0; }
	FEEDER="$W/feeder"
	cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/src" \
		"$HERE/feeder.c" "$ROOT/src/base/cursor.c" -o "$FEEDER" || die "feeder build"
}

t_now() { date +%s.%N; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }
# field FILE KEY: the value of "KEY value" once it is there (waits up to $3 s).
field() {
	local end=$(( $(date +%s) + ${3:-120} ))
	while [ "$(date +%s)" -le "$end" ]; do
		v=$(awk -v k="$2" '$1 == k { print $2; exit }' "$1" 2>/dev/null)
		[ -n "$v" ] && { echo "$v"; return 0; }
		sleep 0.005
	done
	return 1
}
# CPU seconds (user + system) a process has used: robust when other jobs
# share the machine, unlike wall time.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
feeder() { local name=$1; shift; ip netns exec "$NSF" "$FEEDER" "$@" >"$W/$name.out" 2>"$W/$name.log" & }

# ---------------------------------------------------------------- DUTs

bird_up() {
	cat >"$W/bird.conf" <<-EOF
	log stderr all;
	router id $DUT_IP;
	protocol device { }
	protocol bgp feed {
	  local $DUT_IP as 65001; neighbor 198.18.0.1 as 65010; passive on;
	  debug { states, packets };
	  hold time 90; ipv4 { import all; export none; };
	}
	$( [ "$FIB" = 1 ] && echo 'protocol kernel kfib { ipv4 { export all; import none; }; }' )
	protocol bgp recv {
	  local $DUT_IP as 65001; neighbor 198.18.0.3 as 65020; passive on;
	  hold time 90; ipv4 { import none; export all; };
	}
	EOF
	ip netns exec "$NSD" bird -f -c "$W/bird.conf" -s "$W/bird.ctl" >"$W/bird.log" 2>&1 &
	DUT_PID=$!
	for _ in $(seq 50); do birdc -s "$W/bird.ctl" show status >/dev/null 2>&1 && return 0; sleep 0.1; done
	die "bird did not start"
}
# Channel statistics are O(1) for BIRD ("show route count" walks the whole
# table and would slow the import it measures).
bird_count() {
	if [ "$FIB" = 1 ]; then
		birdc -s "$W/bird.ctl" show protocols all kfib 2>/dev/null | awk '/Routes:/ { print $4; exit }'
	else
		birdc -s "$W/bird.ctl" show protocols all feed 2>/dev/null | awk '/Routes:/ { print $2; exit }'
	fi
}
# When the DUT processed the feeder's End-of-RIB (epoch s), from its log:
# every UPDATE before it is in the Loc-RIB by then, and no polling skews it.
bird_eor_time() {
	local t
	t=$(awk '/feed: Got END-OF-RIB/ { print $1 " " $2; exit }' "$W/bird.log")
	[ -n "$t" ] && date -d "$t" +%s.%N
}
bird_version() { bird --version 2>&1 | awk '{ print "BIRD " $3 }'; }

# Control socket JSON: vgwctl if it knows "show status", else one raw
# request of the control protocol (docs/control-protocol.md).
vgwd_status() {
	"$VGWCTL" --socket "$W/vgwd.sock" show status --json 2>/dev/null ||
		python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"{\"version\":1,\"command\":\"show status\",\"args\":{}}\n")
print(s.makefile().readline())' "$W/vgwd.sock" 2>/dev/null
}
vgwd_up() {
	[ -x "$VGWD" ] || return 1
	cat >"$W/vgwd.yaml" <<-EOF
	version: 1
	role: generic
	name: bench
	outside_address: $DUT_IP
	control_socket: $W/vgwd.sock
	log_level: info
	bgp:
	  asn: 65001
	  router_id: $DUT_IP
	  listen: true
	  neighbors:
	    - name: feed
	      address: 198.18.0.1
	      local_address: $DUT_IP
	      remote_as: 65010
	      passive: true
	      hold_time: 90
	      export: { allow: [255.255.255.255/32] }
	    - name: recv
	      address: 198.18.0.3
	      local_address: $DUT_IP
	      remote_as: 65020
	      passive: true
	      hold_time: 90
	      import: { allow: [255.255.255.255/32] }
	EOF
	local nofib=--no-fib
	[ "$FIB" = 1 ] && nofib=
	ip netns exec "$NSD" "$VGWD" -c "$W/vgwd.yaml" -f $nofib >"$W/vgwd.log" 2>&1 &
	DUT_PID=$!
	for _ in $(seq 50); do [ -n "$(vgwd_count)" ] && return 0; sleep 0.1; done
	die "vgwd did not start (or its status has no loc_rib_prefixes)"
}
vgwd_count() {
	local key=loc_rib_prefixes
	[ "$FIB" = 1 ] && key=fib_installed
	vgwd_status | python3 -c 'import json,sys
d=json.load(sys.stdin); d=d.get("data", d)
v=d.get(sys.argv[1])
print("" if v is None else v)' "$key" 2>/dev/null
}
vgwd_eor_time() {
	local t
	t=$(awk '/peer 198.18.0.1 .*End-of-RIB received/ { print $1; exit }' "$W/vgwd.log")
	[ -n "$t" ] && date -d "$(date +%F) $t" +%s.%N
}
vgwd_version() { echo "vgwd $("$VGWD" -V 2>/dev/null | awk '{ print $2 }')"; }

# ---------------------------------------------------------------- runs

# run_dut KIND: sets R_LOAD R_RSS R_ADV R_ADV_EOR (or "n/a").
run_dut() {
	local k=$1 t_up t_done before after c t_rup t_all t_eor cpu0 cpu1 t_leor
	R_LOAD=n/a R_LOAD_EOR=n/a R_RSS=n/a R_ADV=n/a R_ADV_EOR=n/a R_CPU=n/a R_ADV_CPU=n/a
	"${k}_up" || { say "$k: not available, skipped"; return 0; }
	sleep 1
	before=$(rss_kb "$DUT_PID")
	cpu0=$(cpu_s "$DUT_PID")
	feeder "$k-send" send -c "$DUT_IP" -b 198.18.0.1 -a 65010 -n "$N"
	t_up=$(field "$W/$k-send.out" established 30) || die "$k: feeder session not up"
	while :; do
		c=$("${k}_count")
		[ "${c:-0}" -ge "$N" ] && break
		[ "$(fsub "$(t_now)" "$t_up" | cut -d. -f1)" -lt 300 ] || die "$k: only $c of $N routes after 300 s"
		sleep 0.01
	done
	t_done=$(t_now)
	cpu1=$(cpu_s "$DUT_PID")
	R_CPU=$(fsub "$cpu1" "$cpu0" | xargs printf %.2f)
	sleep 0.5
	after=$(rss_kb "$DUT_PID")
	R_LOAD=$(printf %.2f "$(fsub "$t_done" "$t_up")")
	for _ in $(seq 50); do t_leor=$("${k}_eor_time") && break; sleep 0.1; done
	[ -n "$t_leor" ] && R_LOAD_EOR=$(printf %.2f "$(fsub "$t_leor" "$t_up")")
	R_RSS=$(( (after - before) * 1024 / N ))
	say "$k: $N routes in $R_LOAD s polled, $R_LOAD_EOR s to End-of-RIB processed ($R_CPU s CPU), RSS $before -> $after kB ($R_RSS B/route)"
	cpu0=$(cpu_s "$DUT_PID")
	feeder "$k-recv" recv -c "$DUT_IP" -b 198.18.0.3 -a 65020 -n "$N"
	t_rup=$(field "$W/$k-recv.out" established 30) || die "$k: receiver session not up"
	if t_all=$(field "$W/$k-recv.out" complete 300); then
		R_ADV=$(printf %.2f "$(fsub "$t_all" "$t_rup")")
	fi
	if t_eor=$(field "$W/$k-recv.out" eor 15); then
		R_ADV_EOR=$(printf %.2f "$(fsub "$t_eor" "$t_rup")")
	fi
	R_ADV_CPU=$(fsub "$(cpu_s "$DUT_PID")" "$cpu0" | xargs printf %.2f)
	say "$k: advertised $N routes in $R_ADV s (End-of-RIB after $R_ADV_EOR s)"
	VERSION[$k]=$("${k}_version")
	kill "$DUT_PID" 2>/dev/null
	wait "$DUT_PID" 2>/dev/null
	for pid in $(ip netns pids "$NSF"); do kill "$pid" 2>/dev/null; done
	sleep 0.3
}

run_sink() {
	feeder sink recv -l 198.18.0.4 -p 1790 -a 65030 -n "$N"
	sleep 0.2
	feeder src send -c 198.18.0.4 -p 1790 -a 65010 -b 198.18.0.1 -n "$N"
	local t0 t1
	# From the sender's session up: the sink may see its KEEPALIVE only
	# after much of the stream is already in its socket buffer.
	t0=$(field "$W/src.out" established 10) || die "sink session not up"
	t1=$(field "$W/sink.out" eor 60) || die "sink got no End-of-RIB"
	SINK=$(printf %.3f "$(fsub "$t1" "$t0")")
	SINK_RATE=$(awk -v n="$N" -v d="$SINK" 'BEGIN { printf "%.1f", n / d / 1e6 }')
	say "feeder -> sink: $N prefixes in $SINK s ($SINK_RATE M prefixes/s)"
	for pid in $(ip netns pids "$NSF"); do kill "$pid" 2>/dev/null; done
	sleep 0.2
}

ratio() {
	if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
	else
		echo n/a
	fi
}

declare -A LOAD RSS ADV ADVEOR VERSION CPU ADVCPU LOADEOR
setup
build_feeder
run_sink
for d in $BENCH_DUTS; do
	run_dut "$d"
	LOAD[$d]=$R_LOAD RSS[$d]=$R_RSS ADV[$d]=$R_ADV ADVEOR[$d]=$R_ADV_EOR
	CPU[$d]=$R_CPU ADVCPU[$d]=$R_ADV_CPU LOADEOR[$d]=$R_LOAD_EOR
done
b=bird v=vgwd
printf '\nBGP benchmark, %s IPv4 prefixes (/16-/24, 4 AS paths, ~1,000 per UPDATE)%s\n' "$N" \
	"$( [ "$FIB" = 1 ] && echo ', routes installed in the kernel FIB' )"
printf 'feeder -> sink: %s s (%s M prefixes/s)\n\n' "$SINK" "$SINK_RATE"
printf '%-34s %12s %12s %10s\n' "" "${VERSION[$b]:-BIRD}" "${VERSION[$v]:-vgwd}" "vgw/BIRD"
printf '%-34s %12s %12s %10s\n' "load, to End-of-RIB processed (s)" "${LOADEOR[$b]:-n/a}" "${LOADEOR[$v]:-n/a}" "$(ratio "${LOADEOR[$v]:-}" "${LOADEOR[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "load, polled route count (s)" "${LOAD[$b]:-n/a}" "${LOAD[$v]:-n/a}" "$(ratio "${LOAD[$v]:-}" "${LOAD[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "  CPU used by the DUT (s)" "${CPU[$b]:-n/a}" "${CPU[$v]:-n/a}" "$(ratio "${CPU[$v]:-}" "${CPU[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "RSS per route (bytes)" "${RSS[$b]:-n/a}" "${RSS[$v]:-n/a}" "$(ratio "${RSS[$v]:-}" "${RSS[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "advertise to new peer, all (s)" "${ADV[$b]:-n/a}" "${ADV[$v]:-n/a}" "$(ratio "${ADV[$v]:-}" "${ADV[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "  CPU used by the DUT (s)" "${ADVCPU[$b]:-n/a}" "${ADVCPU[$v]:-n/a}" "$(ratio "${ADVCPU[$v]:-}" "${ADVCPU[$b]:-}")"
printf '%-34s %12s %12s %10s\n' "advertise, until End-of-RIB (s)" "${ADVEOR[$b]:-n/a}" "${ADVEOR[$v]:-n/a}" "$(ratio "${ADVEOR[$v]:-}" "${ADVEOR[$b]:-}")"
printf '\nload average now: %s (wall times suffer when other jobs share the CPUs; CPU times less)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'reference on this machine (shared/reference/bgp-peers): BIRD 2.0.12 0.44 s, 94 B/route;\n'
printf 'OpenBGPD 1.8 s, 520 B; FRR 3.3 s, 475 B; GoBGP 15 s, 1.3 KB; advertising 1M: BIRD 3.7 s, OpenBGPD 1.5 s\n'
