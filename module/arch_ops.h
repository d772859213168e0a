/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table through which the core reaches a hardware backend
 * (module/svm/ or module/vmx/). Every operation is listed once, in
 * VMEM_ARCH_OPS(); the struct members and the completeness check are
 * generated from that list, so the backends and the core cannot drift.
 * Each backend fills its table from the list as well (VMEM_SVM_OP,
 * VMEM_VMX_OP), so every op has the same name in both: <vendor>_<op>, e.g.
 * svm_get_sregs and vmx_get_sregs.
 *
 * Context of each op:
 *   probe               module init, process context; returns -ENODEV with a
 *                       reason (via @why) when the CPU lacks the feature,
 *                       else allocates what the backend needs globally.
 *   unsetup             module exit: frees what probe allocated.
 *   cpu_enable/disable  called on one CPU with interrupts disabled (IPI or
 *                       hotplug callback); must not sleep.
 *   vcpu_create/vcpu_free, vcpu_reset
 *                       process context, may sleep.
 *   vcpu_load/vcpu_put  optional (NULL: nothing to do). The vCPU thread is
 *                       about to run the guest on this CPU / stops doing so:
 *                       called around VMEM_RUN with preemption disabled and
 *                       from the scheduler's preempt notifiers (vcpu_put then
 *                       with interrupts disabled too). A backend that has
 *                       them enables the notifiers (preempt_notifier_inc())
 *                       from probe to unsetup.
 *   vcpu_run            one guest entry: interrupts disabled, on the CPU it
 *                       runs on; syncs vcpu->regs/rip/rflags with hardware
 *                       and fills in the vendor-neutral exit.
 *   handle_exit_irqoff  optional: right after vcpu_run, interrupts still
 *                       disabled, once the host's XCR0 and PKRU are back:
 *                       run the host interrupt that ended guest mode if
 *                       the hardware acknowledged it on exit (VMX), since
 *                       its handler and the softirqs after it may use the
 *                       host's extended FPU state.
 *   flush_guest_tlb     interrupts disabled, just before vcpu_run: drop the
 *                       vCPU's cached translations at this entry.
 *   get/set_sregs, get/set_msr, inject_exception
 *                       vCPU thread, vcpu->mutex held. get/set_msr return
 *                       -ENOENT for MSRs the backend does not hold, so the
 *                       core can handle them; -EINVAL means #GP. set_msr
 *                       gets a value the core has checked as every x86 CPU
 *                       would (msr.c) but for EFER; set_sregs checks with
 *                       vmem_sregs_valid() (x86.c) and its own limits.
 * @slpt: the second-level page-table entry format (data, not an op).
 */
#ifndef VMEM_ARCH_OPS_H
#define VMEM_ARCH_OPS_H

#include <linux/types.h>

struct vmem_vm;
struct vmem_vcpu;
struct vmem_exit;
struct vmem_sregs;
struct slpt_format;

#define VMEM_ARCH_OPS(OP)						\
	OP(int, probe, (const char **why))				\
	OP(void, unsetup, (void))					\
	OP(int, cpu_enable, (void))					\
	OP(void, cpu_disable, (void))					\
	OP(int, vcpu_create, (struct vmem_vcpu *vcpu))			\
	OP(void, vcpu_free, (struct vmem_vcpu *vcpu))			\
	OP(void, vcpu_reset, (struct vmem_vcpu *vcpu))			\
	OP(void, vcpu_run, (struct vmem_vcpu *vcpu, struct vmem_exit *exit)) \
	OP(void, flush_guest_tlb, (struct vmem_vcpu *vcpu))		\
	OP(void, get_sregs, (struct vmem_vcpu *vcpu, struct vmem_sregs *s)) \
	OP(int, set_sregs, (struct vmem_vcpu *vcpu, const struct vmem_sregs *s)) \
	OP(int, get_msr, (struct vmem_vcpu *vcpu, u32 index, u64 *data)) \
	OP(int, set_msr, (struct vmem_vcpu *vcpu, u32 index, u64 data))	\
	OP(void, inject_exception, (struct vmem_vcpu *vcpu, u8 vector,	\
				    bool has_error, u32 error))

/* Operations a backend may leave NULL. */
#define VMEM_ARCH_OPTIONAL_OPS(OP)					\
	OP(void, vcpu_load, (struct vmem_vcpu *vcpu, int cpu))		\
	OP(void, vcpu_put, (struct vmem_vcpu *vcpu))			\
	OP(void, handle_exit_irqoff, (struct vmem_vcpu *vcpu))

/**
 * struct vmem_arch_ops - a hardware backend.
 * @name: "svm" or "vmx", shown in sysfs.
 * @cap:  the VMEM_CAP_* extension this backend answers to.
 */
struct vmem_arch_ops {
	const char *name;
	int cap;
	const struct slpt_format *slpt;
#define VMEM_ARCH_OP_MEMBER(ret, op, args) ret (*op) args;
	VMEM_ARCH_OPS(VMEM_ARCH_OP_MEMBER)
	VMEM_ARCH_OPTIONAL_OPS(VMEM_ARCH_OP_MEMBER)
#undef VMEM_ARCH_OP_MEMBER
};

/* The backends' tables: VMEM_ARCH_OPS(VMEM_SVM_OP) and so on. */
#define VMEM_SVM_OP(ret, op, args)	.op = svm_##op,
#define VMEM_VMX_OP(ret, op, args)	.op = vmx_##op,

extern const struct vmem_arch_ops vmem_svm_ops;
extern const struct vmem_arch_ops vmem_vmx_ops;
extern const struct vmem_arch_ops *vmem_arch;

int vmem_arch_select(void);

#endif /* VMEM_ARCH_OPS_H */
