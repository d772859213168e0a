#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sandbox-run.sh - host side of `make bench` / `make bench-share`: boots the
# sandbox once with PAYLOAD (vmem.ko and bench/), runs bench/run.sh WHICH in
# it, keeps its output in LOG, and turns share_bench's part into
# bench/results/ (CSV, table, PNG).
#
# Usage: bench/sandbox-run.sh PAYLOAD WHICH LOG

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -eq 3 ]] || { echo "usage: $0 PAYLOAD all|guest|share LOG" >&2; exit 2; }
payload=$1
which=$2
log=$3

start=$(date +%s)
status=0
"$ROOT/tools/sandbox" --payload "$payload" --kvm-modules \
	--module "$payload/vmem.ko" --timeout 1800 -- sh bench/run.sh "$which" |
	tee "$log" || status=$?
echo "bench: $(( $(date +%s) - start )) s in all; output kept in $log"
if [[ $which != guest ]] && grep -q '^ts,' "$log"; then
	"$ROOT/bench/share_plot.sh" "$log" "$ROOT/bench/results" || status=1
fi
exit "$status"
