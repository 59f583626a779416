#!/bin/sh
# Builds vgw and runs every test: the README's test command and what CI runs.
#
#   scripts/test.sh            all stages
#   scripts/test.sh quick      release build + unit/vectors/fuzz-replay only
#
# Stages (each in its own build directory):
#   1. release build (-Werror): every test except the IKE/ESP interop
#      scenarios against strongSwan (unit, fuzz-replay, lab, BGP interop,
#      the customer-gateway e2e, and the strongSwan harness baselines)
#   2. ASan+UBSan build: the whole suite, IKE/ESP interop included, except
#      what runs no vgw code (the harness baselines and the BGP harness
#      runs with BIRD as the device under test)
#   3. clang libFuzzer build, every fuzz target for VGW_FUZZ_SECONDS each
# Every test runs at least once under the sanitizers; the slow strongSwan
# scenarios run only there, which keeps CI near 40 minutes on 2 cores.
# Interop and lab tests need root (network namespaces); as non-root they are
# reported as skipped by ctest.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
mode=${1:-all}
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${VGW_FUZZ_SECONDS:-10}

"$top/scripts/install-deps.sh"

stage() { printf '\n=== %s ===\n' "$*"; }

run_ctest() {
	dir=$1
	shift
	# Unit-level tests in parallel; namespace tests one at a time
	# (they are marked RUN_SERIAL).
	ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@"
}

stage "release build"
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$top/build"
if [ "$mode" = quick ]; then
	run_ctest "$top/build" -L 'unit|vectors|fuzz-replay'
	exit 0
fi
run_ctest "$top/build" -E '^(interop_ike_|ike_charon_interop$)'
run_ctest "$top/build" -R '^interop_ike_charon_baseline'

stage "ASan+UBSan build"
cmake -S "$top" -B "$top/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	-DVGW_SANITIZE=ON >/dev/null
ninja -C "$top/build-asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_ctest "$top/build-asan" -LE interop-harness -E '^interop_ike_charon_baseline' 

stage "libFuzzer build (${fuzz_seconds}s per target)"
cmake -S "$top" -B "$top/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_COMPILER=clang -DVGW_FUZZ=ON -DVGW_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
ninja -C "$top/build-fuzz"
run_ctest "$top/build-fuzz" -L fuzz
