#!/bin/sh
# Runs a src/route test binary inside a private network namespace.
#
#   netns vgwt-route-<pid>
#   +-------------------------------------------------------------+
#   |  va0 192.0.2.1/24  fd00:0::1/64  <-veth->  vb0 192.0.2.2/24 |
#   |  va1 198.51.100.1/24 fd00:1::1/64 <-veth-> vb1 198.51.100.2 |
#   +-------------------------------------------------------------+
#
# Usage: route_interop.sh <test binary> [args...]
# Exit 77 (ctest SKIP_RETURN_CODE) when not root or netns is unavailable.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: route interop test needs root (network namespaces)"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
	echo "SKIP: ip(8) not found"
	exit 77
fi

NS="vgwt-route-$$"
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT INT TERM HUP

if ! ip netns add "$NS"; then
	echo "SKIP: cannot create network namespace"
	exit 77
fi
nsx() { ip netns exec "$NS" "$@"; }

nsx ip link set lo up
nsx ip link add va0 type veth peer name vb0
nsx ip link add va1 type veth peer name vb1
nsx ip addr add 192.0.2.1/24 dev va0
nsx ip addr add 198.51.100.1/24 dev va1
nsx ip addr add fd00:0::1/64 dev va0 nodad
nsx ip addr add fd00:1::1/64 dev va1 nodad
nsx ip addr add 192.0.2.2/24 dev vb0
nsx ip addr add 198.51.100.2/24 dev vb1
for l in va0 vb0 va1 vb1; do nsx ip link set "$l" up; done

# Not exec: the trap must run after the test.
rc=0
nsx "$@" || rc=$?
exit $rc
