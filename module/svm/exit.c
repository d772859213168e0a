// SPDX-License-Identifier: GPL-2.0
/*
 * Translating an SVM #VMEXIT into a struct vmem_exit (AMD APM vol. 2,
 * appendix C exit codes; 15.10.2 IOIO EXITINFO1; 15.25.6 nested page fault
 * error code). Without NRIP save (QEMU's SVM has none) the instruction
 * length comes from EXITINFO2 for port I/O and is fixed for the other
 * instructions we complete. Runs right after the exit, interrupts disabled.
 */
#include <linux/ratelimit.h>
#include <asm/traps.h>

#include "svm.h"

#define NPF_PRESENT	BIT_ULL(0)
#define NPF_WRITE	BIT_ULL(1)
#define NPF_RSVD	BIT_ULL(3)
#define NPF_FETCH	BIT_ULL(4)

static void svm_dump_vmcb(struct vmem_vcpu *vcpu)
{
	struct vmcb *v = to_svm(vcpu)->vmcb;

	pr_err_ratelimited("vmem: VMRUN refused the state of vCPU %u of VM %s: "
			   "cr0 %llx cr3 %llx cr4 %llx efer %llx rip %llx rflags %llx "
			   "cs %x/%x/%llx ss %x/%x asid %u ncr3 %llx\n",
			   vcpu->id, vcpu->vm->name, v->save.cr0, v->save.cr3,
			   v->save.cr4, v->save.efer, v->save.rip,
			   v->save.rflags, v->save.cs.selector,
			   v->save.cs.attrib, v->save.cs.base,
			   v->save.ss.selector, v->save.ss.attrib,
			   v->control.asid, v->control.nested_cr3);
}

/**
 * svm_translate_exit() - fill @exit from the VMCB's exit fields.
 * @vcpu: the vCPU that just exited
 * @exit: result
 */
void svm_translate_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u64 info1 = c->exit_info_1, info2 = c->exit_info_2;
	u32 code = c->exit_code;

	memset(exit, 0, sizeof(*exit));
	exit->hw_reason = code;

	if (code >= SVM_EXIT_READ_DR0 && code <= SVM_EXIT_WRITE_DR7) {
		exit->kind = VX_DR_ACCESS;
		return;
	}
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		exit->kind = VX_NONE;
		break;
	case SVM_EXIT_IOIO:
		exit->kind = VX_IO;
		exit->io.port = info1 >> 16;
		exit->io.in = info1 & SVM_IOIO_TYPE_MASK;
		exit->io.string = info1 & SVM_IOIO_STR_MASK;
		exit->io.rep = info1 & SVM_IOIO_REP_MASK;
		exit->io.size = (info1 & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
		exit->insn_len = info2 - vcpu->rip;	/* EXITINFO2 = next RIP */
		break;
	case SVM_EXIT_NPF:
		if (info1 & NPF_RSVD) {
			exit->kind = VX_INTERNAL;
			exit->internal.suberror = VMEM_INTERNAL_ERROR_SLPT;
			exit->internal.ndata = 2;
			exit->internal.data[0] = info2;
			exit->internal.data[1] = info1;
			break;
		}
		exit->kind = VX_SLPT_FAULT;
		exit->fault.gpa = info2;
		exit->fault.write = info1 & NPF_WRITE;
		exit->fault.fetch = info1 & NPF_FETCH;
		exit->fault.present = info1 & NPF_PRESENT;
		break;
	case SVM_EXIT_CPUID:
		exit->kind = VX_CPUID;
		break;
	case SVM_EXIT_MSR:
		exit->kind = info1 ? VX_WRMSR : VX_RDMSR;
		break;
	case SVM_EXIT_HLT:
		exit->kind = VX_HLT;
		break;
	case SVM_EXIT_VMMCALL:
		exit->kind = VX_HYPERCALL;
		break;
	case SVM_EXIT_XSETBV:
		exit->kind = VX_XSETBV;
		break;
	case SVM_EXIT_INVD:		/* 0F 08 */
	case SVM_EXIT_WBINVD:		/* 0F 09 */
		exit->kind = VX_CACHE_FLUSH;
		exit->insn_len = 2;
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->kind = VX_SHUTDOWN;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_MC:
		vmem_machine_check();
		exit->kind = VX_NONE;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_AC:
		/* Intercepted only to keep the host responsive: deliver it. */
		svm_inject_exception(vcpu, X86_TRAP_AC, true, info1);
		exit->kind = VX_NONE;
		break;
	case SVM_EXIT_RDPMC:
		exit->kind = VX_RDPMC;
		break;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
		exit->kind = VX_MONITOR;
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_RDPRU:	/* not in the guest's CPUID either */
		exit->kind = VX_VIRT_INSN;
		break;
	case SVM_EXIT_ERR:
		svm_dump_vmcb(vcpu);
		exit->kind = VX_FAIL_ENTRY;
		break;
	default:
		exit->kind = VX_INTERNAL;
		exit->internal.suberror = VMEM_INTERNAL_ERROR_UNHANDLED_EXIT;
		exit->internal.ndata = 3;
		exit->internal.data[0] = code;
		exit->internal.data[1] = info1;
		exit->internal.data[2] = info2;
		break;
	}
}
