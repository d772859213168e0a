// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCS: the controls every vCPU gets, the x86 power-on state, and
 * conversion of guest state to and from the ABI's structs and MSRs. Intel
 * SDM vol. 3, chapter 25 (VMCS layout), 26.3.1 (what VM entry checks of the
 * guest state) and appendix B (field encodings).
 *
 * Process context, vCPU mutex held (or the vCPU not yet visible). Every
 * function makes the VMCS current for itself (vmx_vmcs_enter()), so it may
 * be called inside VMEM_RUN or from any other vCPU ioctl.
 */
#include <linux/mm.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/segment.h>
#include <asm/traps.h>

#include "vmx.h"

/*
 * The core's segment access rights (VMEM_AR_*) are laid out as the VMCS
 * holds them (SDM vol. 3, table 25-2), so they go in and out unchanged.
 */
static_assert(VMEM_AR_TYPE == VMX_AR_TYPE_MASK);
static_assert(VMEM_AR_S == VMX_AR_S_MASK);
static_assert(VMEM_AR_DPL_SHIFT == VMX_AR_DPL_SHIFT);
static_assert(VMEM_AR_P == VMX_AR_P_MASK);
static_assert(VMEM_AR_L == VMX_AR_L_MASK);
static_assert(VMEM_AR_DB == VMX_AR_DB_MASK);
static_assert(VMEM_AR_G == VMX_AR_G_MASK);
static_assert(VMEM_AR_UNUSABLE == VMX_AR_UNUSABLE_MASK);

/**
 * vmx_write_cr0() - give the guest CR0 value @cr0: the shadow holds it as
 * the guest reads it, the real register has the bits VMX operation forces
 * (SDM vol. 3, 25.6.6 guest/host masks; A.7). Unrestricted guest lets PE and
 * PG take any value (26.3.1.1). VMCS current.
 * @cr0: the guest's value
 */
void vmx_write_cr0(u64 cr0)
{
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | vmx_caps.cr0_set) & ~vmx_caps.cr0_clear);
}

/**
 * vmx_write_cr4() - the same for CR4, whose VMXE the guest never sees set.
 * @cr4: the guest's value
 */
void vmx_write_cr4(u64 cr4)
{
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | vmx_caps.cr4_set) & ~vmx_caps.cr4_clear);
}

static u64 guest_view(unsigned long real, unsigned long shadow, u64 mask)
{
	return (vmcs_read(real) & ~mask) | (vmcs_read(shadow) & mask);
}

/** vmx_guest_cr0() - CR0 as the guest sees it. VMCS current. */
u64 vmx_guest_cr0(void)
{
	return guest_view(GUEST_CR0, CR0_READ_SHADOW,
			  vmx_caps.cr0_set | vmx_caps.cr0_clear);
}

/** vmx_guest_cr4() - CR4 as the guest sees it. VMCS current. */
u64 vmx_guest_cr4(void)
{
	return guest_view(GUEST_CR4, CR4_READ_SHADOW,
			  vmx_caps.cr4_set | vmx_caps.cr4_clear);
}

/* EFER and the "IA-32e mode guest" entry control must agree (26.3.1.1). */
static void vmx_write_efer(struct vmx_vcpu *vx, u64 efer)
{
	vmcs_write(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		vx->entry_ctl |= VM_ENTRY_IA32E_MODE;
	else
		vx->entry_ctl &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write(VM_ENTRY_CONTROLS, vx->entry_ctl);
}

/**
 * vmx_vmcs_setup() - controls and constant host state of a new vCPU, then
 * the power-on state.
 * @vcpu: the vCPU
 *
 * Exits: external interrupts and NMIs (they belong to the host); HLT, all
 * port I/O (unconditional I/O exiting) and all MSR accesses (no MSR bitmap:
 * every RDMSR/WRMSR exits, 26.1.3); MOV DR; MOV CR8 both ways (without a
 * TPR shadow the guest would write the real TPR); RDPMC, MONITOR and
 * MWAIT, which the guest must not execute on the real CPU; #AC, whose
 * endless delivery loop would otherwise hang the host (CVE-2015-5307).
 * CPUID, INVD, XSETBV, triple faults and the VMX instructions always exit.
 * Guest-physical addresses go through EPT, tagged with the vCPU's VPID.
 */
void vmx_vmcs_setup(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	bool temp = vmx_vmcs_enter(vx);
	u32 proc2 = vmx_caps.proc2;

	if (!vx->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
	if (vmx_caps.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmx_caps.preemption_timer);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_caps.proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write(VM_EXIT_CONTROLS, vmx_caps.exit);
	vx->entry_ctl = vmx_caps.entry;
	vmcs_write(VM_ENTRY_CONTROLS, vx->entry_ctl);
	if (vx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vx->vpid);
	vmcs_write(EPT_POINTER, vx->eptp);
	/* #MC: the host's (vmem_machine_check); #AC: see exit.c. */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_AC) | BIT(X86_TRAP_MC));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	/*
	 * Counts and lists that must be 0 here: VMCLEAR does not promise to
	 * initialize them (a stale VM-exit MSR-load count is a VMX abort).
	 */
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(CR0_GUEST_HOST_MASK, vmx_caps.cr0_set | vmx_caps.cr0_clear);
	vmcs_write(CR4_GUEST_HOST_MASK, vmx_caps.cr4_set | vmx_caps.cr4_clear);
	/* No shadow VMCS (26.3.1.5 wants all ones then). */
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);

	/* Host state that never changes; the rest is set at vcpu_load. */
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)vmx_vmexit);

	vmx_vmcs_exit(vx, temp);
	vmx_vcpu_reset(vcpu);
}

/*
 * Segment @seg, an index in VMEM_SREGS_SEGS() order, which is that of the
 * VMCS field encodings (appendix B).
 */
static void seg_to_abi(int seg, struct vmem_segment *a)
{
	a->selector = vmcs_read(GUEST_ES_SELECTOR + 2 * seg);
	a->base = vmcs_read(GUEST_ES_BASE + 2 * seg);
	a->limit = vmcs_read(GUEST_ES_LIMIT + 2 * seg);
	vmem_seg_set_ar(a, vmcs_read(GUEST_ES_AR_BYTES + 2 * seg));
}

static void seg_from_abi(int seg, const struct vmem_segment *a)
{
	vmcs_write(GUEST_ES_SELECTOR + 2 * seg, a->selector);
	vmcs_write(GUEST_ES_BASE + 2 * seg, a->base);
	vmcs_write(GUEST_ES_LIMIT + 2 * seg, a->limit);
	vmcs_write(GUEST_ES_AR_BYTES + 2 * seg, vmem_seg_ar(a));
}

/*
 * Write system registers that passed the checks (or the reset state).
 * VMCS current. The VPID's cached translations are dropped at the next
 * entry, since the guest's paging state changed without the guest doing it.
 */
static void vmx_load_sregs(struct vmx_vcpu *vx, const struct vmem_sregs *s)
{
	const struct vmem_segment *seg[] = VMEM_SREGS_SEGS(s);
	int i;

	for (i = 0; i < VMEM_NR_SEGS; i++)
		seg_from_abi(i, seg[i]);
	vmcs_write(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s->idt.limit);
	vmx_write_cr0(s->cr0);
	vmcs_write(GUEST_CR3, s->cr3);
	vmx_write_cr4(s->cr4);
	vmx_write_efer(vx, s->efer);
	vx->cr2 = s->cr2;
	vx->cr8 = s->cr8;
	vx->flush_vpid = true;
}

/**
 * vmx_vcpu_reset() - the x86 power-on state (x86.c), as unrestricted guest
 * allows it to run directly, and the guest state around it that the VMCS
 * holds.
 * @vcpu: the vCPU
 */
void vmx_vcpu_reset(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	bool temp = vmx_vmcs_enter(vx);

	vmx_load_sregs(vx, &vmem_reset_sregs);
	vmcs_write(GUEST_DR7, VMEM_DR7_FIXED_1);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_IA32_PAT, VMEM_PAT_RESET);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(TSC_OFFSET, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vx->intr_state = 0;
	vmx_vmcs_exit(vx, temp);

	preempt_disable();
	if (vx->loaded)
		vmx_put_guest_msrs(vx);
	memset(&vx->msrs, 0, sizeof(vx->msrs));
	if (vx->loaded)
		vmx_load_guest_msrs(vx);
	preempt_enable();
	vcpu_reset_regs(vcpu);
}

/**
 * vmx_get_sregs() - the guest's system registers.
 * @vcpu: the vCPU
 * @s: filled in
 */
void vmx_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *s)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmem_segment *seg[] = VMEM_SREGS_SEGS(s);
	bool temp = vmx_vmcs_enter(vx);
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < VMEM_NR_SEGS; i++)
		seg_to_abi(i, seg[i]);
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0();
	s->cr3 = vmcs_read(GUEST_CR3);
	s->cr4 = vmx_guest_cr4();
	s->efer = vmcs_read(GUEST_IA32_EFER);
	vmx_vmcs_exit(vx, temp);
	s->cr2 = vx->cr2;
	s->cr8 = vx->cr8;
	s->apic_base = vcpu_apic_base(vcpu);
}

/**
 * vmx_set_sregs() - load the guest's system registers after checking that
 * the combination is one a real CPU could be in (vmem_sregs_valid()) and
 * one this CPU can run: VMX operation forces some CR4 bits to 0 (A.8).
 * CR8, which only this backend holds, has bits 63:4 reserved.
 * @vcpu: the vCPU
 * @s: the new state
 *
 * Return: 0, or -EINVAL for reserved bits, a CR4 bit this CPU cannot run
 * the guest with, or an inconsistent paging mode.
 */
int vmx_set_sregs(struct vmem_vcpu *vcpu, const struct vmem_sregs *s)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	bool temp;

	if (!vmem_sregs_valid(s, VMEM_EFER_GUEST_BITS,
			      VMEM_CR4_GUEST_BITS & ~vmx_caps.cr4_clear) ||
	    s->cr8 > 15)
		return -EINVAL;
	temp = vmx_vmcs_enter(vx);
	vmx_load_sregs(vx, s);
	vmx_vmcs_exit(vx, temp);
	return 0;
}

/* The guest MSRs that live in a VMCS field. */
static unsigned long msr_field(u32 index)
{
	switch (index) {
	case MSR_FS_BASE:		return GUEST_FS_BASE;
	case MSR_GS_BASE:		return GUEST_GS_BASE;
	case MSR_IA32_SYSENTER_CS:	return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:	return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:	return GUEST_SYSENTER_EIP;
	case MSR_IA32_CR_PAT:		return GUEST_IA32_PAT;
	case MSR_EFER:			return GUEST_IA32_EFER;
	default:			return 0;
	}
}

/* The guest MSRs without a VMCS field (see struct vmx_guest_msrs). */
static u64 *msr_slot(struct vmx_vcpu *vx, u32 index)
{
	switch (index) {
	case MSR_STAR:			return &vx->msrs.star;
	case MSR_LSTAR:			return &vx->msrs.lstar;
	case MSR_CSTAR:			return &vx->msrs.cstar;
	case MSR_SYSCALL_MASK:		return &vx->msrs.sfmask;
	case MSR_KERNEL_GS_BASE:	return &vx->msrs.kernel_gs_base;
	default:			return NULL;
	}
}

/**
 * vmx_get_msr() - MSRs whose guest value the backend holds.
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: value
 *
 * Return: 0, or -ENOENT when the core must handle @index.
 */
int vmx_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long field = msr_field(index);
	u64 *slot = msr_slot(vx, index);
	bool temp;

	if (field || index == MSR_IA32_TSC) {
		temp = vmx_vmcs_enter(vx);
		if (field)
			*data = vmcs_read(field);
		else
			*data = rdtsc() + vmcs_read(TSC_OFFSET);
		vmx_vmcs_exit(vx, temp);
		return 0;
	}
	if (!slot)
		return -ENOENT;
	preempt_disable();
	/* SWAPGS changes it without an exit. */
	if (vx->loaded && index == MSR_KERNEL_GS_BASE)
		rdmsrl(MSR_KERNEL_GS_BASE, vx->msrs.kernel_gs_base);
	*data = *slot;
	preempt_enable();
	return 0;
}

/* Write a VMCS-held MSR; EFER is checked here. VMCS current. */
static int vmx_set_field_msr(struct vmx_vcpu *vx, u32 index,
			     unsigned long field, u64 data)
{
	u64 efer, new;

	if (index != MSR_EFER) {
		vmcs_write(field, data);
		return 0;
	}
	efer = vmcs_read(GUEST_IA32_EFER);
	if (!vmem_wrmsr_efer(efer, data, VMEM_EFER_GUEST_BITS, &new))
		return -EINVAL;
	/* LME may not change while paging is on (SDM vol. 3, 10.8.5). */
	if (((data ^ efer) & EFER_LME) && (vmx_guest_cr0() & X86_CR0_PG))
		return -EINVAL;
	vmx_write_efer(vx, new);
	return 0;
}

/**
 * vmx_set_msr() - write MSRs whose guest value the backend holds, with
 * the value already checked as WRMSR does on any CPU (msr.c).
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: value
 *
 * Return: 0, -EINVAL (the guest gets #GP), or -ENOENT for the core.
 */
int vmx_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned long field = msr_field(index);
	u64 *slot = msr_slot(vx, index);
	bool temp;
	int r = 0;

	if (field || index == MSR_IA32_TSC) {
		temp = vmx_vmcs_enter(vx);
		if (field)
			r = vmx_set_field_msr(vx, index, field, data);
		else
			vmcs_write(TSC_OFFSET, data - rdtsc());
		vmx_vmcs_exit(vx, temp);
		return r;
	}
	if (!slot)
		return -ENOENT;
	preempt_disable();
	if (vx->loaded)
		vmx_put_guest_msrs(vx);
	*slot = data;
	if (vx->loaded)
		vmx_load_guest_msrs(vx);
	preempt_enable();
	return 0;
}
