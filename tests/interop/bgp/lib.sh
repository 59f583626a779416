# shellcheck shell=bash
#
# Shared helpers for the BGP interop suite (sourced by run.sh).
#
# Topology (one pair of network namespaces per test run, $$-unique names):
#
#   netns vgwt-bgp<pid>-p                        netns vgwt-bgp<pid>-d
#   +-----------------------------+              +-----------------------------+
#   | peer daemon                 |              | device under test           |
#   | (bird|frr|gobgp|openbgpd)   |  veth pair   | (vgwd, or BIRD to prove     |
#   | 198.18.0.1/24  AS $PEER_AS  |<============>|  the harness) 198.18.0.2/24 |
#   | vbt<pid>p                   |              | vbt<pid>d       AS $DUT_AS  |
#   +-----------------------------+              +-----------------------------+
#
# Two roles, "peer" and "dut". Each role has a kind (the daemon), and every
# kind implements the same small set of functions named <kind>_<op>:
#   start ROLE            write config, start in the role's namespace
#   established ROLE      exit 0 when the session to the other role is Established
#   route ROLE PREFIX     print "aspath=A B|nh=X|med=N|comm=a:b,c:d" or nothing
#   count ROLE            print the number of prefixes received from the other role
#   withdraw ROLE PREFIX  stop originating PREFIX
#   shutdown ROLE TEXT    admin shutdown of the session with an RFC 8203 message
#   refresh ROLE          ask the other role to re-send its routes (ROUTE-REFRESH)
#   updates ROLE          print the number of UPDATE messages received
# Everything a test starts lives in those namespaces; bgpt_cleanup (run by
# the EXIT trap) resumes stopped processes, kills every process in both
# namespaces, deletes them, and prints all logs when the test failed.

BGPT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BGPT_TAG="vgwt-bgp$$"
BGPT_NS_PEER="$BGPT_TAG-p"
BGPT_NS_DUT="$BGPT_TAG-d"
BGPT_PEER_IP=198.18.0.1
BGPT_DUT_IP=198.18.0.2
BGPT_DIR=""
BGPT_FAILED=1
BGPT_TEST_NAME="${BGPT_TEST_NAME:-bgp}"

# Role attributes (associative arrays keyed by role: peer, dut).
declare -A B_KIND B_NS B_IP B_AS B_NIP B_NAS B_PASSIVE B_HOLD B_KA \
	B_LIMIT B_NETS B_MED B_COMM B_AS4 B_PREPEND B_DIR B_PID B_LOG

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$BGPT_TEST_NAME" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; BGPT_FAILED=0; exit 77; }

other() { if [ "$1" = peer ]; then echo dut; else echo peer; fi; }
nsx() { local role=$1; shift; ip netns exec "${B_NS[$role]}" "$@"; }

# ---------------------------------------------------------------- lifecycle

bgpt_init() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	BGPT_DIR=$(mktemp -d "/tmp/$BGPT_TAG.XXXXXX")
	chmod 755 "$BGPT_DIR"
	trap bgpt_cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$BGPT_NS_PEER" || die "ip netns add $BGPT_NS_PEER"
	ip netns add "$BGPT_NS_DUT" || die "ip netns add $BGPT_NS_DUT"
	ip -n "$BGPT_NS_PEER" link set lo up
	ip -n "$BGPT_NS_DUT" link set lo up
	ip link add "vbt$$p" netns "$BGPT_NS_PEER" type veth \
		peer name "vbt$$d" netns "$BGPT_NS_DUT" || die "veth"
	ip -n "$BGPT_NS_PEER" addr add "$BGPT_PEER_IP/24" dev "vbt$$p"
	ip -n "$BGPT_NS_DUT" addr add "$BGPT_DUT_IP/24" dev "vbt$$d"
	ip -n "$BGPT_NS_PEER" link set "vbt$$p" up
	ip -n "$BGPT_NS_DUT" link set "vbt$$d" up
	B_NS[peer]=$BGPT_NS_PEER; B_IP[peer]=$BGPT_PEER_IP
	B_NS[dut]=$BGPT_NS_DUT; B_IP[dut]=$BGPT_DUT_IP
	B_DIR[peer]="$BGPT_DIR/peer"; B_DIR[dut]="$BGPT_DIR/dut"
	mkdir -p "${B_DIR[peer]}" "${B_DIR[dut]}"
	chmod 755 "${B_DIR[peer]}" "${B_DIR[dut]}"
	B_LOG[peer]="${B_DIR[peer]}/daemon.log"; B_LOG[dut]="${B_DIR[dut]}/daemon.log"
}

bgpt_ns_kill_all() {
	local ns=$1 sig=$2 pid
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		kill "-$sig" "$pid" 2>/dev/null
	done
}

bgpt_cleanup() {
	local rc=$? ns i
	trap - EXIT INT TERM
	[ "$rc" = 0 ] && [ "$BGPT_FAILED" = 0 ] || BGPT_FAILED=1
	[ "$rc" = 77 ] && BGPT_FAILED=0
	for ns in "$BGPT_NS_PEER" "$BGPT_NS_DUT"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		bgpt_ns_kill_all "$ns" CONT
		bgpt_ns_kill_all "$ns" TERM
	done
	for i in $(seq 1 30); do
		[ -z "$(ip netns pids "$BGPT_NS_PEER" 2>/dev/null; ip netns pids "$BGPT_NS_DUT" 2>/dev/null)" ] && break
		sleep 0.1
	done
	for ns in "$BGPT_NS_PEER" "$BGPT_NS_DUT"; do
		ip netns list 2>/dev/null | grep -qw "$ns" || continue
		bgpt_ns_kill_all "$ns" KILL
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$BGPT_DIR" ] && [ -d "$BGPT_DIR" ]; then
		if [ "$BGPT_FAILED" != 0 ]; then
			for f in "$BGPT_DIR"/*/*.log "$BGPT_DIR"/*/*.conf "$BGPT_DIR"/*/*.toml "$BGPT_DIR"/*/*.yaml; do
				[ -f "$f" ] || continue
				echo "===== $f" >&2
				tail -n 200 "$f" >&2
			done
		fi
		if [ -n "${BGPT_KEEP:-}" ]; then
			echo "kept $BGPT_DIR" >&2
		else
			rm -rf "$BGPT_DIR"
		fi
	fi
	exit "$rc"
}

# bgpt_wait TIMEOUT_S DESCRIPTION CMD ARGS...: poll CMD every 0.1 s.
bgpt_wait() {
	local timeout=$1 desc=$2; shift 2
	local end=$(( $(date +%s%N) + timeout * 1000000000 ))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%N)" -lt "$end" ] || { log "timeout (${timeout}s): $desc"; return 1; }
		sleep 0.1
	done
}

# Seconds (float) since epoch.
now() { date +%s.%N; }

# ---------------------------------------------------------------- generic ops

role_op() { local op=$1 role=$2; shift 2; "${B_KIND[$role]}_$op" "$role" "$@"; }
bgpt_start() { log "start ${B_KIND[$1]} as $1 (AS ${B_AS[$1]}, ${B_IP[$1]})"; role_op start "$1"; }
bgpt_established() { role_op established "$1"; }
bgpt_route() { role_op route "$@"; }
bgpt_count() { role_op count "$1"; }

route_is() { [ "$(bgpt_route "$1" "$2")" = "$3" ]; }
route_absent() { [ -z "$(bgpt_route "$1" "$2")" ]; }
count_is() { [ "$(bgpt_count "$1")" = "$2" ]; }
log_has() { grep -qiE -- "$2" "${B_LOG[$1]}"; }
both_established() { bgpt_established peer && bgpt_established dut; }

# expect_route ROLE PREFIX EXPECTED [TIMEOUT]
expect_route() {
	local role=$1 p=$2 want=$3 t=${4:-15}
	if ! bgpt_wait "$t" "$role has $p" route_is "$role" "$p" "$want"; then
		die "$role: route $p: want '$want', got '$(bgpt_route "$role" "$p")'"
	fi
	log "ok: $role sees $p $want"
}

expect_absent() {
	local role=$1 p=$2 t=${3:-15}
	bgpt_wait "$t" "$role loses $p" route_absent "$role" "$p" ||
		die "$role: route $p still present: $(bgpt_route "$role" "$p")"
	log "ok: $role has no $p"
}

expect_established() {
	bgpt_wait "${1:-30}" "both sides Established" both_established ||
		die "session not Established (peer: $(bgpt_established peer && echo yes || echo no), dut: $(bgpt_established dut && echo yes || echo no))"
	log "ok: session Established on both sides"
}

expect_log() {
	local role=$1 re=$2 t=${3:-15}
	bgpt_wait "$t" "$role log /$re/" log_has "$role" "$re" ||
		die "$role log has no /$re/"
	log "ok: $role log: $(grep -iE -m1 -- "$re" "${B_LOG[$role]}")"
}

# Normalizers: communities "a:b" sorted and comma-joined.
norm_comm() { tr ' ,' '\n\n' | sed '/^$/d' | sort -t: -k1,1n -k2,2n | paste -sd, -; }

# Start a daemon in the background inside a role's namespace; stdout+stderr
# to the role's log. Sets B_PID[role].
spawn() {
	local role=$1; shift
	ip netns exec "${B_NS[$role]}" "$@" >>"${B_LOG[$role]}" 2>&1 &
	B_PID[$role]=$!
}

# SIGSTOP / SIGCONT every process of a role (its namespace holds only it).
role_signal() { bgpt_ns_kill_all "${B_NS[$1]}" "$2"; }

# ---------------------------------------------------------------- daemons

# shellcheck source=daemons.sh
. "$BGPT_LIB_DIR/daemons.sh"
