// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop.
 *
 * VMEM_RUN enters the guest repeatedly until an exit needs userspace or a
 * signal is pending. Each entry happens with interrupts disabled, after the
 * vCPU has published IN_GUEST_MODE and re-checked its requests
 * (tlb_vcpu_enter(), the entry half of the flush primitive in mm/tlb.c), so
 * that anyone who sets a request and sees OUTSIDE_GUEST_MODE knows the vCPU
 * will see the request before it next enters, and anyone who sees
 * IN_GUEST_MODE can force an exit with an IPI (physical interrupts always
 * exit).
 *
 * The guest's FPU state is loaded for the whole ioctl through the kernel's
 * guest-fpstate API; XCR0 and PKRU are switched around each entry with
 * interrupts disabled, since the host's interrupt handlers may use XSAVE.
 * Backends that keep per-CPU state for a running vCPU (VMX: the current
 * VMCS) get vcpu_load/vcpu_put for the whole ioctl too, and again each time
 * the scheduler takes the vCPU thread off its CPU and puts it back (preempt
 * notifiers).
 *
 * vcpu_run() runs in the vCPU thread's process context with vcpu->mutex held.
 */
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/special_insns.h>

#include "vmem.h"

u64 vmem_host_xcr0;

/*
 * The preempt notifier of a vCPU thread inside VMEM_RUN; it lives on
 * vcpu_run()'s stack, registered only while the backend's state is loaded.
 */
struct vcpu_preempt {
	struct preempt_notifier pn;
	struct vmem_vcpu *vcpu;
};

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	vmem_arch->vcpu_load(container_of(pn, struct vcpu_preempt, pn)->vcpu,
			     cpu);
}

static void vcpu_sched_out(struct preempt_notifier *pn,
			   struct task_struct *next)
{
	vmem_arch->vcpu_put(container_of(pn, struct vcpu_preempt, pn)->vcpu);
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in = vcpu_sched_in,
	.sched_out = vcpu_sched_out,
};

static void vcpu_load(struct vcpu_preempt *p)
{
	if (!vmem_arch->vcpu_load)
		return;
	preempt_notifier_init(&p->pn, &vcpu_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&p->pn);
	vmem_arch->vcpu_load(p->vcpu, smp_processor_id());
	preempt_enable();
}

static void vcpu_put(struct vcpu_preempt *p)
{
	if (!vmem_arch->vcpu_put)
		return;
	preempt_disable();
	vmem_arch->vcpu_put(p->vcpu);
	preempt_notifier_unregister(&p->pn);
	preempt_enable();
}

/* One guest entry, with interrupts disabled. False: did not enter. */
static bool vcpu_enter(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u32 host_pkru = 0;

	local_irq_disable();
	tlb_vcpu_enter(&vcpu->tlb, smp_processor_id());
	if (signal_pending(current) || need_resched()) {
		tlb_vcpu_exit(&vcpu->tlb);
		local_irq_enable();
		return false;
	}
	if (tlb_vcpu_must_flush(&vcpu->tlb))
		vmem_arch->flush_guest_tlb(vcpu);
	/*
	 * Another task ran on this CPU since the guest's FPU state was
	 * loaded (the thread slept or was preempted): its registers are
	 * still there and it owns them. Load the guest's back, or the guest
	 * would read that task's registers and overwrite what it gets back.
	 */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	if (vcpu->xcr0 != vmem_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		host_pkru = rdpkru();

	vmem_arch->vcpu_run(vcpu, exit);

	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != host_pkru)
		wrpkru(host_pkru);
	if (vcpu->xcr0 != vmem_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmem_host_xcr0);
	if (vmem_arch->handle_exit_irqoff)
		vmem_arch->handle_exit_irqoff(vcpu);

	tlb_vcpu_exit(&vcpu->tlb);
	local_irq_enable();
	WRITE_ONCE(vcpu->exits, vcpu->exits + 1);
	return true;
}

/**
 * vcpu_run() - VMEM_RUN: run the guest until userspace is needed.
 * @vcpu: the vCPU; its mutex is held
 *
 * Return: 0 with run->exit_reason set, -EINTR when a signal is pending
 * (exit_reason VMEM_EXIT_INTR), or -errno from completing the last exit.
 */
long vcpu_run(struct vmem_vcpu *vcpu)
{
	struct vcpu_preempt preempt = { .vcpu = vcpu };
	struct vmem_run *run = vcpu->run;
	struct vmem_exit exit;
	long r;

	r = vcpu_complete_exit(vcpu);
	if (r)
		return r;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = VMEM_EXIT_INTR;
		return -EINTR;
	}

	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	vcpu_load(&preempt);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = VMEM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		cond_resched();
		if (!vcpu_enter(vcpu, &exit))
			continue;
		r = vcpu_handle_exit(vcpu, &exit);
		if (r <= 0)
			break;
	}
	vcpu_put(&preempt);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	run->exits = vcpu->exits;
	return r;
}

/**
 * vmem_run_init() - learn the host's XCR0 (the same on every CPU).
 */
void vmem_run_init(void)
{
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		vmem_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}
