#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the sandbox (cwd = the payload, vmem.ko loaded): loads kvm_amd
# beside vmem (only one of them holds SVM at a time, while it has VMs) and
# runs every benchmark against both.
modprobe kvm_amd 2>/dev/null || echo "# kvm_amd not loadable: vmem only"
echo "## guest_bench: identical guests, best of 3 each; ratio = vmem value / KVM value"
./bench/guest_bench -r 3
