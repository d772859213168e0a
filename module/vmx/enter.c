// SPDX-License-Identifier: GPL-2.0
/*
 * The instant of guest entry, in the kernel's own terms: guest mode is an
 * RCU extended quiescent state and counts as guest time, exactly as for
 * KVM (linux/kvm_host.h provides the helpers). Kept apart from the rest of
 * the backend because that header's names (gpa_t, IN_GUEST_MODE, ...)
 * would clash with vmem's; its prototypes are in enter.h.
 *
 * Called with interrupts disabled. They stay disabled in the guest: with
 * external-interrupt exiting, a host interrupt makes a VM exit whatever the
 * guest's RFLAGS.IF (Intel SDM vol. 3, 26.2); the exit acknowledges it and
 * exit.c hands the vector to the host's handler.
 */
#include <linux/kvm_host.h>
#include <asm/msr.h>

#include "enter.h"

/**
 * vmx_enter_exit() - VMLAUNCH/VMRESUME inside guest context.
 * @regs: guest GPRs
 * @cr2: the guest's CR2, which no VMX transition switches; loaded before
 *	 entry and saved right after the exit, before any host page fault
 * @launched: VMRESUME rather than VMLAUNCH
 * @flush_l1d: flush the L1 data cache first (L1TF)
 *
 * Return: 0 after a VM exit, 1 if the VM-entry instruction failed.
 */
noinstr int vmx_enter_exit(u64 *regs, u64 *cr2, bool launched, bool flush_l1d)
{
	int fail;

	guest_timing_enter_irqoff();
	guest_state_enter_irqoff();
	if (flush_l1d)
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	if (*cr2 != native_read_cr2())
		native_write_cr2(*cr2);
	fail = __vmx_vmenter(regs, launched);
	*cr2 = native_read_cr2();
	guest_state_exit_irqoff();
	guest_timing_exit_irqoff();
	return fail;
}
