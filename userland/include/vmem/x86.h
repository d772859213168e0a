/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 guest setup, backend-neutral: identity page tables, GDT, TSS, IDT
 * and the long-mode register state described in <vmem/layout.h>. Everything
 * is written through vmem_vm_write(), so it works whether guest memory is
 * the kernel's (vmem) or ours (kvm).
 *
 * The architectural bit names are shared with guest code (selftests'
 * processor.h), so this header has no host-only declarations outside the
 * !__ASSEMBLER__ part and no libc includes.
 */
#ifndef _VMEM_X86_H
#define _VMEM_X86_H

#include <vmem/layout.h>

#define X86_CR0_PE		(1UL << 0)
#define X86_CR0_MP		(1UL << 1)
#define X86_CR0_EM		(1UL << 2)
#define X86_CR0_TS		(1UL << 3)
#define X86_CR0_ET		(1UL << 4)
#define X86_CR0_NE		(1UL << 5)
#define X86_CR0_WP		(1UL << 16)
#define X86_CR0_PG		(1UL << 31)

#define X86_CR4_PAE		(1UL << 5)
#define X86_CR4_OSFXSR		(1UL << 9)
#define X86_CR4_OSXMMEXCPT	(1UL << 10)
#define X86_CR4_OSXSAVE		(1UL << 18)

#define X86_EFER_SCE		(1UL << 0)
#define X86_EFER_LME		(1UL << 8)
#define X86_EFER_LMA		(1UL << 10)
#define X86_EFER_NXE		(1UL << 11)

#define X86_RFLAGS_FIXED	(1UL << 1)
#define X86_RFLAGS_IF		(1UL << 9)

#define X86_XCR0_X87		(1ULL << 0)
#define X86_XCR0_SSE		(1ULL << 1)
#define X86_XCR0_AVX		(1ULL << 2)

/* CPUID bits the guest startup code looks at. */
#define X86_CPUID1_ECX_XSAVE	(1U << 26)
#define X86_CPUID1_ECX_OSXSAVE	(1U << 27)
#define X86_CPUID1_ECX_AVX	(1U << 28)

/* Exception vectors. */
#define DE_VECTOR	0
#define DB_VECTOR	1
#define BP_VECTOR	3
#define UD_VECTOR	6
#define NM_VECTOR	7
#define DF_VECTOR	8
#define TS_VECTOR	10
#define NP_VECTOR	11
#define SS_VECTOR	12
#define GP_VECTOR	13
#define PF_VECTOR	14
#define MF_VECTOR	16
#define AC_VECTOR	17
#define XM_VECTOR	19

#ifndef __ASSEMBLER__
#include <linux/vmem.h>

struct vmem_vm;
struct vmem_vcpu;

int vmem_x86_setup_vm(struct vmem_vm *vm);
int vmem_x86_set_idt(struct vmem_vm *vm, __u64 stubs, unsigned int stride);
void vmem_x86_long_mode_sregs(struct vmem_sregs *sregs);
int vmem_x86_setup_vcpu(struct vmem_vcpu *vcpu, __u64 entry,
			const __u64 *args, unsigned int nargs);
#endif

#endif /* _VMEM_X86_H */
