#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unload and reload vmem.ko inside the sandbox: the module refuses to go while
# a fd is open, every page and object is back when it goes (a leak makes the
# unload WARN, which the sandbox catches), and it comes back usable.
# Usage: module_reload.sh PATH/TO/vmem.ko     Output: TAP.
ko=${1:?usage: module_reload.sh vmem.ko}
n=0 fail=0
check() {	# check NAME COMMAND...
	name=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n $name"; else echo "not ok $n $name"; fail=1; fi
}
sysval() { cat "/sys/kernel/vmem/$1" 2>/dev/null; }

echo "TAP version 13"
echo "1..5"
check module_unload_refused_while_open sh -c "exec 3</dev/vmem; ! rmmod vmem 2>/dev/null"
check module_no_pages_or_vms_before_unload \
	sh -c '[ "$(cat /sys/kernel/vmem/pool_allocated_pages)" = 0 ] && [ "$(cat /sys/kernel/vmem/pool_overhead_pages)" = 0 ] && [ "$(cat /sys/kernel/vmem/nr_vms)" = 0 ]'
check module_unload rmmod vmem
check module_unload_removed_everything sh -c '[ ! -e /dev/vmem ] && [ ! -e /sys/kernel/vmem ]'
check module_reload_usable sh -c "insmod '$ko' && [ -c /dev/vmem ] && [ \"\$(cat /sys/kernel/vmem/api_version)\" -ge 1 ]"
exit $fail
