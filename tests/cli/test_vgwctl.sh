#!/bin/sh
# Runs the vgwctl binary: stable exit codes (0 ok, 1 invalid, 2 usage/I-O),
# help, validate on the examples and on every broken topology file,
# plan --out writing configs that `config check` accepts, config print.
# Usage: test_vgwctl.sh VGWCTL SOURCE_DIR
set -u
V=$(readlink -f "$1")
SRC=$2
TMP=$(mktemp -d /tmp/vgw-cli-test-XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
n=0

# expect CODE DESCRIPTION -- CMD...: runs CMD, checks its exit code.
expect() {
	want=$1; shift; what=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	n=$((n + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, want $want: $*"
		sed 's/^/  stderr: /' "$TMP/err" | head -5
		fails=$((fails + 1))
	fi
}

# contains FILE TEXT DESCRIPTION
contains() {
	n=$((n + 1))
	if ! grep -qF -- "$2" "$1"; then
		echo "FAIL: $3: '$2' not in output"
		fails=$((fails + 1))
	fi
}

cd "$SRC" || exit 1

# usage and help
expect 2 "no arguments" "$V"
contains "$TMP/err" "Usage: vgwctl COMMAND" "usage on stderr"
expect 0 "help" "$V" help
contains "$TMP/out" "config check FILE" "help lists config check"
expect 0 "--help" "$V" --help
expect 0 "help plan" "$V" help plan
contains "$TMP/out" "Usage: vgwctl plan FILE [--json] [--out DIR]" "plan usage"
contains "$TMP/out" "Exit codes" "plan help has exit codes"
expect 0 "help config" "$V" help config
contains "$TMP/out" "config print" "group help"
expect 0 "help config check" "$V" help config check
expect 0 "plan --help" "$V" plan --help
expect 2 "help unknown" "$V" help frobnicate
expect 2 "unknown command" "$V" frobnicate
contains "$TMP/err" "unknown command 'frobnicate'" "clear message"
expect 2 "group without subcommand" "$V" config
contains "$TMP/err" "missing subcommand" "clear message"
expect 2 "unknown subcommand" "$V" config frob x.yaml
expect 2 "unknown flag" "$V" validate --frob examples/aws-azure.yaml
contains "$TMP/err" "unknown option '--frob'" "clear message"
expect 2 "flag needs value" "$V" plan examples/aws-azure.yaml --out
expect 2 "missing file argument" "$V" validate
expect 2 "too many arguments" "$V" validate a.yaml b.yaml
expect 2 "unreadable file" "$V" validate "$TMP/nope.yaml"
expect 2 "directory" "$V" validate "$TMP"
expect 0 "--version" "$V" --version

# validate: examples are valid, every broken file is invalid (1)
for f in examples/*.yaml; do
	expect 0 "validate $f" "$V" validate "$f"
done
for f in tests/config/broken/*.yaml; do
	expect 1 "validate $f" "$V" validate "$f"
	expect 1 "validate --json $f" "$V" validate --json "$f"
	contains "$TMP/out" '"valid": false' "JSON verdict for $f"
done
expect 0 "validate --json" "$V" validate --json examples/aws-azure.yaml
contains "$TMP/out" '"valid": true' "JSON verdict"

# plan: text, JSON, --out
expect 0 "plan" "$V" plan tests/plan/aws-azure.yaml
cmp -s "$TMP/out" tests/plan/golden/aws-azure.txt || {
	echo "FAIL: plan text differs from tests/plan/golden/aws-azure.txt"
	fails=$((fails + 1)); }
expect 0 "plan --json" "$V" plan --json tests/plan/aws-azure.yaml
cmp -s "$TMP/out" tests/plan/golden/aws-azure.json || {
	echo "FAIL: plan JSON differs from tests/plan/golden/aws-azure.json"
	fails=$((fails + 1)); }
expect 1 "plan of an invalid topology" "$V" plan tests/config/broken/psk-mismatch.yaml
expect 0 "plan --out" "$V" plan examples/aws-azure.yaml --out "$TMP/out-dir"
count=0
for f in "$TMP"/out-dir/*.yaml; do
	count=$((count + 1))
	mode=$(stat -c %a "$f")
	n=$((n + 1))
	[ "$mode" = 600 ] || { echo "FAIL: $f mode $mode"; fails=$((fails + 1)); }
	expect 0 "config check $f" "$V" config check "$f"
	expect 0 "config check --json $f" "$V" config check --json "$f"
	contains "$TMP/out" '"valid": true' "config check JSON"
	expect 0 "config print $f" "$V" config print "$f"
	contains "$TMP/out" 'psk: "<redacted>"' "secrets redacted by default"
	expect 0 "config print --show-secrets" "$V" config print --show-secrets "$f"
	contains "$TMP/out" 'psk: "Tunnel' "secrets with --show-secrets"
	# the canonical print with secrets is what --out wrote
	cmp -s "$TMP/out" "$f" || { echo "FAIL: $f is not canonical"; fails=$((fails + 1)); }
done
n=$((n + 1))
[ "$count" = 3 ] || { echo "FAIL: plan --out wrote $count configs, want 3"; fails=$((fails + 1)); }
expect 0 "plan --out onprem" "$V" plan --out="$TMP/onprem" examples/vgw-cgw-aws.yaml
for f in "$TMP"/onprem/*.yaml; do
	expect 0 "config check $f" "$V" config check "$f"
done

# config check on broken daemon configs
for f in tests/config/dconf/broken/*.in; do
	expect 1 "config check $f" "$V" config check "$f"
done
expect 2 "config check unreadable" "$V" config check "$TMP/nope.yaml"

echo "$n checks, $fails failed"
[ "$fails" = 0 ]
