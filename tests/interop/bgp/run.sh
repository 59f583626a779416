#!/usr/bin/env bash
#
# run.sh PEER SCENARIO: one BGP interop scenario between a real peer daemon
# and the device under test (DUT).
#
#   netns vgwt-bgp<pid>-p                          netns vgwt-bgp<pid>-d
#   PEER (bird|frr|gobgp|openbgpd)  198.18.0.1 <=veth=> 198.18.0.2  DUT
#   originates 10.201.{1..3}.0/24                  originates 10.202.{1,2}.0/24
#   MED 50, community 64999:101                    MED 70, community 64999:202
#
# DUT: BGPT_DUT=vgwd (default; VGWD/VGWCTL name the binaries) or
#      BGPT_DUT=bird (proves the harness while vgwd is not there).
# Scenarios: ebgp ibgp as4 as2 dut_passive peer_passive holdtime notify
#            refresh maxprefix (see README.md). Exit 0 pass, 77 skip, else fail.
set -u

PEER=${1:?usage: run.sh PEER SCENARIO}
SCENARIO=${2:?usage: run.sh PEER SCENARIO}
BGPT_TEST_NAME="$PEER/$SCENARIO/${BGPT_DUT:-vgwd}"
. "$(dirname "$0")/lib.sh"

case $PEER in bird | frr | gobgp | openbgpd) ;; *) die "unknown peer '$PEER'" ;; esac
DUT_KIND=${BGPT_DUT:-vgwd}
if [ "$DUT_KIND" = vgwd ]; then
	[ -x "${VGWD:-}" ] || skip "vgwd binary not found (VGWD=${VGWD:-unset})"
fi

PEER_NET1=10.201.1.0/24
DUT_NET1=10.202.1.0/24
PEER_NETS="10.201.1.0/24 10.201.2.0/24 10.201.3.0/24"
DUT_NETS="10.202.1.0/24 10.202.2.0/24"
SHUTDOWN_TEXT="vgwt interop: planned maintenance 42"

# ------------------------------------------------------------- set-up table

# setup PEER_AS DUT_AS: default role attributes; scenarios then adjust.
setup() {
	B_KIND[peer]=$PEER; B_KIND[dut]=$DUT_KIND
	B_AS[peer]=$1; B_AS[dut]=$2
	B_NIP[peer]=$BGPT_DUT_IP; B_NIP[dut]=$BGPT_PEER_IP
	B_NAS[peer]=$2; B_NAS[dut]=$1
	local r
	for r in peer dut; do
		B_PASSIVE[$r]=0; B_HOLD[$r]=30; B_KA[$r]=10; B_LIMIT[$r]=""
		B_AS4[$r]=on; B_PREPEND[$r]=""
	done
	B_NETS[peer]=$PEER_NETS; B_MED[peer]=50; B_COMM[peer]=64999:101
	B_NETS[dut]=$DUT_NETS; B_MED[dut]=70; B_COMM[dut]=64999:202
}

# Expected normalized route (see lib.sh) for routes FROM role.
want_from() {
	local role=$1 asp=$2
	echo "aspath=$asp|nh=${B_IP[$role]}|med=${B_MED[$role]}|comm=${B_COMM[$role]}"
}

start_both() {
	bgpt_start dut
	bgpt_start peer
	expect_established 40
}

# Routes flow both ways with their attributes; then a withdrawal.
check_routes() {
	local from_peer=$1 from_dut=$2 n
	for n in $PEER_NETS; do expect_route dut "$n" "$(want_from peer "$from_peer")"; done
	for n in $DUT_NETS; do expect_route peer "$n" "$(want_from dut "$from_dut")"; done
	role_op withdraw peer "$PEER_NET1" || die "peer withdraw failed"
	expect_absent dut "$PEER_NET1"
	expect_route dut 10.201.2.0/24 "$(want_from peer "$from_peer")" 1
	role_op withdraw dut "$DUT_NET1" || die "dut withdraw failed"
	expect_absent peer "$DUT_NET1"
	expect_route peer 10.202.2.0/24 "$(want_from dut "$from_dut")" 1
	both_established || die "a withdrawal reset the session"
}

# ------------------------------------------------------------- scenarios

sc_ebgp() { setup 65000 65001; start_both; check_routes 65000 65001; }
sc_ibgp() { setup 65001 65001; start_both; check_routes "" ""; }
sc_as4() { setup 4200000002 4200000001; start_both; check_routes 4200000002 4200000001; }

# The peer is an OLD (2-octet) speaker (RFC 6793): it offers no 4-octet AS
# capability, so the session is 2-octet and every 4-octet ASN travels as
# AS_TRANS 23456 in AS_PATH plus the real one in AS4_PATH (RFC 6793 4.2.2).
#  bird:     "enable as4 off". BIRD still checks the peer's AS4 capability
#            against its configured neighbor AS but refuses a 4-octet one
#            then, so the DUT keeps 65001; the peer prepends 4200000099 and
#            the DUT must rebuild "65000 4200000099" (RFC 6793 4.2.3).
#  openbgpd: "announce as-4byte no", the DUT is AS 4200000001: the DUT must
#            send My AS 23456 in its OPEN and AS_PATH 23456 + AS4_PATH
#            4200000001, which OpenBGPD rebuilds to "4200000001".
# A capture on the DUT's veth proves what was on the wire.
sc_as2() {
	local tcpdump_pid from_peer from_dut re1 re2 dec="$BGPT_DIR/dut/as2-decoded.log"
	case $PEER in
	bird)
		setup 65000 65001
		B_PREPEND[peer]=4200000099
		from_peer="65000 4200000099" from_dut=65001
		re1="AS Path.*65000 23456" re2="AS4 Path.*65000 4200000099" ;;
	openbgpd)
		setup 65000 4200000001
		from_peer=65000 from_dut=4200000001
		re1="AS Path.*: 23456" re2="AS4 Path.*4200000001" ;;
	*) skip "$PEER cannot turn its 4-octet ASN capability off" ;;
	esac
	B_AS4[peer]=off
	ip netns exec "$BGPT_NS_DUT" tcpdump -i "vbt$$d" --immediate-mode -U -s 0 \
		-w "$BGPT_DIR/as2.pcap" tcp port 179 >"$BGPT_DIR/dut/tcpdump.log" 2>&1 &
	tcpdump_pid=$!
	bgpt_wait 5 "tcpdump listening" grep -q "listening on" "$BGPT_DIR/dut/tcpdump.log"
	start_both
	check_routes "$from_peer" "$from_dut"
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
	tcpdump -r "$BGPT_DIR/as2.pcap" -vvv 2>/dev/null >"$dec"
	if [ "$PEER" = openbgpd ]; then
		grep -q "my AS 23456" "$dec" || die "the DUT's OPEN does not carry My AS 23456"
		log "ok: on the wire: the DUT's OPEN says my AS 23456 (4-octet AS in its capability)"
	fi
	grep -qE "$re1" "$dec" || die "no /$re1/ on the wire"
	grep -qE "$re2" "$dec" || die "no /$re2/ on the wire"
	log "ok: on the wire: $(grep -E -m1 "$re1" "$dec" | sed 's/^[[:space:]]*//') + $(grep -E -m1 "$re2" "$dec" | sed 's/^[[:space:]]*//')"
}

sc_dut_passive() { setup 65000 65001; B_PASSIVE[dut]=1; start_both; check_routes 65000 65001; }
sc_peer_passive() { setup 65000 65001; B_PASSIVE[peer]=1; start_both; check_routes 65000 65001; }

# The peer stops (SIGSTOP): no more KEEPALIVEs. The DUT must drop the
# session when its hold timer expires: not before hold - keepalive - 1 s
# (the last KEEPALIVE came at most one interval before the stop), and not
# after hold + 3 s.
sc_holdtime() {
	local hold=6 ka=2 t0 el
	setup 65000 65001
	B_HOLD[peer]=$hold; B_KA[peer]=$ka; B_HOLD[dut]=$hold; B_KA[dut]=$ka
	start_both
	expect_route dut 10.201.2.0/24 "$(want_from peer 65000)"
	log "SIGSTOP peer"
	role_signal peer STOP
	t0=$(now)
	bgpt_wait $((hold + 3)) "dut drops the session" dut_not_established ||
		die "dut still Established $(printf %.1f "$(echo "$(now) - $t0" | bc)") s after the peer stopped"
	el=$(echo "$(now) - $t0" | bc)
	log "dut dropped the session $(printf %.1f "$el") s after SIGSTOP (hold $hold s)"
	[ "$(echo "$el >= $hold - $ka - 1" | bc)" = 1 ] || die "dropped too early ($el s)"
	expect_log dut "hold timer expired" 3
	dut_shows_text "hold timer expired"
	role_signal peer CONT
}
dut_not_established() { ! bgpt_established dut; }

# The peer shuts the session down administratively with an RFC 8203
# message; the DUT must decode the NOTIFICATION and show the text.
sc_notify() {
	setup 65000 65001
	start_both
	log "peer: admin shutdown with message '$SHUTDOWN_TEXT'"
	role_op shutdown peer "$SHUTDOWN_TEXT" || die "peer shutdown command failed"
	bgpt_wait 10 "dut session down" dut_not_established || die "dut still Established"
	expect_log dut "shutdown.*$SHUTDOWN_TEXT" 10
	dut_shows_text "$SHUTDOWN_TEXT"
}

# One side sends ROUTE-REFRESH (RFC 2918); the other must re-advertise its
# routes, seen as new UPDATEs received by the requester (same routes, same
# attributes). The peer requests, except GoBGP, whose "softresetin" re-reads
# its own Adj-RIB-In and sends nothing: then the DUT requests from GoBGP
# (BIRD "reload in"; vgwd on an import policy change applied by reload).
sc_refresh() {
	local req=peer u0 n nets=$DUT_NETS from=65001
	[ "$PEER" = gobgp ] && { req=dut; nets=$PEER_NETS; from=65000; }
	setup 65000 65001
	start_both
	for n in $nets; do expect_route "$req" "$n" "$(want_from "$(other "$req")" $from)"; done
	sleep 1 # let the initial burst (and End-of-RIB) settle before counting
	u0=$(role_op updates "$req")
	log "$req has received $u0 UPDATEs; $req requests a route refresh"
	role_op refresh "$req" || die "$req refresh command failed"
	bgpt_wait 10 "$req receives re-advertisement" updates_above "$req" "$u0" ||
		die "no UPDATE after ROUTE-REFRESH (still $(role_op updates "$req"))"
	log "ok: $req received $(role_op updates "$req") UPDATEs after the refresh"
	for n in $nets; do expect_route "$req" "$n" "$(want_from "$(other "$req")" $from)" 1; done
	both_established || die "session dropped by the refresh"
}
updates_above() { [ "$(role_op updates "$1")" -gt "$2" ] 2>/dev/null; }

# The peer announces 6 prefixes to a DUT limited to 4: the DUT must send
# NOTIFICATION Cease/Maximum Number of Prefixes Reached (RFC 4486 subcode 1).
sc_maxprefix() {
	setup 65000 65001
	B_NETS[peer]="$PEER_NETS 10.201.4.0/24 10.201.5.0/24 10.201.6.0/24"
	B_LIMIT[dut]=4
	bgpt_start dut
	bgpt_start peer
	expect_log peer "$(maxpfx_re "$PEER")" 30
	dut_shows_maxprefix
}
maxpfx_re() {
	case $1 in
	bird) echo "Received: Maximum number of prefixes reached" ;;
	frr) echo "received from neighbor.*6/1 \(Cease/Maximum Number of Prefixes Reached\)" ;;
	gobgp) echo "code 6.*subcode 1|maximum.number.of.prefixes" ;;
	openbgpd) echo "received notification: Cease, .*max-prefix exceeded" ;;
	esac
}

# DUT-specific state checks (the DUT's log and, for vgwd, its JSON).
dut_shows_text() { "${DUT_KIND}_dut_shows_text" "$@"; }
dut_shows_maxprefix() { "${DUT_KIND}_dut_shows_maxprefix"; }
bird_dut_shows_text() { log_has dut "$1" || die "bird log lacks '$1'"; }  # log only
bird_dut_shows_maxprefix() { expect_log dut "Route limit exceeded, shutting down" 5; }

# ------------------------------------------------------------- main

declare -F "sc_$SCENARIO" >/dev/null || die "unknown scenario '$SCENARIO'"
bgpt_init
"sc_$SCENARIO"
BGPT_FAILED=0
log "PASS"
