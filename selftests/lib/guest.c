// SPDX-License-Identifier: GPL-2.0
/*
 * Guest startup in C, called by vmem_guest_entry (handlers.S) before the
 * test's guest code: enables AVX state (CR4.OSXSAVE and XCR0) when CPUID
 * offers it, so guest code may use the YMM registers; SSE is already on
 * from the entry state. Runs in the guest only.
 */
#include "vmem_test.h"

void vmem_guest_cpu_init(void);
void vmem_guest_code_returned(void) __attribute__((noreturn));

/**
 * vmem_guest_cpu_init() - guest: enable what the vCPU's CPUID allows.
 */
void vmem_guest_cpu_init(void)
{
	__u32 a, b, c, d;
	__u64 xcr0;

	if (!this_cpu_has_avx())
		return;
	cpuid(0xd, 0, &a, &b, &c, &d);
	xcr0 = (X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX) & a;
	if (!(xcr0 & X86_XCR0_AVX))
		return;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	xsetbv(0, xcr0);
}

/**
 * vmem_guest_code_returned() - guest: the test's guest code returned;
 * that counts as GUEST_DONE(). Halts if resumed.
 */
void vmem_guest_code_returned(void)
{
	GUEST_DONE();
	for (;;)
		asm volatile("cli; hlt");
}
