# shellcheck shell=bash
#
# Per-daemon adapters for lib.sh: bird, frr, gobgp, openbgpd, vgwd.
# Each implements <kind>_{start,established,route,count,withdraw,shutdown,
# refresh,updates} for a role (see lib.sh). Configs follow the verified
# references in shared/reference/bgp-peers, with private sockets and pid
# files under the role's directory.

# ================================================================ BIRD 2

bird_sock() { echo "${B_DIR[$1]}/bird.ctl"; }
birdc_() { local role=$1; shift; birdc -s "$(bird_sock "$role")" "$@"; }

bird_start() {
	local role=$1 conf="${B_DIR[$1]}/bird.conf" n first=1 ibgp=""
	[ "${B_AS[$role]}" = "${B_NAS[$role]}" ] && ibgp=1
	{
		echo "log stderr all;"
		echo "router id ${B_IP[$role]};"
		echo "protocol device { }"
		# The first originated prefix lives in its own static protocol so
		# that it can be withdrawn on its own (birdc disable static_w).
		for n in ${B_NETS[$role]}; do
			if [ -n "$first" ]; then
				echo "protocol static static_w { ipv4; route $n blackhole; }"
				echo "protocol static static4 { ipv4;"
				first=""
			else
				echo "  route $n blackhole;"
			fi
		done
		[ -n "${B_NETS[$role]}" ] && echo "}"
		echo "protocol bgp nbr {"
		echo "  local ${B_IP[$role]} as ${B_AS[$role]};"
		echo "  neighbor ${B_NIP[$role]} as ${B_NAS[$role]};"
		echo "  hold time ${B_HOLD[$role]}; keepalive time ${B_KA[$role]};"
		echo "  connect delay time 1; connect retry time 2; error wait time 1, 10;"
		[ "${B_PASSIVE[$role]}" = 1 ] && echo "  passive on;"
		[ "${B_AS4[$role]}" = off ] && echo "  enable as4 off;"
		[ -n "$ibgp" ] && echo "  direct;"
		# A GR-capable peer whose hold timer expires is treated by BIRD as a
		# graceful restart (routes kept, no error logged): as the DUT, be a
		# plain speaker so that hold timer expiry is an error.
		[ "$role" = dut ] && echo "  graceful restart off;"
		echo "  ipv4 {"
		[ -n "$ibgp" ] && echo "    gateway direct; next hop self;"
		echo "    import all;"
		# "restart", not "disable": BIRD closes right after its Cease
		# NOTIFICATION, and when the peer's next message is still unread the
		# close turns into a TCP RST that can destroy the NOTIFICATION in
		# the peer's receive queue; restarting gives the peer another try.
		[ -n "${B_LIMIT[$role]}" ] && echo "    receive limit ${B_LIMIT[$role]} action restart;"
		echo "    export filter {"
		echo "      if source = RTS_STATIC then {"
		echo "        bgp_med = ${B_MED[$role]};"
		echo "        bgp_community.add((${B_COMM[$role]/:/,}));"
		[ -n "${B_PREPEND[$role]}" ] && echo "        bgp_path.prepend(${B_PREPEND[$role]});"
		echo "      }"
		echo "      accept;"
		echo "    };"
		echo "  };"
		echo "}"
	} >"$conf"
	spawn "$role" bird -f -c "$conf" -s "$(bird_sock "$role")" -P "${B_DIR[$role]}/bird.pid"
	bgpt_wait 10 "bird control socket" birdc_ "$role" show status || die "bird did not start"
}

bird_established() { birdc_ "$1" show protocols nbr | grep -q Established; }

# "show route PREFIX all" attribute lines -> normalized form.
bird_route() {
	local out
	out=$(birdc_ "$1" show route "$2" all 2>/dev/null) || return 0
	echo "$out" | grep -q "BGP.origin" || return 0
	echo "$out" | awk '
		/BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); asp = $0 }
		/BGP.next_hop:/ { nh = $2 }
		/BGP.med:/ { med = $2 }
		/BGP.community:/ { sub(/.*BGP.community: */, ""); comm = $0 }
		END {
			gsub(/\) \(/, " ", comm); gsub(/[()]/, "", comm); gsub(/,/, ":", comm)
			printf "aspath=%s|nh=%s|med=%s|comm=%s\n", asp, nh, med, comm
		}' | { IFS='|' read -r a b c d; echo "$a|$b|$c|comm=$(echo "${d#comm=}" | norm_comm)"; }
}

bird_count() {
	birdc_ "$1" show protocols all nbr | awk '/Routes:/ { print $2; exit }'
}
bird_withdraw() { birdc_ "$1" disable static_w >/dev/null; }
bird_shutdown() { birdc_ "$1" disable nbr "\"$2\"" >/dev/null; }
bird_refresh() { birdc_ "$1" reload in nbr >/dev/null; }
bird_updates() {
	birdc_ "$1" show protocols all nbr | awk '/Import updates:/ { print $3; exit }'
}

# ================================================================ FRR 8.4

frr_vty() { local role=$1; shift; vtysh --vty_socket "${B_DIR[$role]}/frr" "$@"; }

frr_start() {
	local role=$1 d="${B_DIR[$1]}/frr" conf="${B_DIR[$1]}/frr/bgpd.conf" n nb=${B_NIP[$1]}
	mkdir -p "$d" && chown frr:frr "$d"
	{
		echo "frr defaults traditional"
		echo "hostname peer-$role"
		echo "log stdout informational"
		echo "router bgp ${B_AS[$role]}"
		echo " bgp router-id ${B_IP[$role]}"
		echo " bgp log-neighbor-changes"
		echo " no bgp ebgp-requires-policy"
		echo " no bgp network import-check"
		echo " neighbor $nb remote-as ${B_NAS[$role]}"
		echo " neighbor $nb timers ${B_KA[$role]} ${B_HOLD[$role]}"
		echo " neighbor $nb timers connect 2"
		[ "${B_PASSIVE[$role]}" = 1 ] && echo " neighbor $nb passive"
		echo " address-family ipv4 unicast"
		for n in ${B_NETS[$role]}; do echo "  network $n route-map ORIG"; done
		echo "  neighbor $nb activate"
		echo "  neighbor $nb send-community"
		echo "  neighbor $nb next-hop-self"
		[ -n "${B_LIMIT[$role]}" ] && echo "  neighbor $nb maximum-prefix ${B_LIMIT[$role]}"
		echo "  neighbor $nb route-map PERMIT-ALL in"
		echo "  neighbor $nb route-map PERMIT-ALL out"
		echo " exit-address-family"
		echo "route-map ORIG permit 10"
		echo " set metric ${B_MED[$role]}"
		echo " set community ${B_COMM[$role]}"
		echo "route-map PERMIT-ALL permit 10"
	} >"$conf"
	chown frr:frr "$conf"
	# zebra gives bgpd the connected route that makes the peer and next hop valid.
	ip netns exec "${B_NS[$role]}" /usr/lib/frr/zebra -f /dev/null -z "$d/zserv.api" \
		--vty_socket "$d" -i "$d/zebra.pid" >>"${B_DIR[$role]}/zebra.log" 2>&1 &
	bgpt_wait 10 "zebra socket" test -S "$d/zserv.api" || die "zebra did not start"
	spawn "$role" /usr/lib/frr/bgpd -f "$conf" -z "$d/zserv.api" --vty_socket "$d" \
		-i "$d/bgpd.pid"
	bgpt_wait 10 "bgpd vty" frr_vty "$role" -d bgpd -c "show bgp summary" || die "bgpd did not start"
}

frr_nbr_json() { frr_vty "$1" -d bgpd -c "show bgp neighbors ${B_NIP[$1]} json"; }
frr_established() {
	[ "$(frr_nbr_json "$1" | jq -r --arg n "${B_NIP[$1]}" '.[$n].bgpState')" = Established ]
}
frr_route() {
	frr_vty "$1" -d bgpd -c "show bgp ipv4 unicast $2 json" 2>/dev/null | jq -r '
		select(.paths != null and (.paths | length) > 0) | .paths[0] |
		"aspath=\(.aspath.string // "" | sub("^Local$"; ""))|nh=\(.nexthops[0].ip // "")|med=\(.metric // "")|comm=\(.community.string // "")"' |
		{ IFS='|' read -r a b c d || return 0; echo "$a|$b|$c|comm=$(echo "${d#comm=}" | norm_comm)"; }
}
frr_count() {
	frr_vty "$1" -d bgpd -c "show bgp ipv4 unicast summary json" |
		jq -r --arg n "${B_NIP[$1]}" '.peers[$n].pfxRcd // 0'
}
frr_conf() { local role=$1; shift; frr_vty "$role" -d bgpd -c "configure terminal" -c "router bgp ${B_AS[$role]}" "$@" >/dev/null; }
frr_withdraw() { frr_conf "$1" -c "address-family ipv4 unicast" -c "no network $2"; }
frr_shutdown() { frr_conf "$1" -c "neighbor ${B_NIP[$1]} shutdown message $2"; }
frr_refresh() { frr_vty "$1" -d bgpd -c "clear bgp ipv4 unicast ${B_NIP[$1]} soft in" >/dev/null; }
frr_updates() { frr_nbr_json "$1" | jq -r --arg n "${B_NIP[$1]}" '.[$n].messageStats.updatesRecv'; }

# ================================================================ GoBGP 3.10

gobgp_() { local role=$1; shift; gobgp --target "unix://${B_DIR[$role]}/gobgp.sock" "$@"; }

gobgp_start() {
	local role=$1 conf="${B_DIR[$1]}/gobgpd.toml" n
	{
		echo "[global.config]"
		echo "  as = ${B_AS[$role]}"
		echo "  router-id = \"${B_IP[$role]}\""
		echo "  port = 179"
		echo "  local-address-list = [\"${B_IP[$role]}\"]"
		echo "[[neighbors]]"
		echo "  [neighbors.config]"
		echo "    neighbor-address = \"${B_NIP[$role]}\""
		echo "    peer-as = ${B_NAS[$role]}"
		echo "  [neighbors.timers.config]"
		echo "    hold-time = ${B_HOLD[$role]}"
		echo "    keepalive-interval = ${B_KA[$role]}"
		echo "    connect-retry = 2"
		echo "  [neighbors.transport.config]"
		echo "    local-address = \"${B_IP[$role]}\""
		[ "${B_PASSIVE[$role]}" = 1 ] && echo "    passive-mode = true"
		echo "  [[neighbors.afi-safis]]"
		echo "    [neighbors.afi-safis.config]"
		echo "      afi-safi-name = \"ipv4-unicast\""
		if [ -n "${B_LIMIT[$role]}" ]; then
			echo "    [neighbors.afi-safis.prefix-limit.config]"
			echo "      max-prefixes = ${B_LIMIT[$role]}"
		fi
	} >"$conf"
	spawn "$role" gobgpd -f "$conf" -t toml --api-hosts "unix://${B_DIR[$role]}/gobgp.sock" \
		--pprof-disable -p -l info
	bgpt_wait 10 "gobgpd api" gobgp_ "$role" global || die "gobgpd did not start"
	for n in ${B_NETS[$role]}; do
		gobgp_ "$role" global rib add "$n" med "${B_MED[$role]}" \
			community "${B_COMM[$role]}" -a ipv4 || die "gobgp rib add $n"
	done
}

gobgp_nbr_json() { gobgp_ "$1" neighbor "${B_NIP[$1]}" -j; }
gobgp_established() {
	[ "$(gobgp_nbr_json "$1" | jq -r '.state.session_state')" = 6 ]
}
gobgp_route() {
	gobgp_ "$1" global rib -a ipv4 "$2" -j 2>/dev/null | jq -r --arg p "$2" '
		(.[$p] // empty) | .[0].attrs as $a |
		($a[] | select(.type == 2) | [.as_paths[]?.asns[]] | map(tostring) | join(" ")) as $asp |
		"aspath=\($asp)|nh=\(($a[] | select(.type == 3) | .nexthop) // "")|med=\(([$a[] | select(.type == 4) | .metric] | first) // "")|comm=\([$a[] | select(.type == 8) | .communities[] | "\(. / 65536 | floor):\(. % 65536)"] | join(","))"' |
		{ IFS='|' read -r a b c d || return 0; echo "$a|$b|$c|comm=$(echo "${d#comm=}" | norm_comm)"; }
}
gobgp_count() { gobgp_ "$1" global rib -a ipv4 summary 2>/dev/null | awk '/Destination:/ {gsub(",","",$2); print $2}'; }
gobgp_withdraw() { gobgp_ "$1" global rib del "$2" -a ipv4; }
gobgp_shutdown() { gobgp_ "$1" neighbor "${B_NIP[$1]}" shutdown --reason "$2"; }
gobgp_refresh() { gobgp_ "$1" neighbor "${B_NIP[$1]}" softresetin -a ipv4; }
gobgp_updates() { gobgp_nbr_json "$1" | jq -r '.state.messages.received.update // 0'; }

# ================================================================ OpenBGPD 7.7

bgpctl_() { local role=$1; shift; bgpctl -s "${B_DIR[$role]}/bgpd.sock" "$@"; }

openbgpd_start() {
	local role=$1 conf="${B_DIR[$1]}/openbgpd.conf" n
	mkdir -p /run/openbgpd
	{
		echo "AS ${B_AS[$role]}"
		echo "router-id ${B_IP[$role]}"
		echo "socket \"${B_DIR[$role]}/bgpd.sock\""
		echo "listen on ${B_IP[$role]}"
		echo "fib-update no"
		for n in $(echo "${B_NETS[$role]}" | cut -s -d' ' -f2-); do
			echo "network $n set { med ${B_MED[$role]} community ${B_COMM[$role]} }"
		done
		echo "neighbor ${B_NIP[$role]} {"
		echo "  remote-as ${B_NAS[$role]}"
		echo "  descr \"nbr\""
		echo "  holdtime ${B_HOLD[$role]}"
		echo "  holdtime min 3"
		[ "${B_PASSIVE[$role]}" = 1 ] && echo "  passive"
		[ -n "${B_LIMIT[$role]}" ] && echo "  max-prefix ${B_LIMIT[$role]}"
		[ "${B_AS4[$role]}" = off ] && echo "  announce as-4byte no"
		[ "${B_AS[$role]}" = "${B_NAS[$role]}" ] && echo "  set nexthop self"
		echo "}"
		echo "allow from ${B_NIP[$role]}"
		echo "allow to ${B_NIP[$role]}"
	} >"$conf"
	chmod 600 "$conf"
	spawn "$role" bgpd -d -v -f "$conf"
	bgpt_wait 10 "bgpd socket" bgpctl_ "$role" show summary || die "openbgpd did not start"
	# The first prefix is added at run time so that it can be withdrawn
	# (bgpctl network delete); the others are in the config, announced at
	# once when the session comes up.
	set -- ${B_NETS[$role]}
	[ $# -gt 0 ] && { bgpctl_ "$role" network add "$1" med "${B_MED[$role]}" \
		community "${B_COMM[$role]}" >/dev/null || die "bgpctl network add $1"; }
}

openbgpd_nbr_json() { bgpctl_ "$1" -j show neighbor "${B_NIP[$1]}"; }
openbgpd_established() {
	[ "$(openbgpd_nbr_json "$1" | jq -r '.neighbors[0].state')" = Established ]
}
openbgpd_route() {
	bgpctl_ "$1" -j show rib detail "$2" 2>/dev/null | jq -r --arg p "$2" '
		[.rib[]? | select(.prefix == $p)] | first // empty |
		"aspath=\(.aspath // "" | sub("^empty$"; ""))|nh=\(.exit_nexthop // "")|med=\(.metric // "")|comm=\([.communities[]?] | join(","))"' |
		{ IFS='|' read -r a b c d || return 0; echo "$a|$b|$c|comm=$(echo "${d#comm=}" | norm_comm)"; }
}
openbgpd_count() { openbgpd_nbr_json "$1" | jq -r '.neighbors[0].stats.prefixes.received // 0'; }
openbgpd_withdraw() { bgpctl_ "$1" network delete "$2" >/dev/null; }
openbgpd_shutdown() { bgpctl_ "$1" neighbor "${B_NIP[$1]}" down "$2" >/dev/null; }
openbgpd_refresh() { bgpctl_ "$1" neighbor "${B_NIP[$1]}" refresh >/dev/null; }
openbgpd_updates() { openbgpd_nbr_json "$1" | jq -r '.neighbors[0].stats.message.received.updates // 0'; }

# ================================================================ vgwd

. "$BGPT_LIB_DIR/vgwd.sh"
