#!/bin/sh
# Installs every Debian package that vgw's build, tests, lab and benchmarks
# need. Idempotent and non-interactive; safe to run again.
set -eu

PACKAGES="
build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
libssl-dev libyaml-dev libmnl-dev libjson-c-dev libcmocka-dev
iproute2 iputils-ping procps psmisc kmod tcpdump iperf3 python3 jq bc
strongswan-charon strongswan-swanctl libcharon-extra-plugins
libstrongswan-standard-plugins
bird2 frr gobgpd openbgpd
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing:$missing"
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
# The packaged daemons must not run on the host: tests start their own
# copies in network namespaces with private sockets.
for svc in bird frr gobgpd openbgpd strongswan-starter strongswan ipsec; do
	systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
pkill -x bird 2>/dev/null || true
