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

/* DR7 bit 10 always reads as one (Intel SDM vol. 3, 18.2.4). */
#define VMEM_DR7_FIXED_1	0x400ULL

#define SEG_ATTR_TYPE(t)	((t) & 0xf)
#define SEG_ATTR_S		BIT(4)
#define SEG_ATTR_DPL(d)		(((d) & 3) << 5)
#define SEG_ATTR_P		BIT(7)
#define SEG_ATTR_AVL		BIT(8)
#define SEG_ATTR_L		BIT(9)
#define SEG_ATTR_DB		BIT(10)
#define SEG_ATTR_G		BIT(11)

#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR)
#define CR4_GUEST_BITS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			 X86_CR4_FSGSBASE | X86_CR4_PCIDE | X86_CR4_OSXSAVE | \
			 X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP)

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

static void seg_init(struct vmcb_seg *seg, u16 sel, u64 base, u16 attrib)
{
	seg->selector = sel;
	seg->base = base;
	seg->limit = 0xffff;
	seg->attrib = attrib;
}

/**
 * svm_vmcb_reset() - intercepts and the x86 power-on state.
 * @vcpu: the vCPU
 *
 * Intercepted: host interrupts, NMIs and SMIs (they must reach the host);
 * all port I/O and MSRs; CPUID, HLT, XSETBV, debug registers, VMMCALL and
 * shutdown; SVM instructions, MONITOR/MWAIT, RDPMC and INVD, which a guest
 * must not execute on the real CPU; and #AC, whose endless delivery loop
 * would otherwise hang the host (CVE-2015-5307).
 */
void svm_vmcb_reset(struct vmem_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_control_area *c = &sv->vmcb->control;
	struct vmcb_save_area *s = &sv->vmcb->save;
	static const int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_HLT, INTERCEPT_INVD, INTERCEPT_RDPMC,
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

	/* Power-on state: real mode at F000:FFF0 (APM vol. 2, 14.1.3). */
	seg_init(&s->cs, 0xf000, 0xffff0000, SEG_ATTR_P | SEG_ATTR_S | 0xb);
	seg_init(&s->ds, 0, 0, SEG_ATTR_P | SEG_ATTR_S | 0x3);
	s->es = s->ss = s->fs = s->gs = s->ds;
	seg_init(&s->ldtr, 0, 0, SEG_ATTR_P | 0x2);
	seg_init(&s->tr, 0, 0, SEG_ATTR_P | 0x3);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->cr0 = X86_CR0_ET;
	s->efer = EFER_SVME;	/* required in the guest VMCB; hidden from it */
	s->dr6 = DR6_RESERVED;
	s->dr7 = VMEM_DR7_FIXED_1;
	s->g_pat = 0x0007040600070406ULL;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[VCPU_REGS_RDX] = 0x600;	/* family 6: what CPUs report */
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->dr[0] = vcpu->dr[1] = vcpu->dr[2] = vcpu->dr[3] = 0;
	vcpu->dr[4] = DR6_RESERVED;
	vcpu->dr[5] = VMEM_DR7_FIXED_1;
	vcpu->pending = VCPU_PENDING_NONE;
	sv->last_cpu = -1;
}

static void seg_to_abi(const struct vmcb_seg *v, struct vmem_segment *a)
{
	a->selector = v->selector;
	a->base = v->base;
	a->limit = v->limit;
	a->type = v->attrib & 0xf;
	a->s = !!(v->attrib & SEG_ATTR_S);
	a->dpl = (v->attrib >> 5) & 3;
	a->present = !!(v->attrib & SEG_ATTR_P);
	a->avl = !!(v->attrib & SEG_ATTR_AVL);
	a->l = !!(v->attrib & SEG_ATTR_L);
	a->db = !!(v->attrib & SEG_ATTR_DB);
	a->g = !!(v->attrib & SEG_ATTR_G);
	a->unusable = !a->present;
	a->padding = 0;
}

static void seg_from_abi(struct vmcb_seg *v, const struct vmem_segment *a)
{
	v->selector = a->selector;
	v->base = a->base;
	v->limit = a->limit;
	v->attrib = a->unusable ? 0 :
		    SEG_ATTR_TYPE(a->type) | (a->s ? SEG_ATTR_S : 0) |
		    SEG_ATTR_DPL(a->dpl) | (a->present ? SEG_ATTR_P : 0) |
		    (a->avl ? SEG_ATTR_AVL : 0) | (a->l ? SEG_ATTR_L : 0) |
		    (a->db ? SEG_ATTR_DB : 0) | (a->g ? SEG_ATTR_G : 0);
}

/**
 * svm_get_sregs() - the guest's system registers.
 * @vcpu: the vCPU
 * @s: filled in
 */
void svm_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *s)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;

	memset(s, 0, sizeof(*s));
	seg_to_abi(&v->cs, &s->cs);
	seg_to_abi(&v->ds, &s->ds);
	seg_to_abi(&v->es, &s->es);
	seg_to_abi(&v->fs, &s->fs);
	seg_to_abi(&v->gs, &s->gs);
	seg_to_abi(&v->ss, &s->ss);
	seg_to_abi(&v->tr, &s->tr);
	seg_to_abi(&v->ldtr, &s->ldt);
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = v->idtr.limit;
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->efer = v->efer & ~EFER_SVME;
	s->apic_base = APIC_DEFAULT_PHYS_BASE |
		       (vcpu->id ? 0 : MSR_IA32_APICBASE_BSP);
}

/**
 * svm_set_sregs() - load the guest's system registers after checking that
 * the combination is one a real CPU could be in.
 * @vcpu: the vCPU
 * @s: the new state
 *
 * Return: 0, or -EINVAL for reserved bits or an inconsistent paging mode.
 */
int svm_set_sregs(struct vmem_vcpu *vcpu, const struct vmem_sregs *s)
{
	struct vmcb_save_area *v = &to_svm(vcpu)->vmcb->save;
	bool lma = s->efer & EFER_LMA;

	if ((s->cr0 >> 32) || (s->cr4 & ~CR4_GUEST_BITS) ||
	    (s->efer & ~EFER_GUEST_BITS))
		return -EINVAL;
	if (((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE)) ||
	    ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD)))
		return -EINVAL;
	/* Long mode is active exactly when enabled and paging is on. */
	if (lma != ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)))
		return -EINVAL;
	if (lma && (!(s->cr4 & X86_CR4_PAE) || (s->cs.l && s->cs.db)))
		return -EINVAL;
	if ((s->cr4 & X86_CR4_OSXSAVE) && !boot_cpu_has(X86_FEATURE_XSAVE))
		return -EINVAL;

	seg_from_abi(&v->cs, &s->cs);
	seg_from_abi(&v->ds, &s->ds);
	seg_from_abi(&v->es, &s->es);
	seg_from_abi(&v->fs, &s->fs);
	seg_from_abi(&v->gs, &s->gs);
	seg_from_abi(&v->ss, &s->ss);
	seg_from_abi(&v->tr, &s->tr);
	seg_from_abi(&v->ldtr, &s->ldt);
	v->cpl = (v->cs.attrib >> 5) & 3;
	v->gdtr.base = s->gdt.base;
	v->gdtr.limit = s->gdt.limit;
	v->idtr.base = s->idt.base;
	v->idtr.limit = s->idt.limit;
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	v->efer = s->efer | EFER_SVME;
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
 * svm_set_msr() - write MSRs whose guest value lives in the VMCB.
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

	switch (index) {
	case MSR_EFER:
		if (data & ~EFER_GUEST_BITS)
			return -EINVAL;
		/* LMA is the CPU's to set; the guest cannot change it. */
		v->efer = (data & ~EFER_LMA) | (v->efer & EFER_LMA) | EFER_SVME;
		break;
	case MSR_STAR:		v->star = data; break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!__is_canonical_address(data, 48))
			return -EINVAL;
		if (index == MSR_LSTAR)
			v->lstar = data;
		else if (index == MSR_CSTAR)
			v->cstar = data;
		else if (index == MSR_KERNEL_GS_BASE)
			v->kernel_gs_base = data;
		else if (index == MSR_FS_BASE)
			v->fs.base = data;
		else
			v->gs.base = data;
		break;
	case MSR_SYSCALL_MASK:	v->sfmask = (u32)data; break;
	case MSR_IA32_SYSENTER_CS: v->sysenter_cs = (u32)data; break;
	case MSR_IA32_SYSENTER_ESP: v->sysenter_esp = data; break;
	case MSR_IA32_SYSENTER_EIP: v->sysenter_eip = data; break;
	case MSR_IA32_CR_PAT:
		if (!vmem_pat_valid(data))
			return -EINVAL;
		v->g_pat = data;
		break;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		break;
	default:
		return -ENOENT;
	}
	return 0;
}
