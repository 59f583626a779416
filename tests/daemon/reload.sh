#!/bin/sh
# Two BGP-only vgwd on loopback (127.0.0.21 AS 65021 <-> 127.0.0.22 AS 65022,
# port 17900, no FIB): a reload that adds a prefix and changes one
# neighbor's MED keeps the session up (no reset) and propagates both; a
# broken config is refused and the running config stays; SIGTERM sends a
# Cease and removes the control sockets.
set -u
: "${VGWD:?}" "${VGWCTL:?}"
W=$(mktemp -d /tmp/vgwt-reload.XXXXXX)
A_PID= B_PID=
FAILS=0
cleanup() {
	[ -n "$A_PID" ] && kill "$A_PID" 2>/dev/null
	[ -n "$B_PID" ] && kill "$B_PID" 2>/dev/null
	wait 2>/dev/null
	[ "$FAILS" != 0 ] && tail -n 30 "$W"/*.log
	rm -rf "$W"
}
trap cleanup EXIT
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }

conf() { # NAME IP AS PEER PEERAS MED PREFIXES...
	n=$1 ip=$2 as=$3 peer=$4 pas=$5 med=$6
	shift 6
	{
		echo "version: 1"
		echo "role: generic"
		echo "name: $n"
		echo "outside_address: $ip"
		echo "control_socket: $W/$n.sock"
		echo "bgp:"
		echo "  asn: $as"
		echo "  router_id: $ip"
		echo "  listen_port: 17900"
		echo "  announce: [$(echo "$@" | sed 's/ /, /g')]"
		echo "  neighbors:"
		echo "    - name: peer"
		echo "      address: $peer"
		echo "      local_address: $ip"
		echo "      remote_as: $pas"
		echo "      port: 17900"
		echo "      hold_time: 9"
		echo "      keepalive: 3"
		echo "      connect_retry: 1"
		echo "      med: $med"
	} > "$W/$n.yaml"
}
jget() { "$VGWCTL" show "$2" --socket "$W/$1.sock" --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print($3)" 2>/dev/null; }
wait_for() { n=$1; shift; while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.5; n=$((n - 1)); done; return 1; }
established() { [ "$(jget "$1" bgp "d['peers'][0]['state']")" = Established ]; }
has_route() { [ "$(jget b routes "[r['prefix'] for r in d['routes']].count('$1')")" = 1 ]; }
med_is() { [ "$(jget b routes "[p.get('med') for r in d['routes'] for p in r['paths'] if r['prefix']=='$1'][0]")" = "$2" ]; }

conf a 127.0.0.21 65021 127.0.0.22 65022 10 10.21.0.0/16
conf b 127.0.0.22 65022 127.0.0.21 65021 20 10.22.0.0/16
"$VGWD" -c "$W/a.yaml" --no-fib > "$W/a.log" 2>&1 & A_PID=$!
"$VGWD" -c "$W/b.yaml" --no-fib > "$W/b.log" 2>&1 & B_PID=$!
check "session established" wait_for 30 established a
check "b learns 10.21.0.0/16 with MED 10" wait_for 20 med_is 10.21.0.0/16 10
up0=$(jget a bgp "d['peers'][0]['established_count']")

conf a 127.0.0.21 65021 127.0.0.22 65022 30 10.21.0.0/16 10.121.0.0/16
kill -HUP "$A_PID"
check "b learns the added prefix after reload" wait_for 20 has_route 10.121.0.0/16
check "b sees the new MED" wait_for 20 med_is 10.21.0.0/16 30
check "the session was not reset by the reload" [ "$(jget a bgp "d['peers'][0]['established_count']")" = "$up0" ]
check "reload is logged with what changed" grep -q "reload: a: done" "$W/a.log"

echo "not: valid: [" > "$W/a.yaml"
check "vgwctl reload refuses a broken config (exit 1)" sh -c "'$VGWCTL' reload --socket '$W/a.sock' >/dev/null 2>&1; [ \$? = 1 ]"
check "the running config stays" established a
check "the refusal is logged" grep -q "keeping the running config" "$W/a.log"

kill -TERM "$A_PID"
wait "$A_PID"
check "vgwd exits 0 on SIGTERM" [ $? = 0 ]
A_PID=
check "the peer got a Cease" wait_for 10 grep -q "received NOTIFICATION Cease" "$W/b.log"
check "the control sockets are gone" [ ! -e "$W/a.sock" ] && [ ! -e "$W/a.sock.ro" ]
[ "$FAILS" = 0 ] && echo "all checks passed" && exit 0
echo "$FAILS check(s) failed"
exit 1
