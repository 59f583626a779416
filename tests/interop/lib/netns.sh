# shellcheck shell=bash
#
# netns.sh: network-namespace harness for the vgw interop and lab tests.
# Sourced by bash test scripts (not executed). It owns every namespace and
# process a test creates and removes all of them from an EXIT trap, whether
# the test passed, failed or was interrupted.
#
# Lifecycle
#   nt_init SUITE          unique prefix "vgwt-SUITE-PID-", work dir, traps
#   nt_ns_add NAME...      namespace PREFIX+NAME: lo up, IPv6 off
#   nt_exec NAME CMD...    run CMD inside namespace NAME (foreground)
#   nt_spawn TAG NAME CMD...  start a daemon in NAME; log $NT_DIR/TAG.log;
#                          the real PID is recorded (see "PIDs" below)
#   nt_stop TAG [SIG]      stop one spawned process (TERM, then KILL)
#   (EXIT trap)            kill every recorded process, delete every
#                          namespace, print the daemon logs on failure
#
# Topology
#   nt_std_topology        the standard two-site topology below
#   nt_veth NS1 IF1 NS2 IF2, nt_addr NS IF CIDR, nt_bridge NS BR,
#   nt_bridge_port NS BR IF
#
# Assertions (each prints "ok ..." or calls nt_fail, which exits 1)
#   wait_until TIMEOUT_S CMD...          poll CMD every 0.2 s
#   assert_eq WHAT EXPECTED ACTUAL
#   assert_ping NS ADDR [COUNT]          all of COUNT pings answered
#   assert_no_ping NS ADDR               no reply within 2 s
#   assert_tcp_transfer NS_FROM NS_TO ADDR BYTES   byte count + SHA-256
#   ping_meter_start TAG NS ADDR INTERVAL_S / ping_meter_stop TAG
#                          loss counter and longest reply gap (failover)
#   gap_meter_start NS ADDR / gap_meter_stop   100 pkt/s; prints the
#                          longest gap in ms (failover measurements)
#
# Exit codes: 0 pass, 1 fail, 77 skip (ctest SKIP_RETURN_CODE 77).
# Environment: NT_TIMEOUT=SECONDS (unset: no watchdog) ends the test
# through its trap; set it below the ctest TIMEOUT. NT_KEEP=1 keeps the work dir (logs, configs) after a pass;
# NT_PAUSE_ON_FAIL=SECONDS sleeps before tearing down a failed test so the
# namespaces can be inspected (ip netns exec vgwt-... ...).
#
# PIDs: backgrounding a shell function gives a subshell's PID, so nt_spawn
# backgrounds "ip netns exec" itself, which execs the daemon in place. Each
# PID is stored with its start time (field 22 of /proc/PID/stat); teardown
# only signals a PID whose start time still matches, so a recycled PID of
# somebody else's process is never touched.
#
# Standard topology (nt_std_topology):
#
#   lhost 10.1.0.10/16                             rhost 10.2.0.10/16
#     | eth0                                          | eth0
#     | eth1 10.1.0.1/16                              | eth1 10.2.0.1/16
#   lgw (left gateway)                              rgw (right gateway)
#     | eth0 198.51.100.1/24                          | eth0 198.51.100.2/24
#     +------ p-lgw  [ wan: bridge br0 ]  p-rgw -------+
#                 (nt_std_topology attacker: br0 198.51.100.66/24, so
#                  the wan namespace can also send as a third party and
#                  capture/inject frames on the bridge ports)
#
# The "internet" is a bridge in its own namespace so that a link can be cut
# (ip -n wan link set p-rgw down) while both gateways keep carrier, which is
# how a dead peer looks from the other side. Gateways forward IPv4; inside
# hosts route by default via their gateway. Nothing routes 10.1/16 <-> 10.2/16
# until a tunnel does.

NT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NT_PYTHON=${NT_PYTHON:-/usr/bin/python3}

NT_PREFIX=""
NT_DIR=""
NT_NSES=()
NT_PIDS=()
NT_PID_START=()
NT_PID_TAG=()
NT_LOGS=()
NT_ON_FAIL=()
NT_KEEP=${NT_KEEP:-0}
NT_STATUS_MSG=""

# ---- messages ---------------------------------------------------------------

nt_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }
nt_step() { nt_log "== $*"; }

# nt_fail MSG: report a failed assertion and end the test (exit 1).
nt_fail() {
	NT_STATUS_MSG="FAIL: $*"
	nt_log "FAIL: $*"
	exit 1
}

# nt_skip MSG: the test cannot run here (exit 77: ctest reports Skipped).
nt_skip() {
	NT_STATUS_MSG="SKIP: $*"
	nt_log "SKIP: $*"
	exit 77
}

nt_ok() { nt_log "ok   $*"; }

# ---- setup / teardown -------------------------------------------------------

# nt_require_root: skip unless we can create namespaces and veths.
nt_require_root() {
	[ "$(id -u)" = 0 ] || nt_skip "needs root (network namespaces)"
	command -v ip >/dev/null || nt_skip "iproute2 missing"
	[ -x "$NT_PYTHON" ] || nt_skip "$NT_PYTHON missing"
}

# nt_init SUITE: prefix, work dir, traps. Call once, before anything else.
nt_init() {
	local suite=$1
	nt_require_root
	NT_PREFIX="vgwt-${suite}-$$-"
	NT_DIR=$(mktemp -d "/tmp/vgwt-${suite}-$$-XXXX") || nt_fail "mktemp"
	trap nt_teardown EXIT
	trap 'nt_log "interrupted"; exit 130' INT TERM HUP
	[ -n "${NT_TIMEOUT:-}" ] && nt_watchdog "$NT_TIMEOUT"
	nt_reap_orphans "$suite"
	nt_log "suite $suite: namespaces ${NT_PREFIX}*, work dir $NT_DIR"
}

# nt_reap_orphans SUITE: delete namespaces "vgwt-SUITE-PID-*" left behind by
# an earlier run of this suite that was killed with SIGKILL (no trap runs):
# only when that PID is gone and nothing runs inside the namespace.
nt_reap_orphans() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
		grep -E "^vgwt-$1-[0-9]+-"); do
		pid=${ns#vgwt-$1-}
		pid=${pid%%-*}
		[ -d "/proc/$pid" ] && continue
		[ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && continue
		ip netns del "$ns" 2>/dev/null && nt_log "removed orphaned namespace $ns"
	done
}

# nt_watchdog SECONDS: SIGTERM ourselves after SECONDS so that the EXIT trap
# still tears everything down: ctest kills a test that passes its TIMEOUT
# (180 s here) with SIGKILL, which no trap survives. The watchdog and its
# sleep are ended by teardown.
NT_WATCHDOG=""
nt_watchdog() {
	local me=$$
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "$1" &
		s=$!
		wait "$s"
		echo "[watchdog] ${1}s passed: stopping the test" >&2
		kill -TERM "$me"
	) &
	NT_WATCHDOG=$!
}

nt_ns() { printf '%s%s' "$NT_PREFIX" "$1"; }

# nt_ns_add NAME...: new namespaces with loopback up and IPv6 disabled
# (IPv6 link-local addresses appearing after an IKE SA is up make charon
# send MOBIKE updates; see strongswan-libipsec-notes.md pitfall 8).
nt_ns_add() {
	local n full
	for n in "$@"; do
		full=$(nt_ns "$n")
		ip netns add "$full" || nt_fail "ip netns add $full"
		NT_NSES+=("$full")
		ip -n "$full" link set lo up
		nt_exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null ||
			nt_fail "disable IPv6 in $full"
	done
}

nt_exec() {
	local n=$1
	shift
	ip netns exec "$(nt_ns "$n")" "$@"
}

# nt_veth NS1 IF1 NS2 IF2: a veth pair created directly inside NS1 (no name
# in the root namespace, so parallel tests cannot collide), peer in NS2.
nt_veth() {
	ip -n "$(nt_ns "$1")" link add name "$2" type veth \
		peer name "$4" netns "$(nt_ns "$3")" ||
		nt_fail "veth $1:$2 <-> $3:$4"
	nt_exec "$3" sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1" >/dev/null
	nt_exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null
	ip -n "$(nt_ns "$1")" link set "$2" up
	ip -n "$(nt_ns "$3")" link set "$4" up
}

nt_addr() { ip -n "$(nt_ns "$1")" addr add "$3" dev "$2" || nt_fail "addr $3 on $1:$2"; }

nt_bridge() {
	ip -n "$(nt_ns "$1")" link add name "$2" type bridge || nt_fail "bridge $1:$2"
	nt_exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null
	ip -n "$(nt_ns "$1")" link set "$2" up
}

nt_bridge_port() { ip -n "$(nt_ns "$1")" link set "$3" master "$2" || nt_fail "port $3 -> $2"; }

nt_forwarding() { nt_exec "$1" sysctl -qw net.ipv4.ip_forward=1 >/dev/null; }

# nt_std_topology [attacker]: the topology drawn at the top of this file.
nt_std_topology() {
	nt_ns_add wan lgw rgw lhost rhost
	nt_bridge wan br0
	nt_veth wan p-lgw lgw eth0
	nt_veth wan p-rgw rgw eth0
	nt_bridge_port wan br0 p-lgw
	nt_bridge_port wan br0 p-rgw
	nt_addr lgw eth0 198.51.100.1/24
	nt_addr rgw eth0 198.51.100.2/24
	nt_veth lgw eth1 lhost eth0
	nt_veth rgw eth1 rhost eth0
	nt_addr lgw eth1 10.1.0.1/16
	nt_addr rgw eth1 10.2.0.1/16
	nt_addr lhost eth0 10.1.0.10/16
	nt_addr rhost eth0 10.2.0.10/16
	ip -n "$(nt_ns lhost)" route add default via 10.1.0.1
	ip -n "$(nt_ns rhost)" route add default via 10.2.0.1
	nt_forwarding lgw
	nt_forwarding rgw
	if [ "${1:-}" = attacker ]; then
		nt_addr wan br0 198.51.100.66/24
	fi
	# The bridge forwards only once its ports leave the listening state.
	wait_until 10 nt_ping_quiet lgw 198.51.100.2 ||
		nt_fail "outside link lgw <-> rgw does not pass traffic"
}

# nt_cut_link / nt_restore_link SIDE: black-hole one gateway's outside link
# at the bridge (the gateway itself keeps carrier and its routes).
nt_cut_link() { ip -n "$(nt_ns wan)" link set "p-$1" down; }
nt_restore_link() { ip -n "$(nt_ns wan)" link set "p-$1" up; }

# ---- processes --------------------------------------------------------------

nt_pid_starttime() {
	# Field 22 of /proc/PID/stat; the comm field (2) may contain spaces,
	# so cut after the last ')'.
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	set -- $s
	printf '%s' "${20}"
}

# nt_spawn TAG NS CMD...: start CMD in namespace NS in the background, with
# stdout+stderr to $NT_DIR/TAG.log. Must not itself be backgrounded.
nt_spawn() {
	local tag=$1 ns=$2
	shift 2
	local log="$NT_DIR/$tag.log"
	ip netns exec "$(nt_ns "$ns")" "$@" >"$log" 2>&1 </dev/null &
	local pid=$!
	NT_PIDS+=("$pid")
	NT_PID_TAG+=("$tag")
	NT_PID_START+=("$(nt_pid_starttime "$pid")")
	nt_log_file "$tag" "$log"
	nt_log "started $tag (pid $pid) in $ns: $*"
}

# nt_on_fail CMD...: run CMD (e.g. a state dump) when the test fails, before
# any process is stopped.
nt_on_fail() { NT_ON_FAIL+=("$*"); }

# nt_log_file TAG FILE: print FILE (tail) if the test fails.
nt_log_file() { NT_LOGS+=("$1=$2"); }

nt_pid() {
	local i
	for i in "${!NT_PID_TAG[@]}"; do
		if [ "${NT_PID_TAG[$i]}" = "$1" ]; then
			printf '%s' "${NT_PIDS[$i]}"
			return 0
		fi
	done
	return 1
}

nt_idx() {
	local i
	for i in "${!NT_PID_TAG[@]}"; do
		[ "${NT_PID_TAG[$i]}" = "$1" ] && { printf '%s' "$i"; return 0; }
	done
	return 1
}

# nt_alive TAG: the process we started under TAG is still running (and is
# not a zombie).
nt_alive() {
	local i pid st
	i=$(nt_idx "$1") || return 1
	pid=${NT_PIDS[$i]}
	[ -n "$pid" ] || return 1
	[ "$(nt_pid_starttime "$pid")" = "${NT_PID_START[$i]}" ] || return 1
	st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# nt_signal TAG SIG: signal the recorded process if it is still ours.
nt_signal() {
	local i
	i=$(nt_idx "$1") || return 1
	nt_alive "$1" || return 1
	kill "-$2" "${NT_PIDS[$i]}" 2>/dev/null
}

# nt_stop TAG [SIG]: stop one process: SIG (default TERM), up to 5 s grace,
# then KILL; reaps it so no zombie stays behind.
nt_stop() {
	local tag=$1 sig=${2:-TERM} i pid n=0
	i=$(nt_idx "$tag") || return 0
	pid=${NT_PIDS[$i]}
	[ -n "$pid" ] || return 0
	if nt_alive "$tag"; then
		kill "-$sig" "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null
		while nt_alive "$tag" && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		nt_alive "$tag" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	NT_PIDS[$i]=""
	return 0
}

# ---- polling and assertions -------------------------------------------------

# wait_until TIMEOUT_S CMD...: run CMD every 0.2 s until it succeeds (0) or
# TIMEOUT_S passes (1). CMD output is discarded.
wait_until() {
	local timeout=$1
	shift
	local end=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $(($(date +%s%N) / 1000000)) -ge $end ] && return 1
		sleep 0.2
	done
}

assert_eq() {
	[ "$2" = "$3" ] || nt_fail "$1: expected '$2', got '$3'"
	nt_ok "$1 = '$3'"
}

# assert_le WHAT LIMIT VALUE (integers or decimals)
assert_le() {
	awk -v a="$3" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }' ||
		nt_fail "$1: $3 exceeds the bound $2"
	nt_ok "$1 = $3 (bound <= $2)"
}

nt_ping_quiet() { nt_exec "$1" ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1; }

# assert_ping NS ADDR [COUNT]: COUNT (default 5) pings, all answered. The
# first one may be lost while ARP/neighbour entries settle, so one warm-up
# ping is sent (and not counted) first.
assert_ping() {
	local ns=$1 addr=$2 count=${3:-5} out
	nt_ping_quiet "$ns" "$addr"
	out=$(nt_exec "$ns" ping -n -q -c "$count" -i 0.2 -W 2 "$addr" 2>&1)
	echo "$out" | grep -q " $count received" ||
		nt_fail "ping $ns -> $addr: $(echo "$out" | grep transmitted)"
	nt_ok "ping $ns -> $addr ($count/$count)"
}

assert_no_ping() {
	nt_exec "$1" ping -n -q -c 2 -i 0.5 -W 1 "$2" >/dev/null 2>&1 &&
		nt_fail "ping $1 -> $2 answered but must not be"
	nt_ok "no path $1 -> $2"
}

NT_XFER_PORT=5201
# assert_tcp_transfer NS_FROM NS_TO ADDR BYTES: one TCP connection from
# NS_FROM to ADDR (an address of NS_TO) carrying BYTES random bytes; the
# receiver's byte count and SHA-256 must equal the sender's.
assert_tcp_transfer() {
	local from=$1 to=$2 addr=$3 bytes=$4 port=$NT_XFER_PORT
	local tag="xfer-srv-$port" res="$NT_DIR/xfer-$port.res"
	NT_XFER_PORT=$((NT_XFER_PORT + 1))
	nt_spawn "$tag" "$to" "$NT_PYTHON" "$NT_LIB_DIR/xfer.py" serve "$addr" "$port" "$res"
	wait_until 5 grep -q listening "$NT_DIR/$tag.log" || nt_fail "xfer server did not start"
	local sent
	sent=$(nt_exec "$from" "$NT_PYTHON" "$NT_LIB_DIR/xfer.py" send "$addr" "$port" "$bytes" 2>&1) ||
		nt_fail "tcp transfer $from -> $addr: $sent"
	wait_until 30 test -s "$res" || nt_fail "xfer server wrote no result"
	nt_stop "$tag"
	local got
	got=$(cat "$res")
	[ "$sent" = "$got" ] || nt_fail "tcp transfer $from -> $addr: sent '$sent', received '$got'"
	nt_ok "tcp transfer $from -> $to ($addr): $bytes bytes, sha256 matches"
}

# ---- ping meter: loss and longest gap --------------------------------------

# ping_meter_start TAG NS ADDR INTERVAL_S: continuous ping with receive
# timestamps (-D). Stop with ping_meter_stop TAG, which sets
#   PM_SENT PM_RECV PM_LOST  (counts; lost = unanswered sequence numbers up
#                 to the last answered one), PM_LOSS_PCT (2 decimals),
#   PM_MAXGAP_MS  longest time between consecutive replies, including the
#                 stretch from the last reply to the stop (a tunnel that
#                 never comes back shows as one long gap).
# For failover measurements use INTERVAL_S 0.01: the gap resolution is
# then about 10 ms.
ping_meter_start() {
	local tag=$1 ns=$2 addr=$3 ival=$4
	nt_spawn "$tag" "$ns" ping -n -D -O -W 1 -i "$ival" "$addr"
	unset 'NT_LOGS[-1]' # thousands of reply lines: not worth printing
	eval "NT_PM_START_$tag=\$(date +%s.%N)"
}

ping_meter_stop() {
	local tag=$1 log="$NT_DIR/$1.log" stop
	stop=$(date +%s.%N)
	nt_stop "$tag" INT
	PM_SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$log")
	PM_SENT=${PM_SENT:-0}
	# Lost = sequence numbers up to the last answered one that were never
	# answered: the request still in flight when the meter stops is not a
	# loss (ping's own summary would count it).
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(awk '/bytes from/ && match($0, /icmp_seq=[0-9]+/) {
			q = substr($0, RSTART + 9, RLENGTH - 9) + 0
			if (!(q in seen)) { seen[q] = 1; n++ }
			if (q > max) max = q
		}
		END { printf "%d %d", n, max }' "$log")
	PM_RECV=$1
	PM_LOST=$(($2 - $1))
	PM_LOSS_PCT=$(awk -v l="$PM_LOST" -v m="$2" \
		'BEGIN { printf "%.2f", m ? 100 * l / m : 100 }')
	local start_var="NT_PM_START_$tag"
	PM_MAXGAP_MS=$(nt_max_gap_ms "$log" "${!start_var}" "$stop")
	nt_log "ping meter $tag: sent $PM_SENT received $PM_RECV loss $PM_LOSS_PCT% longest gap ${PM_MAXGAP_MS} ms"
}

# gap_meter_start NS ADDR / gap_meter_stop: the failover gap meter, a
# 100 pkt/s ping; gap_meter_stop prints the longest reply gap in ms (and
# leaves PM_* set as ping_meter_stop does). One gap meter at a time.
gap_meter_start() { ping_meter_start gapmeter "$1" "$2" 0.01; }
gap_meter_stop() {
	ping_meter_stop gapmeter
	printf '%s\n' "$PM_MAXGAP_MS"
}

# nt_max_gap_ms LOG START STOP: longest interval in ms between consecutive
# "[ts] ... bytes from" lines of ping -D output, START/STOP bounding it.
nt_max_gap_ms() {
	awk -v start="$2" -v stop="$3" '
		/bytes from/ && match($0, /^\[[0-9.]+\]/) {
			t = substr($0, 2, RLENGTH - 2)
			if (prev == "") prev = start
			if (t - prev > max) max = t - prev
			prev = t
		}
		END {
			if (prev == "") prev = start
			if (stop - prev > max) max = stop - prev
			printf "%d", max * 1000
		}' "$1"
}

# ---- teardown ---------------------------------------------------------------

nt_print_logs() {
	local e tag file
	for e in "${NT_LOGS[@]}"; do
		tag=${e%%=*}
		file=${e#*=}
		[ -s "$file" ] || continue
		printf '\n----- %s (%s), last %s lines -----\n' "$tag" "$file" \
			"${NT_LOG_LINES:-60}" >&2
		tail -n "${NT_LOG_LINES:-60}" "$file" >&2
	done
}

nt_teardown() {
	local rc=$? i ns p
	trap - EXIT INT TERM HUP
	set +e
	if [ -n "$NT_WATCHDOG" ]; then
		kill -TERM "$NT_WATCHDOG" 2>/dev/null
		wait "$NT_WATCHDOG" 2>/dev/null
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		nt_print_logs
		for i in "${!NT_ON_FAIL[@]}"; do
			printf '\n----- %s -----\n' "${NT_ON_FAIL[$i]}" >&2
			eval "${NT_ON_FAIL[$i]}" >&2 2>&1
		done
		if [ "${NT_PAUSE_ON_FAIL:-0}" -gt 0 ]; then
			nt_log "paused ${NT_PAUSE_ON_FAIL}s for inspection: namespaces ${NT_PREFIX}*"
			sleep "$NT_PAUSE_ON_FAIL"
		fi
	fi
	for ((i = ${#NT_PID_TAG[@]} - 1; i >= 0; i--)); do
		[ -n "${NT_PIDS[$i]}" ] && nt_stop "${NT_PID_TAG[$i]}"
	done
	# Safety net: anything still running inside one of our namespaces was
	# started by this test (a child of a daemon); end it by PID.
	for ns in "${NT_NSES[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			nt_log "teardown: killing leftover pid $p ($(cat /proc/"$p"/comm 2>/dev/null)) in $ns"
			kill -KILL "$p" 2>/dev/null
		done
	done
	for ns in "${NT_NSES[@]}"; do
		ip netns del "$ns" 2>/dev/null || nt_log "teardown: cannot delete $ns"
	done
	if [ -n "$NT_DIR" ] && [ -d "$NT_DIR" ]; then
		if [ "$NT_KEEP" = 1 ] || { [ $rc -ne 0 ] && [ $rc -ne 77 ]; }; then
			nt_log "logs kept in $NT_DIR"
		else
			rm -rf "$NT_DIR"
		fi
	fi
	if [ $rc -eq 0 ]; then
		nt_log "PASS"
	elif [ $rc -eq 77 ]; then
		nt_log "${NT_STATUS_MSG:-SKIP}"
	else
		nt_log "${NT_STATUS_MSG:-FAIL (exit $rc)}"
	fi
	exit $rc
}
