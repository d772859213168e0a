#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`, the part that runs inside the sandbox (cwd = the payload,
# vmem.ko loaded): a few example guests with vmemctl, then four identical
# guests whose memory vmem gives back by sharing pages while they run.
set -e
V=/sys/kernel/vmem
mib() { echo $(( $1 / 256 )); }

echo "== 1. hello: a 64-bit guest on 2 vCPUs, printing through the UART"
./vmemctl run -t 60 --cpus 2 --stats hello.elf
echo
echo "== 2. hello.bin: the same idea as a flat binary"
./vmemctl run -t 60 hello.bin
echo
echo "== 3. memtouch: 2 vCPUs write and read back 128 MiB; vmem allocates"
echo "      machine pages only when the guest first touches them"
./vmemctl run -t 120 --mem 128M --cpus 2 --stats memtouch.elf
echo
echo "== 4. page sharing: four copies of one guest (twins.elf, 64 MiB each:"
echo "      half identical in all copies, a quarter unique, a quarter zeros)"
# Faster than the defaults so the demo takes seconds, not minutes.
echo 40000 > $V/share/scan_rate
echo 20000 > $V/share/vm_scan_rate
pids=
for i in 1 2 3 4; do
	./vmemctl run -t 120 --mem 64M --name twin$i --stats twins.elf \
		>twin$i.log 2>&1 &
	pids="$pids $!"
done
running() {
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}
printf '%6s %14s %12s %12s %12s %10s\n' seconds "pool used MiB" "saved MiB" \
	"frames" "sharing" "zero pages"
t=0
while running && [ $t -le 90 ]; do
	printf '%6d %14d %12d %12d %12d %10d\n' $t \
		"$(mib "$(cat $V/pool_allocated_pages)")" \
		$(( $(cat $V/share/bytes_saved) >> 20 )) \
		"$(cat $V/share/pages_shared)" "$(cat $V/share/pages_sharing)" \
		"$(cat $V/share/zero_pages)"
	sleep 2
	t=$((t + 2))
done
wait
for i in 1 2 3 4; do
	echo "-- twin$i:"
	cat twin$i.log
done
echo
echo "copy-on-write breaks: $(cat $V/share/cow_breaks), pages scanned: $(cat $V/share/pages_scanned)"
