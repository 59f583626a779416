# Shared helpers for the lab tests (sourced). Needs VGWCTL, VGWD.
#
# Every test runs in its own lab state directory and removes the lab on
# exit, whatever happens.
set -u
: "${VGWCTL:?VGWCTL must name the vgwctl binary}"
: "${VGWD:?VGWD must name the vgwd binary}"
export VGWD
export VGW_LAB_DIR="/run/vgw-lab-test-$$"
FAILS=0

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: lab tests need root (network namespaces)"
	exit 77
fi

lab_cleanup() {
	rc=$?
	if [ "$rc" != 0 ] || [ "$FAILS" != 0 ]; then
		for f in "$VGW_LAB_DIR"/*.log; do
			[ -f "$f" ] || continue
			echo "---- last lines of $f"
			tail -n 40 "$f"
		done
	fi
	"$VGWCTL" lab down >/dev/null 2>&1
	rm -rf "$VGW_LAB_DIR"
}
trap lab_cleanup EXIT INT TERM

ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}

# JSON field of a node's view through python3 (standard library only).
# jq_node NODE VIEW PYTHON-EXPR-ON-d
jq_node() {
	"$VGWCTL" show "$2" --node "$1" --json --socket "$VGW_LAB_DIR/$1.sock" 2>/dev/null |
		python3 -c "import json,sys; d=json.load(sys.stdin); print($3)"
}

# wait_for SECONDS COMMAND...: polls once a second until the command succeeds.
wait_for() {
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}

all_tunnels_up() {
	[ "$(jq_node aws tunnels "sum(t['status'] == 'UP' for t in d['tunnels'])")" = 4 ]
}

finish() {
	if [ "$FAILS" != 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
