#!/bin/sh
# Usage: run-fuzzer.sh FUZZER CORPUS_DIR SECONDS
# Fuzzes from a scratch copy of the corpus (the checked-in corpus is never
# modified) and fails on the first crash, leak or sanitizer report.
set -eu
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus"/. "$work"/
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" -print_final_stats=1 "$work"
