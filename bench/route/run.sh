#!/bin/sh
# Route installation benchmark: vgw (src/route) vs BIRD 2 kernel export.
#
#   netns vgwt-rbench-<pid>-vgw   route_bench installs N /24s via va0/va1
#   netns vgwt-rbench-<pid>-bird  bird -f exports N static /24s (kernel proto)
#   each: va0 192.0.2.1/24 <-veth-> vb0, va1 198.51.100.1/24 <-veth-> vb1
#
# Both use the same prefixes (32.0.0.0/24 + i) and the same gateway, and
# run one after the other so they do not compete for the RTNL lock.
#
# Usage: bench/route/run.sh [-n routes] [-b batch] [-e] [-o] [-6] [-B]
#   -e  vgw installs 2-way ECMP routes first   -o  kernel nexthop objects
#   -6  vgw installs IPv6 /48s (BIRD stays IPv4)   -B  skip BIRD
# Needs root and a build with the route_bench target; BUILD=<build dir>
# (default: build-route next to this repository's top).
set -eu

N=1000000
BATCH=0
ECMP=""
NHOBJ=""
V6=""
BIRD=1
while getopts "n:b:eo6B" o; do
	case $o in
	n) N=$OPTARG ;;
	b) BATCH=$OPTARG ;;
	e) ECMP=-e ;;
	o) NHOBJ=-o ;;
	6) V6=-6 ;;
	B) BIRD=0 ;;
	*) echo "usage: $0 [-n routes] [-b batch] [-e] [-o] [-6] [-B]" >&2; exit 2 ;;
	esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$TOP/build-route}
BENCH=$BUILD/tests/route/route_bench
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root" >&2; exit 1; }
[ -x "$BENCH" ] || { echo "run.sh: build route_bench first ($BENCH)" >&2; exit 1; }

P="vgwt-rbench-$$"
TMP=$(mktemp -d /tmp/vgwt-rbench.XXXXXX)
BIRDPID=""
cleanup() {
	[ -n "$BIRDPID" ] && kill "$BIRDPID" 2>/dev/null && wait "$BIRDPID" 2>/dev/null
	ip netns del "$P-vgw" 2>/dev/null || true
	ip netns del "$P-bird" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM HUP

make_ns() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip -n "$1" link add va0 type veth peer name vb0
	ip -n "$1" link add va1 type veth peer name vb1
	ip -n "$1" addr add 192.0.2.1/24 dev va0
	ip -n "$1" addr add 198.51.100.1/24 dev va1
	ip -n "$1" addr add fd00::1/64 dev va0 nodad
	ip -n "$1" addr add fd00:1::1/64 dev va1 nodad
	for l in va0 vb0 va1 vb1; do ip -n "$1" link set "$l" up; done
}

slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

echo "== vgw src/route: $N ${V6:+IPv6 }routes ${ECMP:+ECMP-first} ${NHOBJ:+nexthop-objects} batch $BATCH (0: default)"
make_ns "$P-vgw"
ip netns exec "$P-vgw" "$BENCH" -n "$N" -b "$BATCH" $ECMP $NHOBJ $V6 | tee "$TMP/vgw.out"
ip netns del "$P-vgw"

[ "$BIRD" -eq 1 ] || exit 0
command -v bird >/dev/null 2>&1 || { echo "bird not installed: skipped"; exit 0; }

echo "== BIRD $(bird --version 2>&1 | awk '{ print $NF }'): $N static routes, kernel export"
make_ns "$P-bird"
# Config after /work/shared/reference/bgp-peers/bird.conf: no BGP, a static
# protocol with N routes from an include file, exported to the kernel.
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		a = 32 + int(i / 65536); b = int(i / 256) % 256; c = i % 256;
		printf "route %d.%d.%d.0/24 via 192.0.2.2;\n", a, b, c;
	}
}' > "$TMP/routes.conf"
cat > "$TMP/bird.conf" <<EOF
log "$TMP/bird.log" { warning, error, fatal, bug };
router id 192.0.2.1;
protocol device { }
protocol static static4 {
	ipv4;
	include "$TMP/routes.conf";
}
protocol kernel kernel4 {
	ipv4 { export all; };
}
EOF
S0=$(slab_kb)
T0=$(date +%s.%N)
ip netns exec "$P-bird" bird -f -c "$TMP/bird.conf" -s "$TMP/bird.ctl" &
BIRDPID=$!
# BIRD exports to the kernel synchronously (one request/ACK per route), so
# its "exported" count is what the kernel holds; confirmed with ip below.
while :; do
	sleep 0.2
	E=$(birdc -s "$TMP/bird.ctl" show protocols all kernel4 2>/dev/null |
		awk '/Routes:/ { print $4; exit }')
	[ "${E:-0}" -ge "$N" ] && break
	kill -0 "$BIRDPID" 2>/dev/null || { echo "bird died"; cat "$TMP/bird.log"; exit 1; }
done
T1=$(date +%s.%N)
S1=$(slab_kb)
K=$(ip -n "$P-bird" route show proto bird | wc -l)
awk -v t0="$T0" -v t1="$T1" -v n="$N" -v k="$K" -v s="$((S1 - S0))" 'BEGIN {
	printf "install  %8d routes %8.3f s %10.0f routes/s (start to all exported; kernel has %d)\n",
	       n, t1 - t0, n / (t1 - t0), k;
	printf "kernel memory after install: Slab %+d KiB (%.0f bytes/route; incl. BIRD startup)\n", s, s * 1024 / n;
}' | tee "$TMP/bird.out"

V=$(awk '/^install/ { print $4 }' "$TMP/vgw.out")
B=$(awk '/^install/ { print $4 }' "$TMP/bird.out")
awk -v v="$V" -v b="$B" 'BEGIN { printf "== install time ratio BIRD/vgw: %.1fx\n", b / v }'
