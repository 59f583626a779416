#!/bin/bash
# Interop (root only): two vgw dataplanes with static keys between network
# namespaces; ping and a 50 MB TCP transfer (IPv4 inside) plus ping and a
# 20 MB TCP transfer (IPv6 inside: TSO6 segmentation, IPv6 GRO) through the
# tunnel, each verified by SHA-256, for AES-256-GCM-16 and
# AES-256-CBC/HMAC-SHA2-256-128.
#
#   lh 10.1.0.2    -- 10.1.0.1 lg 192.0.2.1 ==== 192.0.2.2 rg 10.2.0.1 -- 10.2.0.2 rh
#      fd01::2/64  -- fd01::1                                  fd02::1 -- fd02::2
#                           vgw0 169.254.21.2/30 <-ESP-in-UDP-> vgw0 169.254.21.1/30
#
# usage: dp_netns.sh PATH/TO/io_dp_static      (exit 77 = skipped)
set -eu
DP=$1
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: io_dp_netns needs root (network namespaces, TUN)"
	exit 77
fi
for tool in ip python3 ping sha256sum; do
	command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
P=vgwt-io-$$
LH=$P-lh LG=$P-lg RG=$P-rg RH=$P-rh
W=$(mktemp -d)
PIDS="" SRV=""
cleanup() {
	for p in $SRV; do
		if [ -r /proc/$p/comm ] && grep -q python3 /proc/$p/comm; then kill $p 2>/dev/null || true; fi
	done
	for p in $PIDS; do
		if [ -r /proc/$p/comm ] && grep -q io_dp_static /proc/$p/comm; then
			kill $p 2>/dev/null || true
		fi
	done
	sleep 0.2
	for ns in $LH $LG $RG $RH; do ip netns del $ns 2>/dev/null || true; done
	rm -rf "$W"
}
trap cleanup EXIT
nsx() { local ns=$1; shift; ip netns exec $ns "$@"; }
fail() { echo "FAIL: $*"; for f in "$W"/*.log; do echo "== $f"; cat "$f"; done; exit 1; }

for ns in $LH $LG $RG $RH; do
	ip netns add $ns
	nsx $ns ip link set lo up
done
ip link add a0 netns $LH type veth peer name a1 netns $LG
ip link add b0 netns $LG type veth peer name b1 netns $RG
ip link add c0 netns $RG type veth peer name c1 netns $RH
nsx $LH ip addr add 10.1.0.2/24 dev a0
nsx $LG ip addr add 10.1.0.1/24 dev a1
nsx $LG ip addr add 192.0.2.1/24 dev b0
nsx $RG ip addr add 192.0.2.2/24 dev b1
nsx $RG ip addr add 10.2.0.1/24 dev c0
nsx $RH ip addr add 10.2.0.2/24 dev c1
nsx $LH ip link set a0 up; nsx $LG ip link set a1 up; nsx $LG ip link set b0 up
nsx $RG ip link set b1 up; nsx $RG ip link set c0 up; nsx $RH ip link set c1 up
nsx $LH ip route add default via 10.1.0.1
nsx $RH ip route add default via 10.2.0.1
nsx $LH ip addr add fd01::2/64 dev a0 nodad
nsx $LG ip addr add fd01::1/64 dev a1 nodad
nsx $RG ip addr add fd02::1/64 dev c0 nodad
nsx $RH ip addr add fd02::2/64 dev c1 nodad
nsx $LH ip -6 route add default via fd01::1
nsx $RH ip -6 route add default via fd02::1
nsx $LG sysctl -qw net.ipv6.conf.all.forwarding=1
nsx $RG sysctl -qw net.ipv6.conf.all.forwarding=1
nsx $LG sysctl -qw net.ipv4.ip_forward=1
nsx $RG sysctl -qw net.ipv4.ip_forward=1
head -c 52428800 /dev/urandom >$W/data.bin

# Without the tunnel there must be no path.
if nsx $LH ping -c 1 -W 1 10.2.0.2 >/dev/null 2>&1; then fail "reachable before tunnel"; fi

# xfer NAME ADDR BYTES: TCP from lh to rh, verified end to end by SHA-256.
xfer() {
	local name=$1 addr=$2 bytes=$3
	ip netns exec $RH python3 -c '
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], 5999)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 20)
    if not b: break
    h.update(b); n += len(b)
open(sys.argv[1], "w").write("%d %s" % (n, h.hexdigest()))
' $W/rx-$name.txt $addr &
	local srv=$!
	SRV="$SRV $srv"
	sleep 0.2
	head -c $bytes $W/data.bin >$W/tx-$name.bin
	nsx $LH python3 -c '
import socket, sys, time
for i in range(100):  # the server may still be starting on a busy box
    try:
        s = socket.create_connection((sys.argv[2], 5999), timeout=30)
        break
    except ConnectionRefusedError:
        time.sleep(0.1)
s.sendall(open(sys.argv[1], "rb").read()); s.close()
' $W/tx-$name.bin $addr || fail "$name: TCP send"
	wait $srv || fail "$name: TCP receive"
	local want got
	want="$bytes $(sha256sum $W/tx-$name.bin | cut -d' ' -f1)"
	got=$(cat $W/rx-$name.txt)
	[ "$got" = "$want" ] || fail "$name: received '$got', want '$want'"
}

run_suite() {
	local suite=$1 klen=$2
	local k1 k2
	k1=$(head -c $klen /dev/urandom | od -An -tx1 | tr -d ' \n')
	k2=$(head -c $klen /dev/urandom | od -An -tx1 | tr -d ' \n')
	ip netns exec $LG "$DP" --local 192.0.2.1 --remote 192.0.2.2 --ifname vgw0 \
		--inside 169.254.21.2/30 --peer 169.254.21.1 --spi-in 0xb0000001 \
		--spi-out 0xa0000001 --key-in $k2 --key-out $k1 --suite $suite \
		>$W/lg.json 2>$W/lg-$suite.log &
	local p1=$!
	ip netns exec $RG "$DP" --local 192.0.2.2 --remote 192.0.2.1 --ifname vgw0 \
		--inside 169.254.21.1/30 --peer 169.254.21.2 --spi-in 0xa0000001 \
		--spi-out 0xb0000001 --key-in $k1 --key-out $k2 --suite $suite \
		>$W/rg.json 2>$W/rg-$suite.log &
	local p2=$!
	PIDS="$PIDS $p1 $p2"
	for _ in $(seq 50); do
		nsx $LG ip link show vgw0 >/dev/null 2>&1 && nsx $RG ip link show vgw0 >/dev/null 2>&1 && break
		sleep 0.1
	done
	nsx $LG ip route replace 10.2.0.0/24 dev vgw0
	nsx $RG ip route replace 10.1.0.0/24 dev vgw0
	nsx $LH ping -c 3 -i 0.2 -W 2 10.2.0.2 >/dev/null || fail "$suite: ping"
	nsx $LG ping -c 2 -i 0.2 -W 2 169.254.21.1 >/dev/null || fail "$suite: inside ping"
	xfer $suite 10.2.0.2 52428800
	nsx $LG ip -6 route replace fd02::/64 dev vgw0
	nsx $RG ip -6 route replace fd01::/64 dev vgw0
	nsx $LH ping -6 -c 3 -i 0.2 -W 2 fd02::2 >/dev/null || fail "$suite: ping -6"
	xfer $suite-v6 fd02::2 20971520
	kill $p1 $p2; wait $p1 $p2 2>/dev/null || true
	python3 - $W/lg.json $W/rg.json <<'PY' || fail "$suite: stats"
import json, sys
for f in sys.argv[1:]:
    t = json.load(open(f))["tunnels"][0]
    assert t["rx_packets"] > 0 and t["tx_packets"] > 0, t
    assert t["drops"]["icv-fail"] == 0 and t["drops"]["replay"] == 0, t
PY
	echo "ok: $suite ping + 50 MB TCP (IPv4), ping + 20 MB TCP (IPv6)"
}
run_suite aes256gcm16 36
run_suite aes256-sha256 64
echo PASS
