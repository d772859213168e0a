// SPDX-License-Identifier: GPL-2.0
/*
 * Entering the guest on VT-x: register sync, the host state that must be
 * fresh at each entry, cached-translation flushes, event injection and the
 * re-injection of an event whose delivery an exit interrupted.
 *
 * vmx_vcpu_run() and vmx_flush_guest_tlb() run with interrupts disabled on
 * the entering CPU, the vCPU loaded there (host.c). The entry itself is
 * enter.c (noinstr) and vmenter.S.
 */
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/processor.h>
#include <asm/traps.h>

#include "vmx.h"

/*
 * Flush the L1 data cache before each entry, so a guest cannot read host
 * data through L1TF (Documentation/admin-guide/hw-vuln/l1tf.rst). Decided
 * once, at probe.
 */
bool vmx_flush_l1d;

/**
 * vmx_flush_guest_tlb() - drop the VM's cached translations on this CPU;
 * other CPUs are flushed when the vCPU next loads there (host.c).
 * @vcpu: the vCPU
 */
void vmx_flush_guest_tlb(struct vmem_vcpu *vcpu)
{
	ept_flush_context(to_vmx(vcpu)->eptp);
}

/**
 * vmx_inject_exception() - deliver an exception at the next entry (SDM vol.
 * 3, 27.6). Real mode pushes no error code, and VM entry refuses one there
 * (26.2.1.3).
 * @vcpu: the vCPU
 * @vector: exception vector
 * @has_error: push @error
 * @error: the error code
 */
void vmx_inject_exception(struct vmem_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	bool temp = vmx_vmcs_enter(vx);
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error && (vmx_guest_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
	vmx_vmcs_exit(vx, temp);
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring
 * information, 28.2.4) must deliver it again. Software interrupts and
 * exceptions need the length of the instruction that raised them (27.6.1).
 */
static void vmx_requeue_event(void)
{
	u32 info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SOFT_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN,
			   vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	/* Bit 12 of the vectoring information is undefined; 0 on entry. */
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
}

/*
 * Blocking by STI or MOV SS covers the next instruction only: it is gone
 * once the core moved past the exiting instruction, and STI blocking is
 * invalid with IF clear (26.3.1.5).
 */
static void vmx_update_intr_state(struct vmem_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u32 intr = vx->intr_state;

	if (vcpu->rip != vx->exit_rip)
		intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (!(vcpu->rflags & X86_EFLAGS_IF))
		intr &= ~GUEST_INTR_STATE_STI;
	if (intr != vx->intr_state) {
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr);
		vx->intr_state = intr;
	}
}

/*
 * A guest may switch to or from long mode without an exit; VM exits save
 * EFER (including LMA), and the next entry wants "IA-32e mode guest" to
 * match it (26.3.1.1).
 */
static void vmx_sync_ia32e(struct vmx_vcpu *vx)
{
	bool lma = vmcs_read(GUEST_IA32_EFER) & EFER_LMA;

	if (lma != !!(vx->entry_ctl & VM_ENTRY_IA32E_MODE)) {
		vx->entry_ctl ^= VM_ENTRY_IA32E_MODE;
		vmcs_write(VM_ENTRY_CONTROLS, vx->entry_ctl);
	}
}

/**
 * vmx_vcpu_run() - one VMLAUNCH or VMRESUME.
 * @vcpu: the vCPU, loaded on this CPU
 * @exit: filled in from the VMCS
 */
void vmx_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	if (vx->flush_vpid && vx->vpid)
		vmx_flush_vpid(vx->vpid);
	vx->flush_vpid = false;
	vmx_update_intr_state(vcpu, vx);
	vmcs_write(GUEST_RSP, vcpu->regs[VCPU_REGS_RSP]);
	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write(GUEST_RFLAGS, vcpu->rflags);
	vmx_set_host_cr3_cr4(vx);

	vx->entry_failed = vmx_enter_exit(vcpu->regs, &vx->cr2, vx->launched,
					  vmx_flush_l1d);

	/* VM exits clear DR7 and IA32_DEBUGCTL (28.5.1): the host's back. */
	vmem_restore_host_dr();
	if (vx->host.debugctl)
		update_debugctlmsr(vx->host.debugctl);

	vx->exit_reason = vx->entry_failed ? 0 : vmcs_read(VM_EXIT_REASON);
	if (!vx->entry_failed &&
	    !(vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		vx->launched = true;
		vcpu->regs[VCPU_REGS_RSP] = vmcs_read(GUEST_RSP);
		vcpu->rip = vmcs_read(GUEST_RIP);
		vcpu->rflags = vmcs_read(GUEST_RFLAGS);
		vx->exit_rip = vcpu->rip;
		vx->intr_state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
		vmx_sync_ia32e(vx);
		vmx_requeue_event();
	}
	vmx_translate_exit(vcpu, exit);
}
