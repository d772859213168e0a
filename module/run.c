// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop and the flush primitive.
 *
 * VMEM_RUN enters the guest repeatedly until an exit needs userspace or a
 * signal is pending. Each entry happens with interrupts disabled, after the
 * vCPU has published IN_GUEST_MODE and re-checked its requests, so that
 * anyone who sets a request and sees OUTSIDE_GUEST_MODE knows the vCPU will
 * see the request before it next enters, and anyone who sees IN_GUEST_MODE
 * can force an exit with an IPI (physical interrupts always exit).
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
 * vmem_flush_vm() runs in process context (any thread) and may sleep.
 */
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/special_insns.h>

#include "emulate.h"

u64 vmem_host_xcr0;

static void vcpu_kick_ipi(void *unused)
{
	/* The interrupt itself made the vCPU leave guest mode. */
}

/**
 * vmem_flush_vm() - make every vCPU of @vm drop its cached guest
 * translations, and wait until none can still use the old ones.
 * @vm: the VM whose second-level mappings were downgraded
 *
 * When this returns, each vCPU is either outside guest mode and will flush
 * before it enters, or has left guest mode since the call began (and will
 * flush before re-entering). Only then may the caller trust the content of
 * a write-protected page or free an unmapped one.
 */
void vmem_flush_vm(struct vmem_vm *vm)
{
	unsigned int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < VMEM_MAX_VCPUS; i++) {
		struct vmem_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		set_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests);
		/* Order the request before reading mode; pairs with entry. */
		smp_mb__after_atomic();
		if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE)
			smp_call_function_single(READ_ONCE(vcpu->cpu),
						 vcpu_kick_ipi, NULL, 1);
	}
	mutex_unlock(&vm->lock);
}

/**
 * vcpu_skip_insn() - the guest instruction completed; move past it.
 * @vcpu: the vCPU
 * @len: instruction length
 *
 * The only place that advances the guest's RIP.
 */
void vcpu_skip_insn(struct vmem_vcpu *vcpu, u32 len)
{
	vcpu->rip += len;
}

/* Copy data that userspace supplied for the last exit into the guest. */
static int vcpu_complete_userspace(struct vmem_vcpu *vcpu)
{
	struct vmem_run *run = vcpu->run;
	u8 *data;
	int r = 0;

	switch (vcpu->pending) {
	case VCPU_PENDING_NONE:
		break;
	case VCPU_PENDING_IO_IN:
		data = page_address(vcpu->run_pages[1]);
		switch (run->io.size) {
		case 1:
			vcpu->regs[VCPU_REGS_RAX] &= ~0xffULL;
			vcpu->regs[VCPU_REGS_RAX] |= data[0];
			break;
		case 2:
			vcpu->regs[VCPU_REGS_RAX] &= ~0xffffULL;
			vcpu->regs[VCPU_REGS_RAX] |= *(u16 *)data;
			break;
		default:	/* 32-bit results zero-extend into RAX */
			vcpu->regs[VCPU_REGS_RAX] = *(u32 *)data;
			break;
		}
		break;
	case VCPU_PENDING_STRING_IN:
		r = vcpu_complete_string_in(vcpu);
		break;
	case VCPU_PENDING_MMIO_READ:
		vcpu_complete_mmio_read(vcpu);
		break;
	case VCPU_PENDING_HYPERCALL:
		vcpu->regs[VCPU_REGS_RAX] = run->hypercall.ret;
		break;
	}
	vcpu->pending = VCPU_PENDING_NONE;
	return r;
}

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
	vcpu->cpu = smp_processor_id();
	WRITE_ONCE(vcpu->mode, IN_GUEST_MODE);
	/* Publish the mode before reading requests; pairs with flush. */
	smp_mb();
	if (signal_pending(current) || need_resched()) {
		WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return false;
	}
	if (test_and_clear_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests))
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

	WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
	local_irq_enable();
	vcpu->exits++;
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

	r = vcpu_complete_userspace(vcpu);
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
