// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCB: what the guest may do without us (intercepts), its power-on
 * state, and conversion of its state to and from the ABI's structs and
 * MSRs. AMD APM vol. 2, 15.5-15.13 and appendix B. Process context, vCPU
 * mutex held (or the vCPU not yet visible).
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/traps.h>

#include "svm.h"

/* All ports and all MSRs intercepted: one shared pair of bitmaps. */
#define IOPM_ORDER	2	/* 12 KiB used */
#define MSRPM_ORDER	1	/* 8 KiB */
static struct page *svm_iopm, *svm_msrpm;

/* EFER bits a guest may set: the common ones and AMD's fast FXSAVE. */
#define SVM_EFER_GUEST_BITS	(VMEM_EFER_GUEST_BITS | EFER_FFXSR)

/* The VMCB's segments in the order of VMEM_SREGS_SEGS(). */
#define SVM_SEGS(v)	{ &(v)->es, &(v)->cs, &(v)->ss, &(v)->ds, \
			  &(v)->fs, &(v)->gs, &(v)->ldtr, &(v)->tr }

/**
 * svm_maps_init() - the I/O and MSR permission maps, all ones.
 * Return: 0 or -ENOMEM.
 */
int svm_maps_init(void)
{
	svm_iopm = alloc_pages(GFP_KERNEL, IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm) {
		svm_maps_exit();
		return -ENOMEM;
	}
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << MSRPM_ORDER);
	return 0;
}

/** svm_maps_exit() - free the permission maps. */
void svm_maps_exit(void)
{
	if (svm_iopm)
		__free_pages(svm_iopm, IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, MSRPM_ORDER);
	svm_iopm = svm_msrpm = NULL;
}

static void set_intercept(struct vmcb_control_area *c, int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

/*
 * VMCB segment attributes are the access rights (VMEM_AR_*) without the gap
 * at bits 8-11 (APM vol. 2, appendix B); a segment that is not present is
 * the one the VMCB cannot use.
 */
static u32 svm_seg_ar(u16 attrib)
{
	u32 ar = (attrib & 0xff) | ((attrib & 0xf00) << 4);

	return ar & VMEM_AR_P ? ar : ar | VMEM_AR_UNUSABLE;
}

static u16 svm_seg_attrib(u32 ar)
{
	return ar & VMEM_AR_UNUSABLE ? 0 : (ar & 0xff) | ((ar >> 4) & 0xf00);
}

static void seg_to_abi(const struct vmcb_seg *v, struct vmem_segment *a)
{
	a->selector = v->selector;
	a->base = v->base;
	a->limit = v->limit;
	vmem_seg_set_ar(a, svm_seg_ar(v->attrib));
}

static void seg_from_abi(struct vmcb_seg *v, const struct vmem_segment *a)
{
	v->selector = a->selector;
	v->base = a->base;
	v->limit = a->limit;
	v->attrib = svm_seg_attrib(vmem_seg_ar(a));
}

/* Write system registers that passed the checks (or the reset state). */
static void svm_load_sregs(struct vmcb_save_area *v, const struct vmem_sregs *s)
{
	const struct vmem_segment *seg[] = VMEM_SREGS_SEGS(s);
	struct vmcb_seg *hw[] = SVM_SEGS(v);
	int i;

	for (i = 0; i < VMEM_NR_SEGS; i++)
		seg_from_abi(hw[i], seg[i]);
	v->cpl = (v->cs.attrib >> 5) & 3;
	v->gdtr.base = s->gdt.base;
	v->gdtr.limit = s->gdt.limit;
	v->idtr.base = s->idt.base;
	v->idtr.limit = s->idt.limit;
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	/* SVME is required in the guest VMCB; hidden from the guest. */
	v->efer = s->efer | EFER_SVME;
}

/**
 * svm_vcpu_reset() - intercepts and the x86 power-on state.
 * @vcpu: the vCPU
 *
 * Intercepted: host interrupts, NMIs and SMIs (they must reach the host);
 * all port I/O and MSRs; CPUID, HLT, XSETBV, debug registers, VMMCALL and
 * shutdown; SVM instructions, MONITOR/MWAIT, RDPMC and INVD, which a guest
 * must not execute on the real CPU; and #AC, whose endless delivery loop
 * would otherwise hang the host (CVE-2015-5307).
 */
void svm_vcpu_reset(struct vmem_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_control_area *c = &sv->vmcb->control;
	struct vmcb_save_area *s = &sv->vmcb->save;
	static const int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_HLT, INTERCEPT_INVD, INTERCEPT_WBINVD,
		INTERCEPT_RDPMC,
		INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT, INTERCEPT_INVLPGA, INTERCEPT_MONITOR,
		INTERCEPT_MWAIT, INTERCEPT_MWAIT_COND, INTERCEPT_XSETBV,
		INTERCEPT_RDPRU,
	};
	int i;

	memset(sv->vmcb, 0, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		set_intercept(c, intercepts[i]);
	for (i = INTERCEPT_DR0_READ; i <= INTERCEPT_DR7_WRITE; i++)
		set_intercept(c, i);
	set_intercept(c, INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_AC);
	/* A machine check in guest mode is the host's (vmem_machine_check). */
	set_intercept(c, INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_MC);
	c->iopm_base_pa = page_to_phys(svm_iopm);
	c->msrpm_base_pa = page_to_phys(svm_msrpm);
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = slpt_root_pa(&vcpu->vm->mm.slpt);
	/* Physical interrupts follow the host's IF, not the guest's. */
	c->int_ctl = V_INTR_MASKING_MASK;

	/* The power-on state (x86.c); the rest of the VMCB is zero. */
	svm_load_sregs(s, &vmem_reset_sregs);
	s->dr6 = DR6_RESERVED;
	s->dr7 = VMEM_DR7_FIXED_1;
	s->g_pat = VMEM_PAT_RESET;
	vcpu_reset_regs(vcpu);
	sv->last_cpu = -1;
}

/**
 * svm_get_sregs() - the guest's system registers.
 * @vcpu: the vCPU
 * @s: filled in
 */
void svm_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *s)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;
	const struct vmcb_seg *hw[] = SVM_SEGS(v);
	struct vmem_segment *seg[] = VMEM_SREGS_SEGS(s);
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < VMEM_NR_SEGS; i++)
		seg_to_abi(hw[i], seg[i]);
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = v->idtr.limit;
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->efer = v->efer & ~EFER_SVME;
	s->apic_base = vcpu_apic_base(vcpu);
}

/**
 * svm_set_sregs() - load the guest's system registers after checking that
 * the combination is one a real CPU could be in (vmem_sregs_valid()).
 * @vcpu: the vCPU
 * @s: the new state
 *
 * Return: 0, or -EINVAL for reserved bits or an inconsistent paging mode.
 */
int svm_set_sregs(struct vmem_vcpu *vcpu, const struct vmem_sregs *s)
{
	if (!vmem_sregs_valid(s, SVM_EFER_GUEST_BITS, VMEM_CR4_GUEST_BITS))
		return -EINVAL;
	svm_load_sregs(&to_svm(vcpu)->vmcb->save, s);
	return 0;
}

/**
 * svm_get_msr() - MSRs whose guest value lives in the VMCB.
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: value
 *
 * Return: 0, or -ENOENT when the core must handle @index.
 */
int svm_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	switch (index) {
	case MSR_EFER:		*data = v->efer & ~EFER_SVME; break;
	case MSR_STAR:		*data = v->star; break;
	case MSR_LSTAR:		*data = v->lstar; break;
	case MSR_CSTAR:		*data = v->cstar; break;
	case MSR_SYSCALL_MASK:	*data = v->sfmask; break;
	case MSR_KERNEL_GS_BASE: *data = v->kernel_gs_base; break;
	case MSR_FS_BASE:	*data = v->fs.base; break;
	case MSR_GS_BASE:	*data = v->gs.base; break;
	case MSR_IA32_SYSENTER_CS: *data = v->sysenter_cs; break;
	case MSR_IA32_SYSENTER_ESP: *data = v->sysenter_esp; break;
	case MSR_IA32_SYSENTER_EIP: *data = v->sysenter_eip; break;
	case MSR_IA32_CR_PAT:	*data = v->g_pat; break;
	case MSR_IA32_TSC:	*data = rdtsc() + vmcb->control.tsc_offset; break;
	default:
		return -ENOENT;
	}
	return 0;
}

/**
 * svm_set_msr() - write MSRs whose guest value lives in the VMCB, with
 * the value already checked as WRMSR does on any CPU (msr.c).
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: value
 *
 * Return: 0, -EINVAL (the guest gets #GP), or -ENOENT for the core.
 */
int svm_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;
	u64 efer;

	switch (index) {
	case MSR_EFER:
		if (!vmem_wrmsr_efer(v->efer, data, SVM_EFER_GUEST_BITS, &efer))
			return -EINVAL;
		v->efer = efer | EFER_SVME;
		break;
	case MSR_STAR:		v->star = data; break;
	case MSR_LSTAR:		v->lstar = data; break;
	case MSR_CSTAR:		v->cstar = data; break;
	case MSR_KERNEL_GS_BASE: v->kernel_gs_base = data; break;
	case MSR_FS_BASE:	v->fs.base = data; break;
	case MSR_GS_BASE:	v->gs.base = data; break;
	case MSR_SYSCALL_MASK:	v->sfmask = data; break;
	case MSR_IA32_SYSENTER_CS: v->sysenter_cs = data; break;
	case MSR_IA32_SYSENTER_ESP: v->sysenter_esp = data; break;
	case MSR_IA32_SYSENTER_EIP: v->sysenter_eip = data; break;
	case MSR_IA32_CR_PAT:	v->g_pat = data; break;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		break;
	default:
		return -ENOENT;
	}
	return 0;
}
