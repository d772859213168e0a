// SPDX-License-Identifier: GPL-2.0
/*
 * Translating a VM exit into a struct vmem_exit (Intel SDM vol. 3, appendix
 * C basic exit reasons; 28.2.1 exit qualifications). VM_EXIT_INSTRUCTION_LEN
 * gives the length of every exiting instruction.
 *
 * Two kinds of exit are completed here because only VMX has them: a host
 * NMI goes to the host's handler at once (the exit left NMIs blocked), a
 * host interrupt that the exit acknowledged (28.2.2) is kept for
 * vmx_handle_exit_irqoff(), which the core calls once the host's XCR0 and
 * PKRU are back; and MOV to/from a control
 * register that the guest may not own (CR0.NE and CR4.VMXE, which VMX
 * forces to 1, and CR8, which would otherwise reach the real TPR) is
 * emulated; the core then moves past the instruction (VX_NOP).
 *
 * Runs right after the exit, interrupts disabled, the VMCS current.
 */
#include <linux/ratelimit.h>
#include <asm/cpu.h>
#include <asm/idtentry.h>
#include <asm/traps.h>

#include "vmx.h"

/* EPT-violation exit qualification (28.2.1, table 28-7). */
#define EPT_QUAL_WRITE		BIT(1)
#define EPT_QUAL_FETCH		BIT(2)
#define EPT_QUAL_PRESENT	(BIT(3) | BIT(4) | BIT(5))	/* R/W/X allowed */

/* I/O-instruction exit qualification (table 28-5). */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_REP		BIT(5)
#define IO_QUAL_PORT(q)		((q) >> 16)

/* Control-register access exit qualification (table 28-3). */
#define CR_QUAL_CR(q)		((q) & 15)
#define CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define CR_QUAL_GPR(q)		(((q) >> 8) & 15)
#define CR_TYPE_MOV_TO		0
#define CR_TYPE_MOV_FROM	1

/* VM-instruction errors a VM entry can report (31.4). */
static const char *const vmx_entry_errors[] = {
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS] = "VMLAUNCH with a non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS] = "VMRESUME with a non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF] = "VMRESUME after VMXOFF",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELD] = "invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELD] = "invalid host-state field(s)",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] = "events blocked by MOV SS",
};

/* Exit qualification of a failed entry's "invalid guest state" (27.8). */
static const char *const vmx_guest_state_errors[] = {
	[ENTRY_FAIL_DEFAULT] = "invalid guest state",
	[ENTRY_FAIL_PDPTE] = "invalid guest PDPTEs",
	[ENTRY_FAIL_NMI] = "NMI injection",
	[ENTRY_FAIL_VMCS_LINK_PTR] = "invalid VMCS link pointer",
};

static const char *vmx_entry_error(struct vmx_vcpu *vx, u64 code)
{
	u16 basic = vx->exit_reason;
	u64 qual;

	if (vx->entry_failed)
		return code < ARRAY_SIZE(vmx_entry_errors) &&
		       vmx_entry_errors[code] ? vmx_entry_errors[code] :
		       "VM-instruction failure";
	if (basic == EXIT_REASON_MSR_LOAD_FAIL)
		return "MSR loading";
	if (basic == EXIT_REASON_MCE_DURING_VMENTRY)
		return "machine check";
	qual = vmcs_read(EXIT_QUALIFICATION);
	return qual < ARRAY_SIZE(vmx_guest_state_errors) &&
	       vmx_guest_state_errors[qual] ? vmx_guest_state_errors[qual] :
	       "invalid guest state";
}

/*
 * The VM entry was refused: VMfail with a VM-instruction error (31.4), or a
 * VM exit with bit 31 set (27.8). @code is what userspace gets.
 */
static void vmx_entry_failure(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	exit->kind = VX_FAIL_ENTRY;
	exit->hw_reason = vx->entry_failed ? vmcs_read(VM_INSTRUCTION_ERROR) :
			  vx->exit_reason;
	pr_err_ratelimited("vmem: VM entry failed for vCPU %u of VM %s: %s (%#llx); cr0 %llx cr3 %llx cr4 %llx efer %llx rip %llx rflags %llx cs %llx/%llx ss %llx/%llx tr %llx/%llx intr %llx/%llx ctl %llx/%llx/%llx/%llx/%llx\n",
			   vcpu->id, vcpu->vm->name,
			   vmx_entry_error(vx, exit->hw_reason), exit->hw_reason,
			   vmcs_read(GUEST_CR0), vmcs_read(GUEST_CR3),
			   vmcs_read(GUEST_CR4), vmcs_read(GUEST_IA32_EFER),
			   vmcs_read(GUEST_RIP), vmcs_read(GUEST_RFLAGS),
			   vmcs_read(GUEST_CS_SELECTOR), vmcs_read(GUEST_CS_AR_BYTES),
			   vmcs_read(GUEST_SS_SELECTOR), vmcs_read(GUEST_SS_AR_BYTES),
			   vmcs_read(GUEST_TR_SELECTOR), vmcs_read(GUEST_TR_AR_BYTES),
			   vmcs_read(GUEST_INTERRUPTIBILITY_INFO),
			   vmcs_read(VM_ENTRY_INTR_INFO_FIELD),
			   vmcs_read(PIN_BASED_VM_EXEC_CONTROL),
			   vmcs_read(CPU_BASED_VM_EXEC_CONTROL),
			   vmcs_read(SECONDARY_VM_EXEC_CONTROL),
			   vmcs_read(VM_ENTRY_CONTROLS),
			   vmcs_read(VM_EXIT_CONTROLS));
}

static void vmx_unhandled(struct vmem_exit *exit, u64 qual, u64 info)
{
	exit->kind = VX_INTERNAL;
	exit->internal.suberror = VMEM_INTERNAL_ERROR_UNHANDLED_EXIT;
	exit->internal.ndata = 3;
	exit->internal.data[0] = exit->hw_reason;
	exit->internal.data[1] = qual;
	exit->internal.data[2] = info;
}

/**
 * vmx_handle_exit_irqoff() - the host interrupt that the last exit
 * acknowledged goes through the host's IDT (SDM vol. 3, 28.2.2), now that
 * the host's XCR0 and PKRU are back: its handler, and the softirqs that may
 * run after it, can use any of the host's FPU state. Interrupts disabled.
 * @vcpu: the vCPU that just left guest mode
 */
void vmx_handle_exit_irqoff(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u32 info = vx->host_irq;

	if (!info)
		return;
	vx->host_irq = 0;
	vmx_do_interrupt_irqoff(gate_offset(vmx_host_idt +
					    (info & INTR_INFO_VECTOR_MASK)));
}

/*
 * #AC is intercepted so that a guest cannot loop on it (CVE-2015-5307).
 * It is the guest's when the guest asked for alignment checks (CR0.AM,
 * RFLAGS.AC, CPL 3) or the CPU has no split-lock detection; otherwise it is
 * the host's split-lock detector firing on a guest's locked access across
 * a cache line, which the host's policy handles (warn and let it go, or
 * not). A guest that broke that policy goes to userspace.
 */
static void vmx_alignment_check(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	bool guest_ac = (vmx_guest_cr0() & X86_CR0_AM) &&
			(vcpu->rflags & X86_EFLAGS_AC) &&
			((vmcs_read(GUEST_SS_AR_BYTES) >> 5) & 3) == 3;

	exit->kind = VX_NONE;
	if (guest_ac || !boot_cpu_has(X86_FEATURE_SPLIT_LOCK_DETECT))
		vmx_inject_exception(vcpu, X86_TRAP_AC, true,
				     vmcs_read(VM_EXIT_INTR_ERROR_CODE));
	else if (!handle_guest_split_lock(vcpu->rip))
		vmx_unhandled(exit, 0, vmcs_read(VM_EXIT_INTR_INFO));
}

/* Exception or NMI (exit reason 0): the interruption information, 28.2.2. */
static void vmx_exception_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u32 info = vmcs_read(VM_EXIT_INTR_INFO);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if (type == INTR_TYPE_NMI_INTR) {
		/* The NMI was the host's: let its handler see it now. */
		vmx_do_interrupt_irqoff((unsigned long)asm_exc_nmi_noist);
		exit->kind = VX_NONE;
	} else if (type == INTR_TYPE_HARD_EXCEPTION && vector == X86_TRAP_MC) {
		vmem_machine_check();
		exit->kind = VX_NONE;
	} else if (type == INTR_TYPE_HARD_EXCEPTION && vector == X86_TRAP_AC) {
		vmx_alignment_check(vcpu, exit);
	} else {
		vmx_unhandled(exit, vmcs_read(EXIT_QUALIFICATION), info);
	}
}

/*
 * MOV to CR0 that changes a bit VMX forces (NE): check it as the CPU would,
 * switch long mode on or off with paging as the CPU would (SDM vol. 3,
 * 10.8.5), and give the guest its value.
 */
static enum vmem_exit_kind vmx_mov_to_cr0(struct vmx_vcpu *vx, u64 cr0)
{
	u64 old = vmx_guest_cr0(), efer = vmcs_read(GUEST_IA32_EFER);
	bool pg_on = !(old & X86_CR0_PG) && (cr0 & X86_CR0_PG);
	bool pg_off = (old & X86_CR0_PG) && !(cr0 & X86_CR0_PG);

	if (!vmem_cr0_valid(cr0))
		return VX_INJECT_GP;
	if (pg_on && (efer & EFER_LME)) {
		if (!(vmx_guest_cr4() & X86_CR4_PAE))
			return VX_INJECT_GP;
		efer |= EFER_LMA;
	} else if (pg_off && (efer & EFER_LMA)) {
		/* Only from compatibility mode, never from 64-bit code. */
		if (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK)
			return VX_INJECT_GP;
		efer &= ~EFER_LMA;
	}
	vmx_write_cr0(cr0);
	if (efer != vmcs_read(GUEST_IA32_EFER)) {
		vmcs_write(GUEST_IA32_EFER, efer);
		vx->entry_ctl ^= VM_ENTRY_IA32E_MODE;
		vmcs_write(VM_ENTRY_CONTROLS, vx->entry_ctl);
	}
	/* The instruction would have flushed the guest's TLB. */
	vx->flush_vpid = true;
	return VX_NOP;
}

/*
 * Control-register access (28.2.1, table 28-3). Only what the guest/host
 * masks and the CR8 exiting controls send here can arrive: MOV to CR0
 * changing NE, MOV to CR4 setting a bit VMX keeps (VMXE: no nesting) or
 * one this CPU lacks, and MOV to/from CR8, kept in vx->cr8.
 */
static enum vmem_exit_kind vmx_cr_access(struct vmem_vcpu *vcpu, u64 qual)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 *gpr = &vcpu->regs[CR_QUAL_GPR(qual)];
	u32 cr = CR_QUAL_CR(qual);

	switch (CR_QUAL_TYPE(qual)) {
	case CR_TYPE_MOV_TO:
		if (cr == 0)
			return vmx_mov_to_cr0(vx, *gpr);
		if (cr == 4)
			return VX_INJECT_GP;
		if (cr == 8) {
			if (*gpr > 15)
				return VX_INJECT_GP;
			vx->cr8 = *gpr;
			return VX_NOP;
		}
		break;
	case CR_TYPE_MOV_FROM:
		if (cr == 8) {
			*gpr = vx->cr8;
			return VX_NOP;
		}
		break;
	}
	return VX_INTERNAL;
}

/**
 * vmx_translate_exit() - fill @exit from the VMCS's exit fields.
 * @vcpu: the vCPU that just exited (or failed to enter)
 * @exit: result
 */
void vmx_translate_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 qual;
	u32 info;

	memset(exit, 0, sizeof(*exit));
	exit->hw_reason = vx->exit_reason;
	if (vx->entry_failed ||
	    (vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		if (!vx->entry_failed &&
		    (u16)vx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY)
			vmem_machine_check();
		vmx_entry_failure(vcpu, exit);
		return;
	}
	exit->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	qual = vmcs_read(EXIT_QUALIFICATION);

	switch ((u16)vx->exit_reason) {
	case EXIT_REASON_EXCEPTION_NMI:
		vmx_exception_exit(vcpu, exit);
		break;
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		info = vmcs_read(VM_EXIT_INTR_INFO);
		if (info & INTR_INFO_VALID_MASK)
			vx->host_irq = info;
		exit->kind = VX_NONE;
		break;
	case EXIT_REASON_INIT_SIGNAL:
	case EXIT_REASON_PREEMPTION_TIMER:
		exit->kind = VX_NONE;
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		exit->kind = VX_SHUTDOWN;
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		exit->kind = VX_IO;
		exit->io.port = IO_QUAL_PORT(qual);
		exit->io.size = IO_QUAL_SIZE(qual);
		exit->io.in = qual & IO_QUAL_IN;
		exit->io.string = qual & IO_QUAL_STRING;
		exit->io.rep = qual & IO_QUAL_REP;
		break;
	case EXIT_REASON_EPT_VIOLATION:
		exit->kind = VX_SLPT_FAULT;
		exit->fault.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		exit->fault.write = qual & EPT_QUAL_WRITE;
		exit->fault.fetch = qual & EPT_QUAL_FETCH;
		exit->fault.present = qual & EPT_QUAL_PRESENT;
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		/* An entry we wrote is malformed (29.3.3.1): a bug. */
		exit->kind = VX_INTERNAL;
		exit->internal.suberror = VMEM_INTERNAL_ERROR_SLPT;
		exit->internal.ndata = 3;
		exit->internal.data[0] = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		exit->internal.data[1] = vx->eptp;
		exit->internal.data[2] = vx->exit_reason;
		break;
	case EXIT_REASON_CPUID:
		exit->kind = VX_CPUID;
		break;
	case EXIT_REASON_MSR_READ:
		exit->kind = VX_RDMSR;
		break;
	case EXIT_REASON_MSR_WRITE:
		exit->kind = VX_WRMSR;
		break;
	case EXIT_REASON_HLT:
		exit->kind = VX_HLT;
		break;
	case EXIT_REASON_VMCALL:
		exit->kind = VX_HYPERCALL;
		break;
	case EXIT_REASON_XSETBV:
		exit->kind = VX_XSETBV;
		break;
	case EXIT_REASON_DR_ACCESS:
		exit->kind = VX_DR_ACCESS;
		break;
	case EXIT_REASON_CR_ACCESS:
		exit->kind = vmx_cr_access(vcpu, qual);
		if (exit->kind == VX_INTERNAL)
			vmx_unhandled(exit, qual, 0);
		break;
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		exit->kind = VX_CACHE_FLUSH;
		break;
	case EXIT_REASON_RDPMC:
		exit->kind = VX_RDPMC;
		break;
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_MWAIT_INSTRUCTION:
		exit->kind = VX_MONITOR;
		break;
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
		exit->kind = VX_VIRT_INSN;
		break;
	default:
		vmx_unhandled(exit, qual, vmcs_read(GUEST_PHYSICAL_ADDRESS));
		break;
	}
}
