/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny freestanding runtime for the example guests: console output
 * (port 0xe9 or the UART at 0x3f8), numbers, a spinlock and atomics.
 * Every guest defines
 *	int guest_main(unsigned long id, unsigned long nr_cpus,
 *		       unsigned long mem_size);
 * which start.S calls on every vCPU; vCPU 0's return value is the exit
 * status of `vmemctl run`.
 */
#ifndef EXAMPLE_GUEST_H
#define EXAMPLE_GUEST_H

#include <vmem/layout.h>

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

int guest_main(u64 id, u64 nr_cpus, u64 mem_size);

extern char _end[];	/* first byte after the image (guest.lds) */

static inline void outb(unsigned short port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(unsigned short port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(unsigned short port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Which console putc() uses; the examples pick one each. */
static int use_uart;

static inline void putc(char c)
{
	if (!use_uart) {
		outb(VMEM_PORT_DEBUGCON, c);
		return;
	}
	while (!(inb(VMEM_PORT_COM1 + 5) & 0x20))	/* LSR: THR empty */
		;
	outb(VMEM_PORT_COM1, c);
}

static inline void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static inline void putdec(u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts(buf + i);
}

static inline void puthex(u64 v)
{
	static const char digits[] = "0123456789abcdef";
	int shift;

	puts("0x");
	for (shift = 60; shift >= 0; shift -= 4)
		putc(digits[(v >> shift) & 0xf]);
}

static inline void spin_lock(volatile int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		asm volatile("pause");
}

static inline void spin_unlock(volatile int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static inline void wait_for(volatile u64 *counter, u64 value)
{
	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < value)
		asm volatile("pause");
}

#endif /* EXAMPLE_GUEST_H */
