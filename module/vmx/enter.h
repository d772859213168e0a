/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VT-x backend's guest-entry code: enter.c (noinstr C) and vmenter.S.
 * Declared here rather than in vmx.h, which includes it, because enter.c
 * includes linux/kvm_host.h, whose names (gpa_t, IN_GUEST_MODE, ...) clash
 * with vmem.h's: so only plain types appear. Called with interrupts
 * disabled.
 */
#ifndef VMEM_VMX_ENTER_H
#define VMEM_VMX_ENTER_H

#include <linux/types.h>

/* enter.c */
int vmx_enter_exit(u64 *regs, u64 *cr2, bool launched, bool flush_l1d);

/* vmenter.S */
int __vmx_vmenter(u64 *regs, bool launched);
void vmx_do_interrupt_irqoff(unsigned long entry);
extern char vmx_vmexit[];

#endif /* VMEM_VMX_ENTER_H */
