#!/bin/sh
# The seed topology end to end, with fast failure detection:
#
#   vnet1 host 10.1.0.4 -- fabric -- azure0 ==t1,t2== +           + -- vpc1 host
#                                \-- azure1 ==t3,t4== +-- aws ----+    10.2.0.10
#   (Azure: ECMP over its tunnels; AWS: one preferred path; "==" IPsec + BGP)
#
# Asserts: the lab converges (4 tunnels, every BGP session), each side
# learns the other's prefix over the expected paths, traffic flows both
# ways; cutting tunnel 1 and then killing instance 0 keeps traffic flowing
# (the measured loss is reported); heal brings all four back; lab down
# leaves no namespace or process behind.
. "$(dirname "$0")/lib.sh"

out=$("$VGWCTL" lab up --fast --timeout 90 2>&1)
rc=$?
echo "$out" | tail -n 45
check "lab up exits 0 (converged, traffic both ways)" [ "$rc" = 0 ]
check "Azure connections page shows Connected" sh -c "echo \"\$1\" | grep -q 'AWSTunnel1toAzureInstance0  *Connected'" - "$out"
check "AWS tunnel details show 1 BGP ROUTES" sh -c "echo \"\$1\" | grep -q '1 BGP ROUTES'" - "$out"

# Azure instance 0: 10.2.0.0/16 over both of its tunnels (ECMP).
n=$(jq_node azure0 routes "[len([p for p in r['paths'] if p['best'] or p['multipath']]) for r in d['routes'] if r['prefix']=='10.2.0.0/16'][0]")
check "azure0 uses 2 equal paths to 10.2.0.0/16 (got $n)" [ "$n" = 2 ]
# AWS: 10.1.0.0/16 learned over 4 sessions, one preferred path.
aws_paths() { jq_node aws routes "[len(r['paths']) for r in d['routes'] if r['prefix']=='10.1.0.0/16'][0]"; }
aws_has_4_paths() { [ "$(aws_paths)" = 4 ]; }
check "aws learns 10.1.0.0/16 over 4 paths (got $(aws_paths))" wait_for 15 aws_has_4_paths
n=$(jq_node aws routes "[len([p for p in r['paths'] if p['best'] or p['multipath']]) for r in d['routes'] if r['prefix']=='10.1.0.0/16'][0]")
check "aws prefers exactly one path (got $n)" [ "$n" = 1 ]
# The VNet fabric follows the instances: ECMP over both.
nh=$("$VGWCTL" lab exec vnet1 -- ip route show 10.2.0.0/16 | grep -c nexthop)
check "VNet host routes VPC1 over both instances (got $nh)" [ "$nh" = 2 ]
check "VPC host has a route to VNet1 (propagation on)" sh -c "'$VGWCTL' lab exec vpc1 -- ip route show 10.1.0.0/16 | grep -q via"

# One tunnel dies: traffic keeps flowing.
"$VGWCTL" lab gap --seconds 12 --json > "$VGW_LAB_DIR/gap-tunnel.json" &
gp=$!
sleep 2
"$VGWCTL" lab fail tunnel 1
wait $gp
echo "gap when tunnel 1 died: $(cat "$VGW_LAB_DIR/gap-tunnel.json")"
tunnel1_down() { [ "$(jq_node aws tunnels "d['tunnels'][0]['status']")" = DOWN ]; }
check "tunnel 1 reported DOWN by AWS" wait_for 10 tunnel1_down
check "traffic flows with tunnel 1 down" "$VGWCTL" lab check
"$VGWCTL" lab heal
check "all 4 tunnels back after heal" wait_for 90 all_tunnels_up

# A whole Azure instance dies: traffic keeps flowing over the other.
"$VGWCTL" lab gap --seconds 15 --json > "$VGW_LAB_DIR/gap-instance.json" &
gp=$!
sleep 2
"$VGWCTL" lab fail instance 0
wait $gp
echo "gap when instance 0 died: $(cat "$VGW_LAB_DIR/gap-instance.json")"
check "traffic flows with instance 0 dead" wait_for 20 "$VGWCTL" lab check
"$VGWCTL" lab heal
check "all 4 tunnels back after instance 0 heals" wait_for 90 all_tunnels_up
check "traffic after heal" wait_for 20 "$VGWCTL" lab check

"$VGWCTL" lab down
check "lab down leaves no namespace" sh -c "! ip netns list | grep -q '^vgwlab-'"
no_lab_vgwd() { ! pgrep -f "vgwd -c $VGW_LAB_DIR" >/dev/null; }
check "lab down leaves no vgwd of this lab" no_lab_vgwd
finish
