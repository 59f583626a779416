#!/bin/sh
# Failover benchmark: the traffic gap (longest run of lost pings, VNet host
# -> VPC host, one ping every 10 ms) when one tunnel dies and when a whole
# Azure instance dies, in the seed lab, with:
#   default  the clouds' default timers (AWS DPD 30 s / BGP 10/30;
#            Azure DPD 45 s / BGP 60/180, negotiated hold 30 s)
#   fast     vgw's fastest detection between vgw gateways (lab --fast:
#            DPD 1/3 s, BGP 1/3 s)
# Not a test: run as root, it takes a few minutes. Output: one table.
#   bench/failover/run.sh [default|fast ...]   (default: both)
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
VGWCTL=${VGWCTL:-$top/build/src/cli/vgwctl}
export VGWD=${VGWD:-$top/build/src/daemon/vgwd}
export VGW_LAB_DIR=${VGW_LAB_DIR:-/run/vgw-lab-bench}
[ -x "$VGWCTL" ] || { echo "build first: cmake -B build -G Ninja && ninja -C build" >&2; exit 2; }
modes=${*:-default fast}
results=$(mktemp)
trap '"$VGWCTL" lab down >/dev/null 2>&1; rm -f "$results"' EXIT

all_up() {
	"$VGWCTL" show tunnels --socket "$VGW_LAB_DIR/aws.sock" --json 2>/dev/null |
		python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if all(t['status']=='UP' for t in d['tunnels']) else 1)"
}

wait_up() {
	n=180
	while [ $n -gt 0 ] && ! all_up; do sleep 1; n=$((n - 1)); done
	"$VGWCTL" lab check >/dev/null 2>&1 || sleep 5
}

# measure MODE WHAT N SECONDS
measure() {
	"$VGWCTL" lab gap --seconds "$4" --interval 0.01 --json > "$results.gap" &
	gp=$!
	sleep 3
	"$VGWCTL" lab fail "$2" "$3" >/dev/null
	wait $gp
	gap=$(python3 -c "import json; d=json.load(open('$results.gap')); print(d['max_gap_ms'], d['lost'], d['sent'])")
	echo "$1 $2 $gap" >> "$results"
	"$VGWCTL" lab heal >/dev/null
	wait_up
}

for mode in $modes; do
	flag=""
	secs=75
	if [ "$mode" = fast ]; then flag=--fast; secs=15; fi
	echo "== $mode timers: lab up" >&2
	"$VGWCTL" lab up $flag --no-traffic --timeout 180 >/dev/null || { echo "lab did not converge" >&2; exit 1; }
	wait_up
	echo "== $mode: tunnel 1 dies" >&2
	measure "$mode" tunnel 1 "$secs"
	echo "== $mode: instance 0 dies" >&2
	measure "$mode" instance 0 "$secs"
	"$VGWCTL" lab down >/dev/null
done

printf '\n%-8s %-9s %12s %8s %8s\n' timers failure "gap (ms)" lost sent
while read -r mode what gap lost sent; do
	printf '%-8s %-9s %12s %8s %8s\n' "$mode" "$what" "$gap" "$lost" "$sent"
done < "$results"
cat <<'NOTE'

Clouds' documented figures: Azure active-standby failover 10-15 s planned,
1-3 min unplanned; AWS detects a dead peer by DPD after >= 30 s.
NOTE
