#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the sandbox (cwd = the payload, vmem.ko loaded): loads kvm_amd
# beside vmem (only one of them holds SVM at a time, while it has VMs) and
# runs the benchmarks against both.
#
# Usage: sh bench/run.sh [all|guest|share]   (default all)
which=${1:-all}
modprobe kvm_amd 2>/dev/null || echo "# kvm_amd not loadable: vmem only"
status=0
if [ "$which" = all ] || [ "$which" = guest ]; then
	echo "## guest_bench: identical guests, best of 3 each; ratio = vmem value / KVM value"
	./bench/guest_bench -r 3 || status=1
fi
if [ "$which" = all ] || [ "$which" = share ]; then
	echo "## share_bench: vmem's page-sharing scanner vs KSM at equal scan rates"
	# R = 20000 pages/s, 32 MiB of data per VM (see the README).
	./bench/share_bench -r 20000 -m 32 || status=1
fi
exit $status
