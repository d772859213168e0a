// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch: the core's decision, per vendor-neutral exit, of what is
 * handled in the kernel and what goes to userspace through the run page;
 * and, at the next VMEM_RUN, the completion of an exit that userspace
 * answered (vcpu_complete_exit()).
 *
 * Handlers return 1 to re-enter the guest, 0 to return to userspace with
 * run->exit_reason set, or -errno. vCPU thread, process context, vcpu->mutex
 * held; interrupts enabled.
 */
#include <linux/types.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/mce.h>

#include "emulate.h"

/**
 * vmem_machine_check() - a machine check arrived in guest mode (or during
 * the entry): it was the host's, so its handler must see it, as if it had
 * interrupted user mode (the guest cannot be trusted to have been in
 * kernel mode). Called by the backends right after the exit, interrupts
 * disabled.
 */
void vmem_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

	do_machine_check(&regs);
#endif
}

static int handle_none(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	return 1;
}

static int handle_slpt_fault(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u64 data[2] = { exit->fault.gpa, exit->fault.write };
	int r = vmem_mm_fault(&vcpu->vm->mm, exit->fault.gpa, exit->fault.write);

	if (r == VMEM_FAULT_MMIO)
		return vcpu_emulate_mmio(vcpu, exit->fault.gpa);
	if (r == -ENOMEM)
		return vcpu_internal_error(vcpu, VMEM_INTERNAL_ERROR_NOMEM,
					   2, data);
	return r ? r : 1;
}

static int handle_cpuid(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_emulate_cpuid(vcpu);
	vcpu_skip_insn(vcpu, 2);
	return 1;
}

static int handle_rdmsr(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u64 data;

	if (vcpu_get_msr(vcpu, vcpu->regs[VCPU_REGS_RCX], &data)) {
		vcpu_inject_gp(vcpu);
		return 1;
	}
	vcpu->regs[VCPU_REGS_RAX] = lower_32_bits(data);
	vcpu->regs[VCPU_REGS_RDX] = upper_32_bits(data);
	vcpu_skip_insn(vcpu, 2);
	return 1;
}

static int handle_wrmsr(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u64 data = (u32)vcpu->regs[VCPU_REGS_RAX] |
		   (vcpu->regs[VCPU_REGS_RDX] << 32);

	if (vcpu_set_msr(vcpu, vcpu->regs[VCPU_REGS_RCX], data)) {
		vcpu_inject_gp(vcpu);
		return 1;
	}
	vcpu_skip_insn(vcpu, 2);
	return 1;
}

static int handle_hlt(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_skip_insn(vcpu, 1);
	vcpu->run->exit_reason = VMEM_EXIT_HLT;
	return 0;
}

/*
 * Hypercall ABI (as KVM's): number in RAX, arguments in RBX, RCX, RDX, RSI,
 * RDI, R8; the result goes to RAX. None is handled in the kernel yet. Only
 * the guest kernel may call: from CPL > 0 the call does not reach
 * userspace and RAX gets -EPERM, as KVM does (kvm_emulate_hypercall()), so
 * a guest's user process cannot talk to the VMM behind its kernel.
 */
static int handle_hypercall(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmem_run *run = vcpu->run;
	static const u8 arg_regs[] = { VCPU_REGS_RBX, VCPU_REGS_RCX,
				       VCPU_REGS_RDX, VCPU_REGS_RSI,
				       VCPU_REGS_RDI, VCPU_REGS_R8 };
	int i;

	vcpu_skip_insn(vcpu, 3);
	if (vcpu_cpl(vcpu)) {
		vcpu->regs[VCPU_REGS_RAX] = (u64)-EPERM;
		return 1;
	}
	run->exit_reason = VMEM_EXIT_HYPERCALL;
	run->hypercall.nr = vcpu->regs[VCPU_REGS_RAX];
	for (i = 0; i < ARRAY_SIZE(arg_regs); i++)
		run->hypercall.args[i] = vcpu->regs[arg_regs[i]];
	run->hypercall.ret = 0;
	vcpu->pending = VCPU_PENDING_HYPERCALL;
	return 0;
}

/*
 * A value XSETBV may load into XCR0 (Intel SDM vol. 1, 13.3; vol. 2,
 * XSETBV): x87 always on; AVX needs SSE; AVX-512's three parts together
 * and with AVX; MPX's two (BNDREGS, BNDCSR) together; AMX's two
 * (XTILECFG, XTILEDATA) together; and nothing outside @supported. The
 * pairs cannot pass @supported today (VMEM_GUEST_XFEATURES has neither);
 * they are checked so that adding a feature there cannot open a way to a
 * value the host's own XSETBV at entry would fault on (#GP with
 * interrupts off, the guest's XCR0 half loaded).
 */
static bool xcr0_valid(u64 xcr0, u64 supported)
{
	const u64 mpx = XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR;
	const u64 amx = XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA;

	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~supported))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if ((xcr0 & mpx) && (xcr0 & mpx) != mpx)
		return false;
	if ((xcr0 & amx) && (xcr0 & amx) != amx)
		return false;
	return true;
}

/*
 * XSETBV: only XCR0, only from CPL 0 (VT-x exits before the CPU checks
 * the CPL), only a valid subset of what the guest's CPUID leaf 0xD
 * reports (vcpu->supported_xcr0), or #GP. So vcpu->xcr0 is always a value
 * the host can load at entry.
 */
static int handle_xsetbv(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	u64 xcr0 = (u32)vcpu->regs[VCPU_REGS_RAX] |
		   (vcpu->regs[VCPU_REGS_RDX] << 32);

	if ((u32)vcpu->regs[VCPU_REGS_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    vcpu_cpl(vcpu) || !xcr0_valid(xcr0, vcpu->supported_xcr0)) {
		vcpu_inject_gp(vcpu);
		return 1;
	}
	vcpu->xcr0 = xcr0;
	vcpu_skip_insn(vcpu, 3);
	return 1;
}

static int handle_dr_access(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	return vcpu_emulate_dr(vcpu);
}

static int handle_io(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	return vcpu_pio(vcpu, exit);
}

static int handle_shutdown(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu->run->exit_reason = VMEM_EXIT_SHUTDOWN;
	/* The hardware state is undefined after a shutdown: start over. */
	vmem_arch->vcpu_reset(vcpu);
	return 0;
}

static int handle_fail_entry(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu->run->exit_reason = VMEM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason = exit->hw_reason;
	vcpu->run->fail_entry.cpu = vcpu->tlb.cpu;
	return 0;
}

static int handle_inject_ud(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_inject_ud(vcpu);
	return 1;
}

static int handle_inject_gp(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_inject_gp(vcpu);
	return 1;
}

static int handle_nop(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_skip_insn(vcpu, exit->insn_len);
	return 1;
}

/*
 * INVD would drop dirty cache lines that belong to the host, WBINVD would
 * let a guest flush every cache of the host in a loop; no device of the
 * guest's sees memory past the caches, so both complete without effect.
 */
static int handle_cache_flush(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_skip_insn(vcpu, exit->insn_len);
	return 1;
}

/* No performance counters are exposed: RDPMC raises #GP (SDM RDPMC). */
static int handle_rdpmc(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	vcpu_inject_gp(vcpu);
	return 1;
}

/*
 * MONITOR/MWAIT are not in the guest's CPUID, nor are SVM and VMX: their
 * instructions raise #UD, as on a CPU without them.
 */
static int handle_unsupported_insn(struct vmem_vcpu *vcpu,
				   struct vmem_exit *exit)
{
	vcpu_inject_ud(vcpu);
	return 1;
}

static int handle_internal(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	return vcpu_internal_error(vcpu, exit->internal.suberror,
				   exit->internal.ndata, exit->internal.data);
}

static int (*const exit_handlers[])(struct vmem_vcpu *, struct vmem_exit *) = {
	[VX_NONE] = handle_none,
	[VX_IO] = handle_io,
	[VX_SLPT_FAULT] = handle_slpt_fault,
	[VX_CPUID] = handle_cpuid,
	[VX_RDMSR] = handle_rdmsr,
	[VX_WRMSR] = handle_wrmsr,
	[VX_HLT] = handle_hlt,
	[VX_HYPERCALL] = handle_hypercall,
	[VX_XSETBV] = handle_xsetbv,
	[VX_DR_ACCESS] = handle_dr_access,
	[VX_SHUTDOWN] = handle_shutdown,
	[VX_FAIL_ENTRY] = handle_fail_entry,
	[VX_INJECT_UD] = handle_inject_ud,
	[VX_INJECT_GP] = handle_inject_gp,
	[VX_NOP] = handle_nop,
	[VX_INTERNAL] = handle_internal,
	[VX_RDPMC] = handle_rdpmc,
	[VX_CACHE_FLUSH] = handle_cache_flush,
	[VX_MONITOR] = handle_unsupported_insn,
	[VX_VIRT_INSN] = handle_unsupported_insn,
};

/**
 * vcpu_handle_exit() - act on one exit.
 * @vcpu: the vCPU
 * @exit: what its backend reported
 *
 * Return: 1 to re-enter the guest, 0 to return to userspace, or -errno.
 */
int vcpu_handle_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	if (exit->kind >= ARRAY_SIZE(exit_handlers) || !exit_handlers[exit->kind]) {
		u64 data = exit->hw_reason;

		return vcpu_internal_error(vcpu,
					   VMEM_INTERNAL_ERROR_UNHANDLED_EXIT,
					   1, &data);
	}
	return exit_handlers[exit->kind](vcpu, exit);
}

/**
 * vcpu_complete_exit() - move the data userspace supplied for the last exit
 * (IN, string IN, MMIO read, hypercall result) into the guest.
 * @vcpu: the vCPU; its mutex is held
 *
 * Called by VMEM_RUN before it enters the guest again. Return: 0, or
 * -errno when string IN data cannot be written to guest memory.
 */
int vcpu_complete_exit(struct vmem_vcpu *vcpu)
{
	int r = 0;

	switch (vcpu->pending) {
	case VCPU_PENDING_NONE:
		break;
	case VCPU_PENDING_IO_IN:
		vcpu_complete_io_in(vcpu);
		break;
	case VCPU_PENDING_STRING_IN:
		r = vcpu_complete_string_in(vcpu);
		break;
	case VCPU_PENDING_MMIO_READ:
		vcpu_complete_mmio_read(vcpu);
		break;
	case VCPU_PENDING_HYPERCALL:
		vcpu->regs[VCPU_REGS_RAX] = vcpu->run->hypercall.ret;
		break;
	}
	vcpu->pending = VCPU_PENDING_NONE;
	return r;
}
