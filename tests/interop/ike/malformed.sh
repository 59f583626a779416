#!/usr/bin/env bash
#
# malformed.sh: hostile input against vgwd while a tunnel to charon carries
# traffic. ctest: interop_ike_malformed (label interop).
#
#   lhost 10.1.0.10/16                             rhost 10.2.0.10/16  (pings lhost
#     |                                               |    all along, 20/s)
#   lgw  vgwd "left" (initiator)                    rgw  charon "right"
#     | 198.51.100.1                                  | 198.51.100.2
#     +------ p-lgw [ wan bridge br0 ] p-rgw ---------+
#                 |   198.51.100.66 on br0: malformed.py sends IKE/NAT-T
#                 |   garbage from here, and captures / replays / forges
#                 +-- ESP frames on p-lgw (the port toward vgwd)
#
# Asserts: every case of malformed.py (see its docstring: truncated and
# oversized headers, bad payload lengths, unknown critical payload ->
# UNSUPPORTED_CRITICAL_PAYLOAD, wrong SPIs, replayed and forged ESP, garbage
# on 4500 with and without the non-ESP marker) is dropped with a counter or
# answered with the right notify; afterwards vgwd still runs, the tunnel
# keeps its IKE SA (garbage never tears it down), traffic still flows and
# the background ping lost <= 2 %.
#
# Usage: malformed.sh BUILD_DIR [CASE...]   (as root; 0 pass, 1 fail, 77 skip)

set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/netns.sh"
. "$HERE/../lib/charon.sh"
. "$HERE/../lib/vgw.sh"
. "$HERE/suites.sh"

BUILD_DIR=${1:-}
shift || true
CASE_ARGS=()
for c in "$@"; do CASE_ARGS+=(--case "$c"); done

ike_spis() { vgw_spis left | grep -E '^[0-9a-f]{16}$' | paste -sd' ' -; }
both_up() { vgw_up left && charon_up right; }

nt_init ike-malformed
vgw_find_bins "$BUILD_DIR"
nt_std_topology attacker

charon_conf right rgw local_addr=198.51.100.2 remote_addr=198.51.100.1 \
	routes=10.1.0.0/16 inside_addr=169.254.21.1/30 \
	proposals="$(suite_field gcm_x25519 2)" esp_proposals="$(suite_field gcm_x25519 3)"
vgw_conf left lgw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
	routes=10.2.0.0/16 initiation=start \
	ike_proposals="$(suite_field gcm_x25519 4)" esp_proposals="$(suite_field gcm_x25519 5)"
charon_start right
vgw_start left
wait_until 30 both_up || nt_fail "tunnel not up within 30 s"
assert_ping lhost 10.2.0.10
IKE0=$(ike_spis)
[ -n "$IKE0" ] || nt_fail "vgwctl shows no IKE SPI for the tunnel"

nt_step "hostile input (malformed.py)"
ping_meter_start pm rhost 10.1.0.10 0.05
nt_exec wan "$NT_PYTHON" "$HERE/malformed.py" --vgw 198.51.100.1 \
	--peer 198.51.100.2 --port-if p-lgw --peer-if p-rgw --vgwctl "$VGWCTL" \
	--socket "$(vg_sock left)" --vgwd-pid "$(nt_pid vgwd-left)" \
	"${CASE_ARGS[@]}" >&2
rc=$?
ping_meter_stop pm

# The survival checks run even when some cases failed: they say more.
nt_step "vgwd survived and the tunnel is intact"
vgw_alive left || nt_fail "vgwd exited"
both_up || nt_fail "tunnel no longer up"
assert_eq "IKE SPIs (not torn down by garbage)" "$IKE0" "$(ike_spis)"
assert_le "background ping loss during the attack, %" 2 "$PM_LOSS_PCT"
assert_ping lhost 10.2.0.10
assert_tcp_transfer lhost rhost 10.2.0.10 1000000
vgw_stop_checked left
[ $rc -eq 0 ] || nt_fail "malformed.py: some cases failed (lines marked FAIL above)"
exit 0
