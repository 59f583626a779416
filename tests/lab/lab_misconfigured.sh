#!/bin/sh
# The seed's "Important" note: connections without custom BGP addresses all
# use the instance's first APIPA address, so the BGP sessions of each
# instance's second tunnel never come up. The lab still comes up and shows
# precisely which sessions are stuck.
. "$(dirname "$0")/lib.sh"

out=$("$VGWCTL" lab up --fast --timeout 30 "$VGW_SOURCE_DIR/examples/misconfigured-no-custom-bgp.yaml" 2>&1)
rc=$?
echo "$out" | grep -E 'stuck|BGP|not converged' | head -30
check "lab up exits 1 (not converged)" [ "$rc" = 1 ]
check "lab reports what is stuck" sh -c "echo \"\$1\" | grep -q 'not converged'" - "$out"
check "tunnel-2 BGP sessions are reported stuck" sh -c "echo \"\$1\" | grep -E 'BGP .*(t2|Tunnel2).* is (Active|Connect|Idle|OpenSent)' -q" - "$out"
up=$(jq_node aws tunnels "sum(t['status'] == 'UP' for t in d['tunnels'])")
check "AWS shows the tunnel-1 pair UP and tunnel-2 pair DOWN (UP: $up)" [ "$up" = 2 ]
finish
