#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the sandbox (cwd = the payload): every selftest binary, then
# the module reload check. Prints TAP from each; a binary that dies without
# reporting a failure gets a "not ok" line of its own so nothing is lost.
# Usage: run_all.sh [TEST...]   (default: all *_test binaries)
status=0
modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null || true

tests=${*:-$(ls selftests/*_test)}
for t in $tests; do
	echo "# selftest: $t"
	out=$(mktemp)
	"./$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok' "$out" || echo "not ok - $t exited with status $rc"
	fi
	rm -f "$out"
done
rmmod kvm_amd kvm_intel kvm 2>/dev/null
echo "# selftest: module_reload"
sh selftests/module_reload.sh ./vmem.ko || status=1
exit $status
