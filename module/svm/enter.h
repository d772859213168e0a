/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM backend's guest-entry code: enter.c (noinstr C) and vmenter.S.
 * Declared here rather than in svm.h, which includes it, because enter.c
 * includes linux/kvm_host.h, whose names (gpa_t, IN_GUEST_MODE, ...) clash
 * with vmem.h's: so only plain types appear. Called with interrupts
 * disabled and GIF clear.
 */
#ifndef VMEM_SVM_ENTER_H
#define VMEM_SVM_ENTER_H

#include <linux/types.h>

/* enter.c */
void svm_enter_exit(u64 *regs, u64 vmcb_pa, u64 host_pa);

/* vmenter.S */
void __svm_vmenter(u64 *regs, u64 vmcb_pa, u64 host_pa);

#endif /* VMEM_SVM_ENTER_H */
