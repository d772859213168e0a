// SPDX-License-Identifier: GPL-2.0
/*
 * The instant of guest entry, in the kernel's own terms: guest mode is an
 * RCU extended quiescent state and counts as guest time, exactly as for
 * KVM (linux/kvm_host.h provides the helpers). Kept apart from the rest of
 * the backend because that header's names (gpa_t, IN_GUEST_MODE, ...)
 * would clash with vmem's; its prototypes are in enter.h.
 *
 * Called with interrupts disabled and GIF clear.
 */
#include <linux/kvm_host.h>

#include "enter.h"

/**
 * svm_enter_exit() - VMRUN inside guest context.
 * @regs: guest GPRs
 * @vmcb_pa: the guest VMCB
 * @host_pa: this CPU's host save page
 *
 * RFLAGS.IF must be set at VMRUN: with V_INTR_MASKING it is the host's IF
 * at that moment that lets physical interrupts force a #VMEXIT (AMD APM
 * vol. 2, 15.21.1). GIF stays clear, so no interrupt is taken here.
 */
noinstr void svm_enter_exit(u64 *regs, u64 vmcb_pa, u64 host_pa)
{
	guest_timing_enter_irqoff();
	guest_state_enter_irqoff();
	raw_local_irq_enable();
	__svm_vmenter(regs, vmcb_pa, host_pa);
	raw_local_irq_disable();
	guest_state_exit_irqoff();
	guest_timing_exit_irqoff();
}
