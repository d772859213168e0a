// SPDX-License-Identifier: GPL-2.0
/*
 * The end of an exiting guest instruction (see insn.h). vCPU thread,
 * process context, vcpu->mutex held.
 */
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "insn.h"

/**
 * vcpu_cpl() - the guest's current privilege level.
 * @vcpu: the vCPU
 *
 * SS.DPL in protected and long mode (both vendors keep the CPL there:
 * Intel SDM vol. 3, 5.5 and 28.3.1.5; AMD APM vol. 2, 15.5.1), 0 in real
 * mode and 3 in virtual-8086 mode. Some exits come before the CPU's own
 * privilege check (VT-x: MOV DR, XSETBV and VMCALL exit whatever the CPL),
 * so handlers meant for the guest kernel check it themselves, as KVM does.
 *
 * Return: 0 to 3.
 */
int vcpu_cpl(struct vmem_vcpu *vcpu)
{
	struct vmem_sregs s;

	vmem_arch->get_sregs(vcpu, &s);
	if (!(s.cr0 & X86_CR0_PE))
		return 0;
	if (vcpu->rflags & X86_EFLAGS_VM)
		return 3;
	return s.ss.dpl & 3;
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

/** vcpu_inject_gp() - raise #GP(0) in the guest at the current RIP. */
void vcpu_inject_gp(struct vmem_vcpu *vcpu)
{
	vmem_arch->inject_exception(vcpu, X86_TRAP_GP, true, 0);
}

/** vcpu_inject_ud() - raise #UD in the guest at the current RIP. */
void vcpu_inject_ud(struct vmem_vcpu *vcpu)
{
	vmem_arch->inject_exception(vcpu, X86_TRAP_UD, false, 0);
}

/**
 * vcpu_internal_error() - report an error the kernel cannot resolve to
 * userspace (VMEM_EXIT_INTERNAL_ERROR).
 * @vcpu: the vCPU
 * @suberror: VMEM_INTERNAL_ERROR_*
 * @ndata: number of words in @data (at most the run page's room is kept)
 * @data: details, as the UAPI documents per suberror
 *
 * Return: 0, an exit handler's "return to userspace".
 */
int vcpu_internal_error(struct vmem_vcpu *vcpu, u32 suberror, u32 ndata,
			const u64 *data)
{
	struct vmem_run *run = vcpu->run;
	u32 i, n = min_t(u32, ndata, ARRAY_SIZE(run->internal.data));

	/* The bound is ours: userspace may rewrite the run page meanwhile. */
	run->exit_reason = VMEM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = n;
	for (i = 0; i < n; i++)
		run->internal.data[i] = data[i];
	return 0;
}
