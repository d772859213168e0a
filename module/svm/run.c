// SPDX-License-Identifier: GPL-2.0
/*
 * Entering the guest on SVM: ASIDs, register sync, GIF, the host state that
 * VMRUN does not switch, and event re-injection after an exit.
 *
 * ASIDs are handed out per CPU (a vCPU gets a fresh one when it moves to
 * another CPU, when its translations must be flushed, or when the CPU's
 * generation changed); when a CPU runs out, its generation advances and its
 * whole TLB is flushed once. A fresh ASID carries no stale translation, so
 * taking one *is* the flush. AMD APM vol. 2, 15.16.
 *
 * svm_vcpu_run() and svm_flush_guest_tlb() run with interrupts disabled on
 * the entering CPU. The entry itself is enter.c (noinstr) and vmenter.S.
 */
#include <linux/io.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/paravirt.h>
#include <asm/traps.h>

#include "svm.h"

DEFINE_PER_CPU(struct svm_cpu, svm_cpu);

static void svm_new_asid(struct svm_vcpu *sv, struct svm_cpu *sd)
{
	if (sd->next_asid > sd->max_asid) {
		sd->asid_gen++;
		sd->next_asid = 1;
		sv->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	sv->asid = sd->next_asid++;
	sv->asid_gen = sd->asid_gen;
	sv->vmcb->control.asid = sv->asid;
}

/**
 * svm_flush_guest_tlb() - drop the vCPU's translations at this entry.
 * @vcpu: the vCPU
 */
void svm_flush_guest_tlb(struct vmem_vcpu *vcpu)
{
	to_svm(vcpu)->need_flush = true;
}

/**
 * svm_inject_exception() - deliver an exception at the next entry.
 * @vcpu: the vCPU
 * @vector: exception vector
 * @has_error: push @error
 * @error: the error code
 */
void svm_inject_exception(struct vmem_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

/*
 * An exit that interrupted the delivery of an event (EXITINTINFO) must
 * deliver it again. Software interrupts and INT3/INTO are instead
 * re-executed: RIP still points at the instruction (we have no NRIP).
 */
static void svm_requeue_event(struct vmcb_control_area *c)
{
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	c->event_inj = 0;
	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	if (type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXEPT &&
	     (vector == X86_TRAP_BP || vector == X86_TRAP_OF)))
		return;
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/**
 * svm_vcpu_run() - one VMRUN.
 * @vcpu: the vCPU
 * @exit: filled in from the VMCB
 */
void svm_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);
	struct vmcb *vmcb = sv->vmcb;
	int cpu = smp_processor_id();

	if (sv->last_cpu != cpu || sv->asid_gen != sd->asid_gen ||
	    sv->need_flush) {
		svm_new_asid(sv, sd);
		sv->last_cpu = cpu;
		sv->need_flush = false;
	}
	vmcb->save.rax = vcpu->regs[VCPU_REGS_RAX];
	vmcb->save.rsp = vcpu->regs[VCPU_REGS_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* We never use VMCB clean bits: every field is reloaded. */
	vmcb->control.clean = 0;

	svm_clgi();
	svm_enter_exit(vcpu->regs, sv->vmcb_pa, page_to_phys(sd->host_save));
	svm_stgi();

	/* #VMEXIT disabled the host's breakpoints; put them back if any. */
	vmem_restore_host_dr();

	vcpu->regs[VCPU_REGS_RAX] = vmcb->save.rax;
	vcpu->regs[VCPU_REGS_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	svm_requeue_event(&vmcb->control);
	svm_translate_exit(vcpu, exit);
}
