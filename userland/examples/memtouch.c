// SPDX-License-Identifier: GPL-2.0
/*
 * memtouch: writes every 8-byte word of guest memory above the image with
 * a value derived from its address, reads it all back, and reports how
 * much it touched and a checksum through port 0xe9. The vCPUs split the
 * memory into equal parts and work in parallel. Exit status 0 when every
 * word read back what was written, 1 otherwise: a hypervisor that loses or
 * mixes up pages (sharing, swapping, ballooning bugs) shows here.
 *	vmemctl run --mem 256M --cpus 2 memtouch.elf
 */
#include "guest.h"

#define PAGE_SIZE	4096UL

static volatile int console_lock;
static volatile u64 finished, total_sum, total_bad;

static u64 pattern(u64 addr)
{
	return (addr * 0x9e3779b97f4a7c15UL) ^ (addr >> 12);
}

int guest_main(u64 id, u64 nr_cpus, u64 mem_size)
{
	u64 start = ((u64)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	u64 pages = (mem_size - start) / PAGE_SIZE;
	u64 per_cpu = pages / nr_cpus;
	u64 lo = start + id * per_cpu * PAGE_SIZE;
	u64 hi = id == nr_cpus - 1 ? mem_size : lo + per_cpu * PAGE_SIZE;
	u64 a, sum = 0, bad = 0;

	for (a = lo; a < hi; a += 8)
		*(volatile u64 *)a = pattern(a);
	for (a = lo; a < hi; a += 8) {
		u64 v = *(volatile u64 *)a;

		bad += v != pattern(a);
		sum += v;
	}
	__atomic_add_fetch(&total_sum, sum, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total_bad, bad, __ATOMIC_RELAXED);
	__atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
	if (id)
		return 0;

	wait_for(&finished, nr_cpus);
	puts("memtouch: ");
	putdec((mem_size - start) >> 20);
	puts(" MiB (");
	putdec(pages);
	puts(" pages from ");
	puthex(start);
	puts(") written and read back by ");
	putdec(nr_cpus);
	puts(" vCPU(s), checksum ");
	puthex(total_sum);
	if (total_bad) {
		puts(", ");
		putdec(total_bad);
		puts(" words WRONG\n");
		return 1;
	}
	puts(", all correct\n");
	return 0;
}
