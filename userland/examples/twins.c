// SPDX-License-Identifier: GPL-2.0
/*
 * twins: a guest meant to run in several copies at once, to watch page
 * sharing at work. It fills the memory above its image with three kinds
 * of pages:
 *   - half with content that depends only on the address, so every copy
 *     holds the same pages (what identical VMs booted from one image have);
 *   - a quarter with content from its own time stamp counter, unlike any
 *     other copy's;
 *   - a quarter with zeros, written explicitly, so the pages are touched.
 * Then, once a second for ROUNDS seconds, it checks that every word still
 * holds what it wrote (sharing must never change what the guest sees) and
 * exits 0, or 1 if a single word was wrong.
 *	vmemctl run --mem 64M twins.elf
 */
#include "guest.h"

#define PAGE_SIZE	4096UL
#define ROUNDS		20

static u64 same(u64 a)
{
	return (a * 0x9e3779b97f4a7c15UL) ^ (a >> 12);
}

static u64 own(u64 a, u64 seed)
{
	return (a ^ seed) * 0xbf58476d1ce4e5b9UL;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static u64 check(u64 lo, u64 mid, u64 zero, u64 hi, u64 seed)
{
	u64 a, bad = 0;

	for (a = lo; a < mid; a += 8)
		bad += *(volatile u64 *)a != same(a);
	for (a = mid; a < zero; a += 8)
		bad += *(volatile u64 *)a != own(a, seed);
	for (a = zero; a < hi; a += 8)
		bad += *(volatile u64 *)a != 0;
	return bad;
}

int guest_main(u64 id, u64 nr_cpus, u64 mem_size)
{
	u64 lo = ((u64)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	u64 quarter = ((mem_size - lo) / 4) & ~(PAGE_SIZE - 1);
	u64 mid = lo + 2 * quarter, zero = mid + quarter, hi = zero + quarter;
	u64 seed = rdtsc() | 1, a, bad = 0;
	int round;

	if (id)
		return 0;
	for (a = lo; a < mid; a += 8)
		*(volatile u64 *)a = same(a);
	for (a = mid; a < zero; a += 8)
		*(volatile u64 *)a = own(a, seed);
	for (a = zero; a < hi; a += 8)
		*(volatile u64 *)a = 0;
	puts("twins: ");
	putdec((mid - lo) >> 20);
	puts(" MiB like every copy, ");
	putdec(quarter >> 20);
	puts(" MiB of its own, ");
	putdec(quarter >> 20);
	puts(" MiB of zeros written\n");

	for (round = 1; round <= ROUNDS; round++) {
		outl(VMEM_PORT_SLEEP, 1000);
		bad += check(lo, mid, zero, hi, seed);
	}
	puts("twins: ");
	putdec(ROUNDS);
	puts(" checks of every word: ");
	if (bad) {
		putdec(bad);
		puts(" WRONG\n");
		return 1;
	}
	puts("all correct\n");
	return 0;
}
