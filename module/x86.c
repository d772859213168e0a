// SPDX-License-Identifier: GPL-2.0
/*
 * The vendor-neutral x86 architecture (see x86.h): the power-on state that
 * both backends load, the validity checks on system registers that
 * VMEM_SET_SREGS and MOV to CR0 apply alike on SVM and VT-x, and the
 * conversion of segment access rights to and from the ABI's fields.
 *
 * The checks and conversions (and vmem_wrmsr_efer()) are pure functions of their arguments and of
 * the host CPU's features, callable in any context. vcpu_reset_regs() runs
 * in process context with the vCPU mutex held (or the vCPU not yet
 * visible); vmem_restore_host_dr() with interrupts disabled, right after a
 * guest exit.
 */
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>

#include "vmem.h"
#include "x86.h"

#define RESET_SEG(sel, base_, type_, s_)				\
	{ .selector = (sel), .base = (base_), .limit = 0xffff,		\
	  .type = (type_), .s = (s_), .present = 1 }

/*
 * The power-on state: real mode at F000:FFF0 (Intel SDM vol. 3, 10.1.1;
 * AMD APM vol. 2, 14.1.3), which both SVM and VT-x with unrestricted guest
 * run directly. CS is an accessed execute/read code segment, the data
 * segments accessed read/write data. The hardware's TR after reset is not
 * a TSS, but VM entry wants a busy TSS even in real mode (SDM vol. 3,
 * 26.3.1.2); SVM does not check TR, so both load a busy 32-bit TSS. CR2,
 * CR3, CR4, CR8 and EFER are 0.
 */
const struct vmem_sregs vmem_reset_sregs = {
	.cs = RESET_SEG(0xf000, 0xffff0000, 0xb, 1),
	.ds = RESET_SEG(0, 0, 0x3, 1),
	.es = RESET_SEG(0, 0, 0x3, 1),
	.fs = RESET_SEG(0, 0, 0x3, 1),
	.gs = RESET_SEG(0, 0, 0x3, 1),
	.ss = RESET_SEG(0, 0, 0x3, 1),
	.ldt = RESET_SEG(0, 0, 0x2, 0),
	.tr = RESET_SEG(0, 0, 0xb, 0),
	.gdt = { .limit = 0xffff },
	.idt = { .limit = 0xffff },
	.cr0 = X86_CR0_ET,
};

/**
 * vcpu_reset_regs() - the power-on values of the vCPU state the core holds:
 * GPRs, RIP, RFLAGS and the virtual debug registers (SDM vol. 3, 10.1.1);
 * nothing left pending from before. The backend loads vmem_reset_sregs.
 * @vcpu: the vCPU
 */
void vcpu_reset_regs(struct vmem_vcpu *vcpu)
{
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[VCPU_REGS_RDX] = 0x600;	/* family 6: what CPUs report */
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->dr[0] = vcpu->dr[1] = vcpu->dr[2] = vcpu->dr[3] = 0;
	vcpu->dr[4] = DR6_RESERVED;
	vcpu->dr[5] = VMEM_DR7_FIXED_1;
	vcpu->pending = VCPU_PENDING_NONE;
}

/**
 * vcpu_apic_base() - IA32_APIC_BASE as the guest reads it: the default
 * address, BSP set on vCPU 0. No local APIC is emulated.
 * @vcpu: the vCPU
 *
 * Return: the MSR's value.
 */
u64 vcpu_apic_base(const struct vmem_vcpu *vcpu)
{
	return APIC_DEFAULT_PHYS_BASE | (vcpu->id ? 0 : MSR_IA32_APICBASE_BSP);
}

/**
 * vmem_seg_ar() - the access rights of @seg (see VMEM_AR_*).
 * @seg: the segment as the ABI gives it
 *
 * Return: the access rights, or VMEM_AR_UNUSABLE alone for an unusable
 * segment.
 */
u32 vmem_seg_ar(const struct vmem_segment *seg)
{
	if (seg->unusable)
		return VMEM_AR_UNUSABLE;
	return (seg->type & VMEM_AR_TYPE) | (seg->s ? VMEM_AR_S : 0) |
	       ((seg->dpl << VMEM_AR_DPL_SHIFT) & VMEM_AR_DPL) |
	       (seg->present ? VMEM_AR_P : 0) |
	       (seg->avl ? VMEM_AR_AVL : 0) | (seg->l ? VMEM_AR_L : 0) |
	       (seg->db ? VMEM_AR_DB : 0) | (seg->g ? VMEM_AR_G : 0);
}

/**
 * vmem_seg_set_ar() - fill in the ABI's attribute fields of @seg from
 * access rights; an unusable segment reads as not present.
 * @seg: the segment; selector, base and limit are left alone
 * @ar: access rights (see VMEM_AR_*)
 */
void vmem_seg_set_ar(struct vmem_segment *seg, u32 ar)
{
	seg->unusable = !!(ar & VMEM_AR_UNUSABLE);
	seg->type = ar & VMEM_AR_TYPE;
	seg->s = !!(ar & VMEM_AR_S);
	seg->dpl = (ar & VMEM_AR_DPL) >> VMEM_AR_DPL_SHIFT;
	seg->present = !seg->unusable && (ar & VMEM_AR_P);
	seg->avl = !!(ar & VMEM_AR_AVL);
	seg->l = !!(ar & VMEM_AR_L);
	seg->db = !!(ar & VMEM_AR_DB);
	seg->g = !!(ar & VMEM_AR_G);
	seg->padding = 0;
}

/**
 * vmem_cr0_valid() - may CR0 hold @cr0? Bits 63:32 are reserved, PG needs
 * PE and NW needs CD; MOV to CR0 raises #GP otherwise (SDM vol. 3, 2.5).
 * @cr0: the value
 *
 * Return: true if a CPU would accept it.
 */
bool vmem_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	return !((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD));
}

/**
 * vmem_sregs_valid() - is @s a combination of system registers a real CPU
 * could be in?
 * @s: the state userspace wants to load
 * @efer_bits: the EFER bits the backend lets a guest set
 * @cr4_bits: the CR4 bits the backend lets a guest set
 *
 * Return: false for reserved bits or an inconsistent paging mode.
 */
bool vmem_sregs_valid(const struct vmem_sregs *s, u64 efer_bits,
		      u64 cr4_bits)
{
	bool lma = s->efer & EFER_LMA;

	if (!vmem_cr0_valid(s->cr0) || (s->cr4 & ~cr4_bits) ||
	    (s->efer & ~efer_bits))
		return false;
	/* Long mode is active exactly when enabled and paging is on. */
	if (lma != ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)))
		return false;
	if (lma && (!(s->cr4 & X86_CR4_PAE) || (s->cs.l && s->cs.db)))
		return false;
	return !((s->cr4 & X86_CR4_OSXSAVE) && !boot_cpu_has(X86_FEATURE_XSAVE));
}

/**
 * vmem_wrmsr_efer() - the EFER a guest's WRMSR of @data leaves behind.
 * @efer: EFER now
 * @data: the value written
 * @efer_bits: the EFER bits the backend lets a guest set
 * @new: the new EFER, when the write is allowed
 *
 * Return: false for a bit outside @efer_bits (#GP).
 */
bool vmem_wrmsr_efer(u64 efer, u64 data, u64 efer_bits, u64 *new)
{
	if (data & ~efer_bits)
		return false;
	/* LMA is the CPU's to set; the guest cannot change it. */
	*new = (data & ~EFER_LMA) | (efer & EFER_LMA);
	return true;
}

/**
 * vmem_restore_host_dr() - give the host its hardware breakpoints back, if
 * it has any: a guest exit leaves DR7 at its reset value (SVM #VMEXIT;
 * VT-x, SDM vol. 3, 28.5.1). Interrupts disabled, right after the exit.
 */
void vmem_restore_host_dr(void)
{
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}
