#!/bin/bash
# Dataplane benchmark (run as root; NOT a ctest).
#
#   lhost 10.1.0.2 --- 10.1.0.1 lgw 198.51.100.1 === 198.51.100.2 rgw 10.2.0.1 --- 10.2.0.2 rhost
#   (namespaces vgwb-lh, vgwb-lg, vgwb-rg, vgwb-rh; veth everywhere)
#
# Measures, in one run, iperf3 TCP 1 stream, TCP 4 streams and UDP at a fixed
# rate (1300-byte datagrams) from lhost to rhost over:
#   plain   routed, no tunnel (upper bound of the box)
#   vgw     vgwd <-> vgwd (IKEv2 + PSK), AES-256-GCM-16 ESP-in-UDP/4500
#           (VGW_MODE=static: the static-key driver vgw-dp-static instead)
#   libipsec strongSwan charon + kernel-libipsec on both gateways (PSK,
#           aes256gcm16, configs as in shared/reference/strongswan-libipsec-notes.md)
# plus `openssl speed -evp aes-256-gcm` at 1 KiB and 8 KiB, and prints a table
# with ratios. Everything shares the machine's cores.
#
# usage: run.sh [-t SECONDS] [-r RUNS] [-u UDP_RATE] [-o OUTDIR] [-s SKIP(plain,vgw,ss,speed)]
# VGW_DP_ARGS="--crypto-threads 0" run.sh ... passes options to vgw-dp-static
# (default: 1 crypto helper thread per gateway).
# VGWD / VGWCTL name the binaries (default build/src/...); without a built
# vgwd the script falls back to VGW_MODE=static.
# PERF=1 run.sh ... also records `perf record -a` during the first TCP 1-stream
# run of each tunnel and writes OUTDIR/perf-<path>.txt.
set -euo pipefail

SECS=10 RUNS=1 UDPRATE=300M OUT="" SKIP=""
while getopts "t:r:u:o:s:" opt; do
	case $opt in
	t) SECS=$OPTARG ;; r) RUNS=$OPTARG ;; u) UDPRATE=$OPTARG ;;
	o) OUT=$OPTARG ;; s) SKIP=$OPTARG ;; *) sed -n 2,20p "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 2; }

SRC=$(cd "$(dirname "$0")/../.." && pwd)
VGWD=${VGWD:-$SRC/build/src/daemon/vgwd}
VGWCTL=${VGWCTL:-$SRC/build/src/cli/vgwctl}
# The product by default; the static-key driver when vgwd is not built.
VGW_MODE=${VGW_MODE:-vgwd}
[ "$VGW_MODE" = vgwd ] && [ ! -x "$VGWD" ] && VGW_MODE=static
P=vgwb
LH=$P-lh LG=$P-lg RG=$P-rg RH=$P-rh
W=$(mktemp -d /tmp/vgwb.XXXXXX)
OUT=${OUT:-$W/results}
mkdir -p "$OUT"
PIDS=()

log() { echo "[$(date +%T)] $*" >&2; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Kill only processes we started, and only if they still are what we ran.
stop_pid() {
	local pid=$1 comm=$2
	if [ -r /proc/$pid/comm ] && [ "$(cat /proc/$pid/comm)" = "$comm" ]; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do [ -e /proc/$pid ] || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
}
teardown() {
	for pc in "${PIDS[@]:-}"; do [ -n "$pc" ] && stop_pid ${pc%%:*} ${pc#*:}; done
	PIDS=()
	for ns in $LH $LG $RG $RH; do ip netns del $ns 2>/dev/null || true; done
}
trap 'teardown; log "results in $OUT"' EXIT
trap 'exit 130' INT TERM

build() {
	local bin=$W/vgw-dp-static
	log "building vgw-dp-static (-O2)"
	cc -std=c11 -O2 -g -D_GNU_SOURCE ${VGW_DP_CFLAGS:-} -Wall -Wextra -I"$SRC/src" -o "$bin" \
		"$SRC/bench/dataplane/vgw-dp-static.c" \
		"$SRC"/src/io/{csum,vnet,demux,mss,seg,gro,tun,link,udp,cpool,dataplane,dp_tx,dp_rx,dp_stats}.c \
		"$SRC"/src/esp/{sa,replay}.c "$SRC"/src/crypto/{cipher,secret}.c \
		"$SRC"/src/base/{cursor,clock,log,loop,addr}.c \
		-lcrypto -lmnl -ljson-c -lpthread
	DPBIN=$bin
}

topology() {
	teardown
	for ns in $LH $LG $RG $RH; do
		ip netns add $ns
		nsx $ns ip link set lo up
		nsx $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add lh0 netns $LH type veth peer name lg0 netns $LG
	ip link add lg1 netns $LG type veth peer name rg1 netns $RG
	ip link add rg0 netns $RG type veth peer name rh0 netns $RH
	nsx $LH ip addr add 10.1.0.2/24 dev lh0; nsx $LH ip link set lh0 up
	nsx $LG ip addr add 10.1.0.1/24 dev lg0; nsx $LG ip link set lg0 up
	nsx $LG ip addr add 198.51.100.1/24 dev lg1; nsx $LG ip link set lg1 up
	nsx $RG ip addr add 198.51.100.2/24 dev rg1; nsx $RG ip link set rg1 up
	nsx $RG ip addr add 10.2.0.1/24 dev rg0; nsx $RG ip link set rg0 up
	nsx $RH ip addr add 10.2.0.2/24 dev rh0; nsx $RH ip link set rh0 up
	nsx $LH ip route add default via 10.1.0.1
	nsx $RH ip route add default via 10.2.0.1
	nsx $LG sysctl -qw net.ipv4.ip_forward=1
	nsx $RG sysctl -qw net.ipv4.ip_forward=1
	nsx $RH iperf3 -s -D -I $W/iperf3.pid >/dev/null
	sleep 0.5
	PIDS+=("$(cat $W/iperf3.pid):iperf3")
}

plain_routes() { # add|del
	nsx $LG ip route $1 10.2.0.0/24 via 198.51.100.2
	nsx $RG ip route $1 10.1.0.0/24 via 198.51.100.1
}

reachable() { nsx $LH ping -c 2 -W 1 -i 0.2 10.2.0.2 >/dev/null 2>&1; }

# iperf3 -J output -> "mbps retransmits" (TCP) or "mbps loss%" (UDP)
summ() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["end"]
if "sum_received" in e:
    r = e["sum_received"]; s = e.get("sum_sent", {})
    print("%.0f %d" % (r["bits_per_second"] / 1e6, s.get("retransmits", 0)))
else:
    s = e["sum"]
    print("%.0f %.2f" % (s["bits_per_second"] / 1e6, s.get("lost_percent", 0.0)))
PY
}

cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }

# run_tests NAME ROUND [pid pid] : the three iperf3 tests once
run_tests() {
	local name=$1 r=$2; shift 2
	local t
	for t in tcp1 tcp4 udp; do
		local f=$OUT/$name-$t-$r.json args
		case $t in
		tcp1) args="" ;; tcp4) args="-P 4" ;;
		udp) args="-u -b $UDPRATE -l 1300" ;;
		esac
		local c0=() p
		for p in "$@"; do c0+=("$(cpu_ticks $p)"); done
		local perfpid=""
		if [ -n "${PERF:-}" ] && [ "$t" = tcp1 ] && [ "$r" = 1 ] && [ $# -gt 0 ]; then
			# Profile the whole box (-a): gateways, iperf3 and kernel.
			perf record -a -q -o "$OUT/perf-$name.data" -- sleep $((SECS - 1)) >/dev/null 2>&1 &
			perfpid=$!
		fi
		nsx $LH iperf3 -c 10.2.0.2 -t "$SECS" -J $args >"$f" || true
		if [ -n "$perfpid" ]; then
			wait $perfpid || true
			{ perf report -i "$OUT/perf-$name.data" --sort comm --stdio 2>/dev/null |
				grep -v '^#' | grep -v '^$' | head -25
			  perf report -i "$OUT/perf-$name.data" --sort comm,dso,sym --stdio 2>/dev/null |
				grep -v '^#' | grep -v '^$' | head -60; } >"$OUT/perf-$name.txt" || true
		fi
		local cpu="" i=0
		for p in "$@"; do
			cpu+="$(( ($(cpu_ticks $p) - ${c0[$i]}) * 100 / $(getconf CLK_TCK) / SECS ))% "
			i=$((i + 1))
		done
		local res; res=$(summ "$f" 2>/dev/null || echo "0 0")
		echo "$name $t $r $res $cpu" >>"$OUT/raw.txt"
		log "$name $t run $r: $res (cpu ${cpu:-n/a})"
	done
}

KEY_LR=$(printf '11%.0s' $(seq 36)) KEY_RL=$(printf '22%.0s' $(seq 36))
start_vgw() {
	local ns=$1 local=$2 remote=$3 inside=$4 peer=$5 spi_in=$6 spi_out=$7 kin=$8 kout=$9
	ip netns exec $ns "$DPBIN" --local $local --remote $remote --ifname vgw0 \
		--inside $inside --peer $peer --spi-in $spi_in --spi-out $spi_out \
		--key-in $kin --key-out $kout --mtu 1400 ${VGW_DP_ARGS:-} \
		>"$OUT/vgw-$ns.stats.json" 2>"$OUT/vgw-$ns.log" &
	PIDS+=("$!:vgw-dp-static")
	VGWPIDS+=("$!")
}

bench_vgw() {
	VGWPIDS=()
	start_vgw $LG 198.51.100.1 198.51.100.2 169.254.21.2/30 169.254.21.1 0x2000 0x1000 $KEY_RL $KEY_LR
	start_vgw $RG 198.51.100.2 198.51.100.1 169.254.21.1/30 169.254.21.2 0x1000 0x2000 $KEY_LR $KEY_RL
	for _ in $(seq 50); do
		nsx $LG ip link show vgw0 >/dev/null 2>&1 && nsx $RG ip link show vgw0 >/dev/null 2>&1 && break
		sleep 0.1
	done
	nsx $LG ip route add 10.2.0.0/24 dev vgw0
	nsx $RG ip route add 10.1.0.0/24 dev vgw0
	reachable || { log "vgw: no ping through the tunnel"; cat "$OUT"/vgw-*.log >&2; return 1; }
	run_tests vgw $1 "${VGWPIDS[@]}"
	for p in "${VGWPIDS[@]}"; do stop_pid $p vgw-dp-static; done
	sleep 0.3
}

# vgwd on each gateway: one route-based tunnel, IKEv2 + PSK, the same suite.
vgwd_conf() { # ns name local remote inside peer initiation
	cat >"$W/$2.yaml" <<-EOF
	version: 1
	role: generic
	name: $2
	outside_address: $3
	control_socket: $W/$2.sock
	log_level: warning
	tunnels:
	  - name: t1
	    ifname: vgw0
	    remote_outside: $4
	    inside_address: $5
	    inside_peer: $6
	    psk: bench.psk.not.secret.0123456789
	    ike_proposals: [aes256gcm16-prfsha256-x25519]
	    esp_proposals: [aes256gcm16]
	    initiation: $7
	    mss_clamp: 0
	bgp: null
	EOF
	chmod 600 "$W/$2.yaml"
	ip netns exec $1 "$VGWD" -c "$W/$2.yaml" >"$OUT/vgwd-$2.log" 2>&1 &
	PIDS+=("$!:vgwd")
	VGWPIDS+=("$!")
}

vgwd_tunnel_up() {
	"$VGWCTL" show connections --socket "$W/$1.sock" --json 2>/dev/null |
		grep -q '"Connected"'
}

bench_vgwd() {
	VGWPIDS=()
	vgwd_conf $RG right 198.51.100.2 198.51.100.1 169.254.21.1/30 169.254.21.2 add
	vgwd_conf $LG left 198.51.100.1 198.51.100.2 169.254.21.2/30 169.254.21.1 start
	for _ in $(seq 100); do
		vgwd_tunnel_up left && vgwd_tunnel_up right && break
		sleep 0.1
	done
	nsx $LG ip route add 10.2.0.0/24 dev vgw0
	nsx $RG ip route add 10.1.0.0/24 dev vgw0
	reachable || { log "vgwd: no ping through the tunnel"; cat "$OUT"/vgwd-*.log >&2; return 1; }
	run_tests vgw $1 "${VGWPIDS[@]}"
	for p in "${VGWPIDS[@]}"; do stop_pid $p vgwd; done
	sleep 0.3
}

ss_conf() { # side local remote local_ts remote_ts id rid
	local d=$W/$1
	mkdir -p $d/run
	cat >$d/strongswan.conf <<EOC
charon {
    load_modular = no
    load = random nonce openssl aesni gcm aes sha1 sha2 hmac kdf curve25519 gmp pem pkcs1 pubkey x509 kernel-libipsec kernel-netlink socket-default vici updown
    install_routes = yes
    install_virtual_ip = no
    retransmit_tries = 3
    plugins {
        vici { socket = unix://$d/run/charon.vici }
        kernel-libipsec { allow_peer_ts = no }
    }
    filelog { charon { path = $d/charon.log
                       time_format = %H:%M:%S
                       default = 1
                       flush_line = yes } }
}
swanctl { socket = unix://$d/run/charon.vici }
EOC
	cat >$d/swanctl.conf <<EOC
connections {
    anchor {
        version = 2
        local_addrs = $2
        remote_addrs = $3
        proposals = aes256gcm16-prfsha256-x25519
        encap = yes
        mobike = no
        dpd_delay = 0
        rekey_time = 0
        reauth_time = 0
        local { auth = psk
                id = $6 }
        remote { auth = psk
                 id = $7 }
        children {
            net {
                mode = tunnel
                local_ts = $4
                remote_ts = $5
                esp_proposals = aes256gcm16
                rekey_time = 0
                life_time = 0
                rekey_bytes = 0
                rekey_packets = 0
                start_action = none
                close_action = none
                dpd_action = none
            }
        }
    }
}
secrets { ike-anchor { id-1 = left.anchor.test
                       id-2 = right.anchor.test
                       secret = "anchor-benchmark-psk-not-secret-0123456789" } }
EOC
}

start_charon() { # ns side
	local d=$W/$2
	rm -f $d/run/charon.vici $d/run/charon.pid
	ip netns exec $1 env STRONGSWAN_CONF=$d/strongswan.conf \
		sh -c "mount --bind $d/run /run && exec /usr/lib/ipsec/charon" \
		>$d/stdout.log 2>&1 &
	PIDS+=("$!:charon")
	SSPIDS+=("$!")
	for _ in $(seq 100); do [ -S $d/run/charon.vici ] && break; sleep 0.1; done
	for _ in $(seq 20); do
		nsx $1 swanctl --load-all --uri unix://$d/run/charon.vici --file $d/swanctl.conf \
			>$d/swanctl-load.log 2>&1 && return 0
		sleep 0.2
	done
	log "swanctl --load-all failed on $2"; return 1
}

bench_ss() {
	SSPIDS=()
	ss_conf left 198.51.100.1 198.51.100.2 10.1.0.0/24 10.2.0.0/24 left.anchor.test right.anchor.test
	ss_conf right 198.51.100.2 198.51.100.1 10.2.0.0/24 10.1.0.0/24 right.anchor.test left.anchor.test
	start_charon $LG left
	start_charon $RG right
	nsx $LG swanctl --initiate --child net --uri unix://$W/left/run/charon.vici >"$OUT/ss-initiate.log" 2>&1 || true
	for _ in $(seq 50); do reachable && break; sleep 0.2; done
	reachable || { log "libipsec: no ping through the tunnel"; return 1; }
	run_tests ss $1 "${SSPIDS[@]}"
	for p in "${SSPIDS[@]}"; do stop_pid $p charon; done
	sleep 0.3
}

bench_speed() {
	for b in 1024 8192; do
		local v
		v=$(openssl speed -mr -seconds 3 -bytes $b -evp aes-256-gcm 2>/dev/null |
			awk -F: '/^\+F:/ {print $4}')
		echo "speed aes256gcm-$b 1 $(python3 -c "print('%.0f' % ($v*8/1e6))") 0" >>"$OUT/raw.txt"
		log "openssl speed aes-256-gcm $b B: $v B/s"
	done
}

report() {
	python3 - "$OUT/raw.txt" "$SECS" "$RUNS" <<'PY'
import sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault((f[0], f[1]), []).append((float(f[3]), f[4], " ".join(f[5:])))
def med(k):
    v = rows.get(k)
    return st.median(x[0] for x in v) if v else None
print("\nvgw dataplane benchmark: %s s x %s run(s), Mbit/s received (median)" % (sys.argv[2], sys.argv[3]))
print("%-9s %10s %10s %10s %12s" % ("path", "tcp1", "tcp4", "udp", "tcp1 extra"))
for p in ("plain", "vgw", "ss"):
    if (p, "tcp1") not in rows: continue
    x = rows[(p, "tcp1")][0]
    print("%-9s %10.0f %10.0f %10.0f   retr=%s cpu=%s" % (
        {"ss": "libipsec"}.get(p, p), med((p, "tcp1")) or 0, med((p, "tcp4")) or 0,
        med((p, "udp")) or 0, x[1], x[2]))
for k in (("speed", "aes256gcm-1024"), ("speed", "aes256gcm-8192")):
    if k in rows: print("openssl %s: %.0f Mbit/s (one core)" % (k[1], med(k)))
def ratio(a, b, t):
    if med((a, t)) and med((b, t)): print("%s/%s %s: %.1fx (ratio of medians)" % (a, b, t, med((a, t)) / med((b, t))))
def round_ratios(a, b, t):
    ra = {int(l.split()[2]): float(l.split()[3]) for l in open(sys.argv[1]) if l.split()[:2] == [a, t]}
    rb = {int(l.split()[2]): float(l.split()[3]) for l in open(sys.argv[1]) if l.split()[:2] == [b, t]}
    rs = [ra[k] / rb[k] for k in sorted(ra) if k in rb and rb[k] > 0]
    if rs: print("%s/%s %s per round: %s -> median %.1fx" % (a, b, t, " ".join("%.1f" % x for x in rs), st.median(rs)))
for t in ("tcp1", "tcp4", "udp"):
    ratio("vgw", "ss", t)
    round_ratios("vgw", "ss", t)
for t in ("tcp1", "tcp4"):
    ratio("vgw", "plain", t)
if med(("vgw", "tcp1")) and med(("speed", "aes256gcm-1024")):
    print("vgw tcp1 / aes-256-gcm@1KiB one core: %.2f" % (med(("vgw", "tcp1")) / med(("speed", "aes256gcm-1024"))))
PY
}

skip() { [[ ",$SKIP," == *",$1,"* ]]; }

: >"$OUT/raw.txt"
build
topology
# Rounds interleave the paths, so each round compares them under the same
# background load (the box is shared); the report gives medians over rounds
# and the median of the per-round vgw/libipsec ratios.
for round in $(seq "$RUNS"); do
	if ! skip plain; then
		plain_routes add
		reachable || { log "plain path broken"; exit 1; }
		run_tests plain $round
		plain_routes del
	fi
	reachable && { log "still reachable without a tunnel: refusing to measure clear text"; exit 1; }
	if [ "$VGW_MODE" = vgwd ]; then
		skip vgw || bench_vgwd $round
	else
		skip vgw || bench_vgw $round
	fi
	skip ss || bench_ss $round
done
skip speed || bench_speed
report | tee "$OUT/report.txt"
