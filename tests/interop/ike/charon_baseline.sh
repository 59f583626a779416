#!/usr/bin/env bash
#
# charon_baseline.sh: charon <-> charon through the standard topology. It
# proves the harness (namespaces, bridge, charon in a namespace with a
# private /run, route-based routing via ipsec0, assertions, teardown)
# independently of vgwd. ctest: interop_ike_charon_baseline (label interop).
#
#   lhost 10.1.0.10/16                             rhost 10.2.0.10/16
#     |                                               |
#   lgw  charon "left"  (initiator)                 rgw  charon "right" (responder)
#     | 198.51.100.1     ipsec0: 10.2/16            | 198.51.100.2    ipsec0: 10.1/16
#     +------------------[ wan bridge ]---------------+
#
# Asserts: no clear-text path between the inside networks before IKE; IKE +
# CHILD SA up on both charons with the proposed algorithms; ping and a
# 2 MB TCP transfer lhost -> rhost through the tunnel; a CHILD SA rekey and
# an IKE SA rekey under a 20 pkt/s ping with 0 loss (charon rekeys make-
# before-break); the failover gap meter measures a 3 s outside-link cut as
# 3 s (-0.1/+1.5 s); swanctl --terminate from one side removes the SAs on
# both.
#
# It runs once per proposal set of suites.sh, which also proves the charon
# half of every vgw scenario (e.g. that charon needs modp1024 spelled out).
#
# Usage: charon_baseline.sh [SUITE]   (default gcm_x25519; --list prints the
#        suites; as root; exit 0 pass, 1 fail, 77 skip)

set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/netns.sh"
. "$HERE/../lib/charon.sh"
. "$HERE/suites.sh"

SUITE=${1:-gcm_x25519}
if [ "$SUITE" = --list ]; then
	suite_names
	exit 0
fi
suite_field "$SUITE" 1 >/dev/null || { echo "unknown suite '$SUITE'" >&2; exit 2; }
IKE=$(suite_field "$SUITE" 2)
ESP=$(suite_field "$SUITE" 3)
EXPECT_ALG=$(suite_field "$SUITE" 6)

nt_init ike-base
nt_std_topology

nt_step "no clear-text path before the tunnel"
assert_no_ping lhost 10.2.0.10

nt_step "start both charons"
charon_conf left lgw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
	routes=10.2.0.0/16 child_rekey=8 child_life=12 proposals="$IKE" esp_proposals="$ESP"
charon_conf right rgw local_addr=198.51.100.2 remote_addr=198.51.100.1 \
	routes=10.1.0.0/16 ike_rekey=14 ike_over=4 proposals="$IKE" esp_proposals="$ESP"
charon_start left
charon_start right

nt_step "initiate from left"
charon_initiate left || nt_fail "swanctl --initiate failed"
wait_until 20 charon_up left || nt_fail "left: SAs not up"
wait_until 10 charon_up right || nt_fail "right: SAs not up"
assert_eq "left IKE algorithms ($SUITE)" "$EXPECT_ALG" "$(charon_ike_alg left)"
charon_list_sas left >&2

nt_step "traffic through the tunnel"
assert_ping lhost 10.2.0.10
assert_ping rhost 10.1.0.10
assert_tcp_transfer lhost rhost 10.2.0.10 2000000

nt_step "CHILD SA and IKE SA rekeys under traffic"
child0=$(charon_child_ids left)
ike0=$(charon_ike_ids right)
ping_meter_start pm lhost 10.2.0.10 0.05
wait_until 40 eval '[ "$(charon_child_ids left)" != "$child0" ] && [ -n "$(charon_child_ids left)" ]' ||
	nt_fail "no CHILD SA rekey within 40 s (ids $child0 -> $(charon_child_ids left))"
wait_until 40 eval '[ "$(charon_ike_ids right)" != "$ike0" ] && [ -n "$(charon_ike_ids right)" ]' ||
	nt_fail "no IKE SA rekey within 40 s (ids $ike0 -> $(charon_ike_ids right))"
sleep 2
ping_meter_stop pm
nt_ok "CHILD SA ids '$child0' -> '$(charon_child_ids left)', IKE SA ids '$ike0' -> '$(charon_ike_ids right)'"
charon_log_has left 'generating CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)' ||
	nt_fail "left log shows no CHILD_SA rekey"
assert_le "packets lost during rekeys (charon <-> charon, make-before-break)" 0 "$PM_LOST"
assert_ping lhost 10.2.0.10

nt_step "gap meter: a 3 s cut of the outside link shows as a ~3 s gap"
gap_meter_start lhost 10.2.0.10
sleep 1
t0=$(date +%s%N)
nt_cut_link rgw
sleep 3
nt_restore_link rgw
cut_ms=$((($(date +%s%N) - t0) / 1000000))
wait_until 10 nt_ping_quiet lhost 10.2.0.10 || nt_fail "no traffic after the link came back"
sleep 1
gap=$(gap_meter_stop)
[ "$gap" -ge $((cut_ms - 100)) ] && [ "$gap" -le $((cut_ms + 1500)) ] ||
	nt_fail "gap meter: ${gap} ms for a ${cut_ms} ms cut"
nt_ok "gap meter: ${gap} ms for a ${cut_ms} ms cut"

nt_step "terminate from right is honoured by left"
charon_terminate_ike right || nt_fail "swanctl --terminate failed"
wait_until 10 charon_down left || nt_fail "left still has the IKE SA after the DELETE"
wait_until 10 charon_down right || nt_fail "right still has the IKE SA"
nt_ok "both sides removed the SAs"
assert_no_ping lhost 10.2.0.10
exit 0
