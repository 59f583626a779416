#!/usr/bin/env bash
#
# vgw_vs_charon.sh: vgwd against strongSwan charon (kernel-libipsec), one
# scenario per run. vgw_vs_vgw.sh runs the same table with vgwd on both
# sides (PEER_KIND=vgw). ctest: interop_ike_<scenario> (label interop).
#
#   lhost 10.1.0.10/16                             rhost 10.2.0.10/16
#     |                                               |
#   lgw  vgwd "left"                                rgw  peer "right": charon
#     |  tunnel if vgw-t1 169.254.21.2/30             |  (or vgwd) ipsec0/vgw-t1
#     |  route 10.2/16 -> vgw-t1                      |  169.254.21.1/30, route 10.1/16
#     | 198.51.100.1                                  | 198.51.100.2
#     +------ p-lgw [ wan bridge br0 ] p-rgw ---------+
#            (DPD scenarios take p-rgw down: the peer vanishes, carrier stays)
#
# Usage: vgw_vs_charon.sh SCENARIO BUILD_DIR     (as root)
#        vgw_vs_charon.sh --list                 scenario names
# BUILD_DIR holds src/daemon/vgwd and vgwctl ($VGWD / $VGWCTL override).
# Exit 0 pass, 1 fail (daemon logs printed), 77 skip.
#
# Scenario kinds (table below; proposal sets in suites.sh):
#   basic       SAs up on both sides with the suite's algorithms, the peer's
#               SPIs visible in vgwctl, ping both ways and to the peer's
#               inside address, a 4 MB + 1 MB TCP transfer, no vgw drop
#               counter moved (clean traffic); then CHILD SA
#               and IKE SA rekeys under a 20 pkt/s ping (loss <= 2 %,
#               longest gap <= 1 s; the old SPIs disappear), traffic again;
#               then the peer deletes the IKE SA and vgw honours the DELETE.
#               Rekeys are initiated by vgw when vgw initiated the tunnel
#               (init_*), by the peer otherwise (resp_*).
#   dpd_clear   the peer probes vgw (DPD answered, SA stays up); the link to
#               the peer is cut: vgw declares it dead within dpd_timeout +
#               interval + 5 s and clears (status DOWN, stays DOWN after the
#               link returns since vgw only responds); the peer re-initiates
#               and traffic flows again.
#   dpd_restart vgw initiates; the link is cut; vgw notices, drops the old
#               IKE SA and re-initiates on its own once the link is back.
#   wrongpsk    the two sides hold different PSKs: no SA anywhere,
#               AUTHENTICATION_FAILED in both logs, vgwd keeps running.

set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/netns.sh"
. "$HERE/../lib/charon.sh"
. "$HERE/../lib/vgw.sh"
. "$HERE/suites.sh"

PEER_KIND=${PEER_KIND:-charon}

# name | vgw role (init: vgw initiates, resp: the peer does) | suite | kind
SCENARIOS=(
	"init_gcm_ecp256|init|gcm_ecp256|basic"
	"resp_gcm_ecp256|resp|gcm_ecp256|basic"
	"init_gcm_x25519|init|gcm_x25519|basic"
	"resp_gcm_x25519|resp|gcm_x25519|basic"
	"init_cbc_modp2048|init|cbc_modp2048|basic"
	"resp_cbc_modp2048|resp|cbc_modp2048|basic"
	"init_azure|init|azure|basic"
	"resp_azure|resp|azure|basic"
	"init_aws|init|aws|basic"
	"resp_aws|resp|aws|basic"
	"dpd_clear|resp|gcm_x25519|dpd_clear"
	"dpd_restart|init|gcm_x25519|dpd_restart"
	"wrongpsk_init|init|gcm_x25519|wrongpsk"
	"wrongpsk_resp|resp|gcm_x25519|wrongpsk"
)

LOSS_BOUND_PCT=2    # ping loss allowed across the rekeys
GAP_BOUND_MS=1000   # longest reply gap allowed across the rekeys
DPD_INTERVAL=2
DPD_TIMEOUT=8

if [ "${1:-}" = --list ]; then
	for row in "${SCENARIOS[@]}"; do printf '%s\n' "${row%%|*}"; done
	exit 0
fi
[ $# -ge 1 ] || { echo "usage: $0 SCENARIO BUILD_DIR | --list" >&2; exit 2; }
SCENARIO=$1
BUILD_DIR=${2:-}
ROW=""
for row in "${SCENARIOS[@]}"; do
	[ "${row%%|*}" = "$SCENARIO" ] && ROW=$row
done
[ -n "$ROW" ] || { echo "unknown scenario '$SCENARIO' (--list)" >&2; exit 2; }
ROLE=$(echo "$ROW" | cut -d'|' -f2)
SUITE=$(echo "$ROW" | cut -d'|' -f3)
KIND=$(echo "$ROW" | cut -d'|' -f4)

# ---- the peer on rgw: charon or a second vgwd -------------------------------

# peer_conf KEY=VALUE...: the peer's config for this scenario. Keys are
# charon_conf keys; for a vgwd peer they are translated below.
peer_conf() {
	if [ "$PEER_KIND" = charon ]; then
		charon_conf right rgw local_addr=198.51.100.2 remote_addr=198.51.100.1 \
			routes=10.1.0.0/16 inside_addr=169.254.21.1/30 \
			proposals="$(suite_field "$SUITE" 2)" \
			esp_proposals="$(suite_field "$SUITE" 3)" "$@"
	else
		vgw_conf right rgw local_addr=198.51.100.2 remote_addr=198.51.100.1 \
			routes=10.1.0.0/16 inside_address=169.254.21.1/30 \
			inside_peer=169.254.21.2 \
			ike_proposals="$(suite_field "$SUITE" 4)" \
			esp_proposals="$(suite_field "$SUITE" 5)" "$@"
	fi
}

peer_start() { if [ "$PEER_KIND" = charon ]; then charon_start right; else vgw_start right; fi; }
peer_up() { if [ "$PEER_KIND" = charon ]; then charon_up right; else vgw_up right; fi; }
peer_down() { if [ "$PEER_KIND" = charon ]; then charon_down right; else vgw_down right; fi; }

peer_initiate() {
	if [ "$PEER_KIND" = charon ]; then
		charon_initiate right
	else
		vgw_request right "tunnel up" t1 >/dev/null
	fi
}

# The peer deletes the IKE SA (INFORMATIONAL with DELETE).
peer_delete_ike() {
	if [ "$PEER_KIND" = charon ]; then
		charon_terminate_ike right
	else
		vgw_request right "tunnel down" t1 >/dev/null
	fi
}

# Every SPI the peer holds for the tunnel, lowercase hex, one per line.
peer_spis() {
	if [ "$PEER_KIND" = charon ]; then
		charon_list_sas right | grep -oE '[0-9a-f]{16}_[ir]|^ +(in|out) +[0-9a-f]{8}' |
			sed -E 's/_[ir]$//; s/^ +(in|out) +//' | sort -u
	else
		vgw_spis right
	fi
}

# Case-insensitive, like vgw_log_has.
peer_log_has() {
	if [ "$PEER_KIND" = charon ]; then
		grep -Eqi "$1" "$(charon_log right)"
	else
		vgw_log_has right "$1"
	fi
}

# ---- SPI helpers (vgw side) -------------------------------------------------

ike_spis() { vgw_spis left | grep -E '^[0-9a-f]{16}$' | paste -sd' ' -; }
child_spis() { vgw_spis left | grep -E '^[0-9a-f]{8}$' | paste -sd' ' -; }

# spis_cover: every SPI the peer holds is shown by vgwctl on the left.
spis_cover() {
	local mine s
	mine=$(vgw_spis left)
	[ -n "$mine" ] || return 1
	for s in $(peer_spis); do
		echo "$mine" | grep -qx "$s" || return 1
	done
}

# none_of "SPI..." : vgwctl no longer shows any of these SPIs.
none_of() {
	local mine s
	mine=$(vgw_spis left)
	for s in $1; do
		echo "$mine" | grep -qx "$s" && return 1
	done
	return 0
}

changed_from() { # VAR_BEFORE CURRENT: both non-empty and different
	[ -n "$2" ] && [ "$1" != "$2" ]
}

both_up() { vgw_up left && peer_up; }

# ---- phases -----------------------------------------------------------------

setup() {
	nt_init "ike-$PEER_KIND"
	vgw_find_bins "$BUILD_DIR"
	nt_std_topology
	assert_no_ping lhost 10.2.0.10
}

# vgw_left_conf KEY=VALUE...: the left vgwd for this scenario.
vgw_left_conf() {
	vgw_conf left lgw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
		routes=10.2.0.0/16 ike_proposals="$(suite_field "$SUITE" 4)" \
		esp_proposals="$(suite_field "$SUITE" 5)" "$@"
}

# Initiation keys for each side from the scenario's role.
left_init() { [ "$ROLE" = init ] && echo initiation=start || echo initiation=add; }
peer_init() {
	if [ "$PEER_KIND" = charon ]; then
		[ "$ROLE" = resp ] && echo start_action=start || echo start_action=none
	else
		[ "$ROLE" = resp ] && echo initiation=start || echo initiation=add
	fi
}

assert_established() {
	wait_until 30 both_up ||
		nt_fail "tunnel not up within 30 s (vgw status '$(vgw_status left)')"
	nt_ok "SAs up on both sides (vgw status UP, peer established)"
	assert_eq "vgwctl show connections: status of t1" Connected "$(vgw_conn_status left)"
	if [ "$PEER_KIND" = charon ]; then
		assert_eq "charon IKE algorithms ($SUITE)" "$(suite_field "$SUITE" 6)" "$(charon_ike_alg right)"
	fi
	wait_until 5 spis_cover ||
		nt_fail "vgwctl does not show the peer's SPIs: peer '$(peer_spis | paste -sd' ' -)', vgw '$(vgw_spis left | paste -sd' ' -)'"
	nt_ok "vgwctl shows every SPI the peer holds: $(peer_spis | paste -sd' ' -)"
}

# Clean traffic over a fresh tunnel must not bump any vgw drop counter
# (e.g. "tx-error" when an encapsulated packet exceeds the outside MTU).
assert_traffic() {
	assert_ping lhost 10.2.0.10
	assert_ping rhost 10.1.0.10
	assert_ping lgw 169.254.21.1
	assert_tcp_transfer lhost rhost 10.2.0.10 4000000
	assert_tcp_transfer rhost lhost 10.1.0.10 1000000
	assert_eq "vgw (left) drop counters after clean traffic" 0 "$(vgw_drops left)"
	if [ "$PEER_KIND" = vgw ]; then
		assert_eq "vgw (right) drop counters after clean traffic" 0 "$(vgw_drops right)"
	fi
}

# Rekey timing. The rekeying side gets short lifetimes: vgw 60 s (the
# config minimum) with a 48 s margin rekeys after 12 s; charon rekeys the
# CHILD SA every 8 s and the IKE SA every 14 s. The other side keeps long
# lifetimes so it does not start rekeys of its own.
rekey_keys_left() {
	[ "$ROLE" = init ] &&
		echo "ike_lifetime=60 child_lifetime=60 rekey_margin=48 rekey_fuzz=0" ||
		echo "ike_lifetime=3600 child_lifetime=3600 rekey_margin=540 rekey_fuzz=0"
}
rekey_keys_peer() {
	if [ "$PEER_KIND" = charon ]; then
		[ "$ROLE" = resp ] && echo "child_rekey=8 child_life=12 ike_rekey=14 ike_over=4"
	else
		[ "$ROLE" = resp ] &&
			echo "ike_lifetime=60 child_lifetime=60 rekey_margin=48 rekey_fuzz=0" ||
			echo "ike_lifetime=3600 child_lifetime=3600 rekey_margin=540 rekey_fuzz=0"
	fi
}

phase_rekey() {
	nt_step "CHILD SA and IKE SA rekeys under traffic (initiated by ${ROLE/init/vgw})"
	local child0 ike0
	child0=$(child_spis)
	ike0=$(ike_spis)
	ping_meter_start pm lhost 10.2.0.10 0.05
	wait_until 45 eval 'changed_from "$child0" "$(child_spis)"' ||
		{ ping_meter_stop pm; nt_fail "no CHILD SA rekey within 45 s (SPIs '$child0' -> '$(child_spis)')"; }
	wait_until 45 eval 'changed_from "$ike0" "$(ike_spis)"' ||
		{ ping_meter_stop pm; nt_fail "no IKE SA rekey within 45 s (SPIs '$ike0' -> '$(ike_spis)')"; }
	sleep 2
	ping_meter_stop pm
	nt_ok "CHILD SPIs '$child0' -> '$(child_spis)'; IKE SPIs '$ike0' -> '$(ike_spis)'"
	assert_le "ping loss across rekeys, % (vgw <-> $PEER_KIND)" "$LOSS_BOUND_PCT" "$PM_LOSS_PCT"
	assert_le "longest reply gap across rekeys, ms" "$GAP_BOUND_MS" "$PM_MAXGAP_MS"
	wait_until 15 none_of "$child0 $ike0" ||
		nt_fail "vgwctl still shows rekeyed-away SPIs: '$(vgw_spis left | paste -sd' ' -)'"
	nt_ok "the old SAs are gone from vgwctl"
	wait_until 5 both_up || nt_fail "tunnel not up after the rekeys"
	wait_until 5 spis_cover || nt_fail "vgw and peer disagree on SPIs after the rekeys"
	assert_ping lhost 10.2.0.10
	assert_tcp_transfer lhost rhost 10.2.0.10 1000000
}

phase_peer_delete() {
	nt_step "the peer deletes the IKE SA; vgw honours the DELETE"
	local ike0
	ike0=$(ike_spis)
	peer_delete_ike || nt_fail "peer could not send the DELETE"
	wait_until 10 none_of "$ike0" ||
		nt_fail "vgw still holds IKE SA $ike0 after the peer's DELETE"
	if [ "$ROLE" = resp ]; then
		wait_until 5 vgw_down left || nt_fail "vgw status still '$(vgw_status left)' after the DELETE"
		sleep 3
		vgw_down left || nt_fail "vgw (initiation add) brought the tunnel back by itself"
		assert_eq "vgwctl show connections: status of t1" NotConnected "$(vgw_conn_status left)"
		assert_no_ping lhost 10.2.0.10
	fi
	nt_ok "IKE SA $ike0 removed on vgw (status '$(vgw_status left)')"
}

run_basic() {
	# shellcheck disable=SC2046 # several key=value words on purpose
	vgw_left_conf "$(left_init)" $(rekey_keys_left)
	# shellcheck disable=SC2046 # several key=value words on purpose
	peer_conf "$(peer_init)" $(rekey_keys_peer)
	peer_start
	vgw_start left
	assert_established
	assert_traffic
	phase_rekey
	phase_peer_delete
}

run_dpd_clear() {
	vgw_left_conf "$(left_init)" dpd_interval=$DPD_INTERVAL \
		dpd_timeout=$DPD_TIMEOUT dpd_action=clear
	if [ "$PEER_KIND" = charon ]; then
		peer_conf "$(peer_init)" dpd_delay=2 dpd_action=clear
	else
		peer_conf "$(peer_init)" dpd_interval=2 dpd_timeout=8 dpd_action=clear
	fi
	peer_start
	vgw_start left
	assert_established
	nt_step "idle tunnel: liveness checks are answered"
	sleep 7
	both_up || nt_fail "tunnel went down while idle with DPD running"
	if [ "$PEER_KIND" = charon ]; then
		# Only charon's probes are checked here: they count as traffic
		# for vgw, which then need not probe (RFC 7296 2.4); vgw's own
		# probes are what detects the cut below.
		charon_log_has right 'parsed INFORMATIONAL response [0-9]+ \[ \]' ||
			nt_fail "charon's DPD requests got no answer from vgw"
		nt_ok "charon's DPD requests (empty INFORMATIONAL) answered by vgw"
	fi
	nt_step "cut the link to the peer"
	local t0 dt
	t0=$(date +%s)
	nt_cut_link rgw
	wait_until $((DPD_TIMEOUT + DPD_INTERVAL + 5)) vgw_down left ||
		nt_fail "vgw did not declare the peer dead within $((DPD_TIMEOUT + DPD_INTERVAL + 5)) s"
	dt=$(($(date +%s) - t0))
	nt_ok "vgw detected the dead peer after ${dt} s (dpd ${DPD_INTERVAL}/${DPD_TIMEOUT} s, action clear)"
	nt_restore_link rgw
	sleep 5
	vgw_down left || nt_fail "vgw (action clear, initiation add) brought the tunnel back by itself"
	nt_step "the peer initiates again"
	wait_until 20 peer_down || true
	peer_initiate || nt_fail "peer could not initiate"
	wait_until 30 both_up || nt_fail "tunnel not re-established after the peer initiated"
	assert_ping lhost 10.2.0.10
}

run_dpd_restart() {
	vgw_left_conf "$(left_init)" dpd_interval=$DPD_INTERVAL \
		dpd_timeout=$DPD_TIMEOUT dpd_action=restart
	if [ "$PEER_KIND" = charon ]; then
		peer_conf "$(peer_init)"
	else
		peer_conf "$(peer_init)" dpd_interval=0 dpd_timeout=0 dpd_action=none
	fi
	peer_start
	vgw_start left
	assert_established
	assert_ping lhost 10.2.0.10
	local ike0 t0 dt cut_ms gap
	ike0=$(ike_spis)
	nt_step "cut the link to the peer"
	gap_meter_start lhost 10.2.0.10
	sleep 1
	t0=$(date +%s%N)
	nt_cut_link rgw
	wait_until $((DPD_TIMEOUT + DPD_INTERVAL + 5)) none_of "$ike0" ||
		nt_fail "vgw still holds IKE SA $ike0 $((DPD_TIMEOUT + DPD_INTERVAL + 5)) s after the link was cut"
	dt=$((($(date +%s%N) - t0) / 1000000000))
	nt_ok "vgw dropped the dead IKE SA after ${dt} s (action restart)"
	nt_restore_link rgw
	cut_ms=$((($(date +%s%N) - t0) / 1000000))
	wait_until 40 eval 'both_up && changed_from "$ike0" "$(ike_spis)"' ||
		nt_fail "vgw did not re-establish the tunnel within 40 s of the link coming back"
	nt_ok "vgw re-initiated: IKE SPIs '$ike0' -> '$(ike_spis)'"
	wait_until 10 spis_cover || nt_fail "vgw and peer disagree on SPIs after the restart"
	assert_ping lhost 10.2.0.10
	gap=$(gap_meter_stop)
	# The meter must have seen at least the outage we made.
	[ "$gap" -ge $((cut_ms - 200)) ] ||
		nt_fail "gap meter reports ${gap} ms for a ${cut_ms} ms outage"
	nt_ok "traffic gap ${gap} ms (link cut for ${cut_ms} ms, then re-initiation)"
}

run_wrongpsk() {
	vgw_left_conf "$(left_init)" psk=wrong.psk.for.this.test.0123
	peer_conf "$(peer_init)"
	peer_start
	vgw_start left
	nt_step "authentication must fail on both sides"
	# charon abbreviates the notify in message summaries: N(AUTH_FAILED).
	local re='AUTHENTICATION_FAILED|N\(AUTH_FAILED\)'
	wait_until 30 vgw_log_has left "$re" ||
		nt_fail "vgw log does not mention AUTHENTICATION_FAILED"
	wait_until 10 peer_log_has "$re" ||
		nt_fail "peer log does not mention AUTHENTICATION_FAILED"
	nt_ok "AUTHENTICATION_FAILED in both logs"
	sleep 2
	vgw_down left || nt_fail "vgw reports the tunnel UP with a wrong PSK"
	peer_down || nt_fail "the peer holds an IKE SA with a wrong PSK"
	assert_no_ping lhost 10.2.0.10
	vgw_alive left || nt_fail "vgwd exited"
	nt_ok "no SA anywhere, vgwd still running"
}

setup
nt_step "scenario $SCENARIO: vgw $ROLE, suite $SUITE, kind $KIND, peer $PEER_KIND"
"run_$KIND"
nt_log "vgw drop counters at the end: $(vgw_drops left)"
vgw_stop_checked left
[ "$PEER_KIND" = vgw ] && vgw_stop_checked right
exit 0
