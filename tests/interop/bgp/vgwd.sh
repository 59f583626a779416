# shellcheck shell=bash
#
# vgwd adapter for lib.sh: vgwd as a plain BGP speaker (daemon config with
# only a bgp: section, docs/daemon-config.md / src/config/dconf.h), one
# neighbor called "nbr". Inspection through vgwctl (JSON of the control
# protocol, docs/control-protocol.md):
#   vgwctl --socket S show bgp --json     -> {asn, peers[]: name, state,
#        address, remote_as, messages_received{UPDATE,..}, routes_received,
#        last_error, max_prefix_down, ...}              (src/bgp/json.c)
#   vgwctl --socket S show routes --json  -> {routes[]: prefix, paths[]:
#        peer, next_hop, as_path, med, communities[]; count}
# VGWD and VGWCTL name the binaries.

vgwd_sock() { echo "${B_DIR[$1]}/vgwd.sock"; }

# vgwd_ctl ROLE WORDS...: the response's data object (accepts a bare data
# object or the control protocol's {"ok":..,"data":..} envelope).
vgwd_ctl() {
	local role=$1; shift
	"$VGWCTL" --socket "$(vgwd_sock "$role")" "$@" --json 2>/dev/null |
		jq -c 'if type == "object" and has("data") then .data else . end'
}

vgwd_start() {
	local role=$1 conf="${B_DIR[$1]}/vgwd.yaml" n
	{
		echo "version: 1"
		echo "role: generic"
		echo "name: dut"
		echo "outside_address: ${B_IP[$role]}"
		echo "control_socket: $(vgwd_sock "$role")"
		echo "log_level: debug"
		echo "bgp:"
		echo "  asn: ${B_AS[$role]}"
		echo "  router_id: ${B_IP[$role]}"
		echo "  listen: true"
		echo "  announce:"
		for n in ${B_NETS[$role]}; do echo "    - $n"; done
		echo "  neighbors:"
		echo "    - name: nbr"
		echo "      address: ${B_NIP[$role]}"
		echo "      local_address: ${B_IP[$role]}"
		echo "      remote_as: ${B_NAS[$role]}"
		echo "      passive: $([ "${B_PASSIVE[$role]}" = 1 ] && echo true || echo false)"
		echo "      hold_time: ${B_HOLD[$role]}"
		echo "      keepalive: ${B_KA[$role]}"
		echo "      connect_retry: 2"
		if [ -n "${B_LIMIT[$role]}" ]; then
			echo "      max_prefix: { limit: ${B_LIMIT[$role]}, action: cease, restart_s: 0 }"
		fi
		echo "      med: ${B_MED[$role]}"
		echo "      communities: [${B_COMM[$role]}]"
	} >"$conf"
	"$VGWD" -c "$conf" -n >>"${B_LOG[$role]}" 2>&1 || die "vgwd refuses its config"
	spawn "$role" "$VGWD" -c "$conf" -f
	bgpt_wait 10 "vgwd control socket" vgwd_peer "$role" || die "vgwd did not start"
}

vgwd_peer() { vgwd_ctl "$1" show bgp | jq -e -c '.peers[] | select(.name == "nbr")'; }
vgwd_established() { [ "$(vgwd_peer "$1" | jq -r .state)" = Established ]; }
vgwd_route() {
	vgwd_ctl "$1" show routes | jq -r --arg p "$2" '
		[.routes[]? | select(.prefix == $p) | .paths[] | select(.peer != "local")] | first // empty |
		"aspath=\(.as_path // "")|nh=\(.next_hop // "")|med=\(.med // "")|comm=\([.communities[]?] | join(","))"' |
		{ IFS='|' read -r a b c d || return 0; echo "$a|$b|$c|comm=$(echo "${d#comm=}" | norm_comm)"; }
}
vgwd_count() { vgwd_peer "$1" | jq -r '.routes_received // 0'; }
vgwd_updates() { vgwd_peer "$1" | jq -r '.messages_received.UPDATE // 0'; }
# Not (yet) in the control protocol: what these scenarios need from vgwctl.
# Withdraw an originated prefix: drop it from "announce" and reload (SIGHUP;
# unchanged peers stay up).
vgwd_withdraw() {
	local conf="${B_DIR[$1]}/vgwd.yaml"
	grep -q "^    - $2\$" "$conf" || die "vgwd: $2 not announced"
	sed -i "\|^    - $2\$|d" "$conf"
	kill -HUP "${B_PID[$1]}"
}
vgwd_shutdown() { "$VGWCTL" --socket "$(vgwd_sock "$1")" bgp shutdown nbr "$2"; }
# Make vgwd send ROUTE-REFRESH: the control protocol has no command for it
# (yet), but an import policy change applied by reload does exactly that
# (bgp_peer_update_config: re-export, then ROUTE-REFRESH when the peer has
# the capability). Here: a new local_pref, then SIGHUP.
vgwd_refresh() {
	local conf="${B_DIR[$1]}/vgwd.yaml"
	if grep -q "^      local_pref:" "$conf"; then
		sed -i "s/^      local_pref: .*/      local_pref: $((RANDOM + 200))/" "$conf"
	else
		echo "      local_pref: 150" >>"$conf"
	fi
	kill -HUP "${B_PID[$1]}"
}

# DUT-side checks used by run.sh.
vgwd_dut_shows_text() {
	local p
	p=$(vgwd_peer dut)
	echo "$p" | jq -e --arg t "$1" '.last_error | ascii_downcase | contains($t | ascii_downcase)' >/dev/null ||
		die "vgwd: show bgp last_error lacks '$1': $(echo "$p" | jq -c .last_error)"
	log "ok: vgwd show bgp last_error: $(echo "$p" | jq -r .last_error)"
}
vgwd_dut_shows_maxprefix() {
	local p
	bgpt_wait 5 "dut session down" dut_not_established || die "dut still Established"
	p=$(vgwd_peer dut)
	echo "$p" | jq -e '.max_prefix_down == true and .state != "Established"' >/dev/null ||
		die "vgwd: peer not down by max-prefix: $p"
	log_has dut "Maximum Number of Prefixes" || die "vgwd log lacks 'Maximum Number of Prefixes'"
	log "ok: vgwd: state $(echo "$p" | jq -r .state), last_error $(echo "$p" | jq -r .last_error)"
}
