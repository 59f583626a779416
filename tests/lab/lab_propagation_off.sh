#!/bin/sh
# The seed with route propagation off on the VGW (the seed's AWS step
# skipped): the tunnels and BGP still come up, but VPC1's route table never
# gets a route to VNet1, so VPC1 -> VNet1 traffic fails, and the lab says why.
. "$(dirname "$0")/lib.sh"

mkdir -p "$VGW_LAB_DIR"
topo="$VGW_LAB_DIR/no-propagation.yaml"
sed 's/route_propagation: true/route_propagation: false/' \
	"$VGW_SOURCE_DIR/examples/aws-azure.yaml" > "$topo"
out=$("$VGWCTL" lab up --fast --timeout 90 "$topo" 2>&1)
rc=$?
echo "$out" | tail -n 20
check "lab up exits 1 (traffic cannot flow)" [ "$rc" = 1 ]
check "lab says route propagation is off" sh -c "echo \"\$1\" | grep -q 'route propagation is off'" - "$out"
check "tunnels and BGP still converged" sh -c "echo \"\$1\" | grep -q 'not converged'; [ \$? = 1 ]" - "$out"
check "VPC host has no route to VNet1" sh -c "! '$VGWCTL' lab exec vpc1 -- ip route show 10.1.0.0/16 | grep -q ."
check "VPC1 -> VNet1 ping fails" sh -c "! '$VGWCTL' lab exec vpc1 -- ping -c 2 -W 1 10.1.0.4 >/dev/null"
finish
