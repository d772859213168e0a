#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# share_plot.sh - turn share_bench's output into results files and a plot.
#
# Usage: bench/share_plot.sh LOG OUTDIR
#
# LOG is what the sandbox printed (share_bench's stdout, possibly among
# other benchmarks' output). Writes to OUTDIR:
#   share_bench.csv   the time series: backend,n,t_s,saved_mib,cpu_ms,work
#   share_bench.txt   share_bench's comments, table and cost lines
#   share_bench.png   memory saved over time, in MiB and in % of the ideal
# Needs gnuplot (Debian: gnuplot-nox; `make bench` installs it).

set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 LOG OUTDIR" >&2; exit 2; }
log=$1
out=$2
mkdir -p "$out"
csv=$out/share_bench.csv
txt=$out/share_bench.txt
png=$out/share_bench.png

# The serial console may add carriage returns.
clean=$(mktemp)
data=$(mktemp)
trap 'rm -f "$clean" "$data"' EXIT
tr -d '\r' <"$log" >"$clean"

grep -q '^ts,' "$clean" || { echo "$0: no share_bench time series in $log" >&2; exit 1; }
{
	echo "backend,n,t_s,saved_mib,cpu_ms,work"
	sed -n 's/^ts,//p' "$clean"
} >"$csv"
# From the share_bench header to the end, without the CSV lines.
sed -n '/^# share_bench:/,$p' "$clean" | grep -v '^ts,' |
	grep -v '^sandbox:' >"$txt" || true

# One gnuplot data block per (backend, N): t, MiB, % of the ideal saving
# (from the "run," lines), in the order the runs were made.
awk -F, '
	NR == FNR { if ($1 == "run") ideal[$2 "," $3] = $5; next }
	$1 != "ts" { next }
	{
		key = $2 "," $3
		if (key != last) {
			if (last != "")
				printf "\n\n"
			printf "# %s N=%s\n", $2, $3
			last = key
		}
		pct = ideal[key] > 0 ? 100 * $5 / ideal[key] : 0
		printf "%s %s %.2f\n", $4, $5, pct
	}' "$clean" "$clean" >"$data"

# Titles and styles per block, in block order.
mapfile -t series < <(sed -n 's/^# \(.*\)$/\1/p' "$data")
rate=$(sed -n 's/^# share_bench: R = \([0-9]*\).*/\1/p' "$clean" | head -n 1)
mib=$(sed -n 's/.* \([0-9]*\) MiB each.*/\1/p' "$clean" | head -n 1)

plots_abs=()
plots_pct=()
for i in "${!series[@]}"; do
	s=${series[$i]}
	backend=${s%% *}
	n=${s##*N=}
	case $n in
	1) color='#1b9e77' ;;
	2) color='#d95f02' ;;
	4) color='#7570b3' ;;
	8) color='#e7298a' ;;
	*) color='#666666' ;;
	esac
	if [[ $backend == vmem ]]; then
		dt=1 name="vmem N=$n"
	else
		dt=2 name="KSM N=$n"
	fi
	style="with lines lw 2 dt $dt lc rgb '$color' title '$name'"
	plots_abs+=("'$data' index $i using 1:2 $style")
	plots_pct+=("'$data' index $i using 1:3 $style")
done
join() { local IFS=','; echo "$*"; }

gnuplot <<EOF
set terminal pngcairo size 1400,560 font 'sans,11'
set output '$png'
set datafile commentschars '#'
set multiplot layout 1,2 title "vmem's scanner vs KSM: ${mib:-?} MiB per VM (1/2 identical, 1/4 unique, 1/4 zero), ${rate:-?} pages/s each (solid: vmem, dashed: KSM)"
set grid
set key left top
set xlabel 'seconds since scanning started'
set ylabel 'memory saved (MiB)'
plot $(join "${plots_abs[@]}")
set ylabel 'memory saved (% of perfect sharing)'
set yrange [0:105]
set key right bottom
plot $(join "${plots_pct[@]}")
unset multiplot
EOF
echo "share_plot: wrote $csv, $txt, $png"
