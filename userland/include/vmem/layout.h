/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed x86-64 guest layout and guest contract shared by libvmem,
 * vmemctl, the selftest library and freestanding example guests.
 *
 * Everything here is a plain #define so that freestanding guest code can
 * include it. Guest memory is [0, mem_size) without holes and is identity
 * mapped (GVA == GPA). The first 4 MiB belong to the system structures
 * below; images are loaded from VMEM_GUEST_LOAD_ADDR upwards.
 *
 *   0x000000  null page            not mapped: NULL dereferences fault
 *   0x001000  GDT                  null, 64-bit code (0x08), data (0x10),
 *                                  64-bit TSS (0x18, two slots)
 *   0x002000  TSS                  one, shared by all vCPUs (no IST used)
 *   0x003000  IDT                  256 gates of 16 bytes
 *   0x004000  exception stubs      libvmem's default handlers: 256 stubs of
 *                                  16 bytes, common code at 0x005000; they
 *                                  report through VMEM_PORT_EXCEPTION
 *   0x010000  PML4
 *   0x011000  PDPT[2]              1 TiB
 *   0x013000  PT[2]                the first 4 MiB in 4 KiB pages
 *   0x020000  PD[64]               the first 64 GiB in 2 MiB pages
 *   0x100000  vCPU stacks          64 slots of 32 KiB; slot i starts at
 *                                  0x100000 + i * 0x8000, its lowest page is
 *                                  a not-present guard page
 *   0x300000  reserved
 *   0x400000  image                flat binaries load here; ELF segments may
 *                                  go anywhere from here up to mem_size
 *
 * The identity map covers max(mem_size, 4 GiB) so that accesses just
 * beyond guest memory (MMIO exits) are reachable; 2 MiB pages up to
 * 64 GiB, 1 GiB pages above (CPUID Page1GB needed for such large guests).
 */
#ifndef _VMEM_LAYOUT_H
#define _VMEM_LAYOUT_H

#define VMEM_GUEST_GDT			0x1000ULL
#define VMEM_GUEST_TSS			0x2000ULL
#define VMEM_GUEST_IDT			0x3000ULL
#define VMEM_GUEST_EXC_STUBS		0x4000ULL
#define VMEM_GUEST_EXC_STUB_SIZE	16
#define VMEM_GUEST_PML4			0x10000ULL
#define VMEM_GUEST_PDPT			0x11000ULL
#define VMEM_GUEST_NR_PDPT		2
#define VMEM_GUEST_PT			0x13000ULL
#define VMEM_GUEST_NR_PT		2
#define VMEM_GUEST_PD			0x20000ULL
#define VMEM_GUEST_NR_PD		64
#define VMEM_GUEST_STACKS		0x100000ULL
#define VMEM_GUEST_STACK_SLOT		0x8000ULL
#define VMEM_GUEST_LOAD_ADDR		0x400000ULL	/* end of the system area */
#define VMEM_GUEST_MIN_MAP		(4ULL << 30)

/* GDT selectors. */
#define VMEM_GUEST_SEL_CODE		0x08
#define VMEM_GUEST_SEL_DATA		0x10
#define VMEM_GUEST_SEL_TSS		0x18

/* Top of vCPU @id's stack: RSP at entry is this minus 8 (see below). */
#define VMEM_GUEST_STACK_TOP(id) \
	(VMEM_GUEST_STACKS + ((unsigned long long)(id) + 1) * VMEM_GUEST_STACK_SLOT)

/*
 * Entry state of every vCPU (vmemctl and the selftest library):
 *   64-bit mode, CPL 0, paging with the identity map above, interrupts
 *   disabled (RFLAGS = 0x2), SSE usable (CR4.OSFXSR|OSXMMEXCPT), AVX not
 *   (a guest that wants it sets CR4.OSXSAVE and XCR0 itself).
 *   RIP = entry point, RSP = VMEM_GUEST_STACK_TOP(id) - 8 with a zero
 *   return address at [RSP] (aligned as right after a call, so the entry
 *   may be a C function that never returns).
 *   vmemctl: RDI = vCPU id, RSI = number of vCPUs, RDX = mem_size in bytes;
 *   all other general registers are zero.
 */

/* Ports of the guest contract (vmemctl). */
#define VMEM_PORT_DEBUGCON		0xe9	/* OUT: a byte to the console */
#define VMEM_PORT_COM1			0x3f8	/* 8250 UART: THR, and LSR at +5 */
#define VMEM_PORT_EXIT			0xf4	/* OUT value v: exit status v & 0xff */
/*
 * OUT by libvmem's default exception stubs, with RDI = vector,
 * RSI = error code, RDX = RIP and RCX = CR2.
 */
#define VMEM_PORT_EXCEPTION		0xf5
/*
 * OUT value v: the vCPU sleeps v milliseconds on the host. Guests have no
 * timer interrupt yet; this lets a long-running guest wait without
 * spinning on a host CPU.
 */
#define VMEM_PORT_SLEEP			0xf6

#endif /* _VMEM_LAYOUT_H */
