#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the sandbox on the debug kernel (tools/debug-kernel-check puts
# it in the payload): loads MODULE, runs COMMAND, unloads MODULE, then asks
# kmemleak about everything allocated since just before the load.
# Usage: debug-kernel-guest.sh MODULE.ko [COMMAND [ARGS...]]
# Output: the command's own, then TAP lines for load, unload and kmemleak.
# Exit status: non-zero if any of them failed or the command did.
#
# A leak is reported twice: cat'ed here (with a "not ok"), and printed into
# the kernel log by kmemleak itself ("unreferenced object ..."), which makes
# tools/sandbox fail the run. Objects that were already unreferenced before
# the module came (boot-time noise) are set aside with `clear`.
ko=${1:?usage: debug-kernel-guest.sh MODULE.ko [COMMAND...]}
shift
kml=/sys/kernel/debug/kmemleak
verbose=/sys/module/kmemleak/parameters/verbose
status=0

# insmod of a module file: its name is what rmmod wants.
name=$(basename "$ko" .ko | tr - _)

if [ ! -w $kml ]; then
	echo "not ok - kmemleak_available # $kml missing: not the debug kernel?"
	exit 1
fi
echo 0 >$verbose
echo scan >$kml
echo clear >$kml

if ! insmod "$ko"; then
	echo "not ok - insmod_$name"
	exit 1
fi
if [ $# -gt 0 ]; then
	"$@"
	status=$?
fi
cd /
if grep -q "^$name " /proc/modules; then
	if rmmod "$name"; then
		echo "ok - rmmod_$name"
	else
		echo "not ok - rmmod_$name"
		status=1
	fi
fi

# kmemleak reports an object once it is 5 s old and unreferenced in two
# scans in a row (the first records its checksum).
echo 1 >$verbose
sleep 6
echo scan >$kml
echo scan >$kml
report=$(cat $kml)
if [ -z "$report" ]; then
	echo "ok - kmemleak_clean_after_$name"
else
	echo "not ok - kmemleak_clean_after_$name"
	printf '%s\n' "$report" | sed 's/^/# /'
	status=1
fi
exit $status
