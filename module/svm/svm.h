/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the SVM backend and the functions its files share.
 * Nothing here is visible to the core: it reaches the backend only through
 * vmem_svm_ops.
 */
#ifndef VMEM_SVM_H
#define VMEM_SVM_H

#include <asm/svm.h>

#include "../vmem.h"
#include "../x86.h"
#include "enter.h"

/**
 * struct svm_cpu - per-CPU SVM state, valid while SVM is enabled there.
 * @hsave:	host save area for VMRUN (VM_HSAVE_PA).
 * @host_save:	where VMSAVE puts the host's FS/GS/TR/syscall state.
 * @asid_gen:	bumped when ASIDs run out and the TLB is flushed whole.
 * @next_asid:	next ASID to hand out in this generation.
 * @max_asid:	highest ASID the CPU supports.
 */
struct svm_cpu {
	struct page *hsave;
	struct page *host_save;
	u64 asid_gen;
	u32 next_asid;
	u32 max_asid;
};

/**
 * struct svm_vcpu - per-vCPU SVM state.
 * @vmcb:	the VMCB (AMD APM vol. 2, appendix B), one page.
 * @vmcb_pa:	its physical address.
 * @asid:	ASID on @last_cpu, valid while @asid_gen matches that CPU's.
 * @asid_gen:	generation of @asid.
 * @last_cpu:	CPU of the last entry, or -1.
 * @need_flush:	take a fresh ASID at the next entry (TLB flush).
 */
struct svm_vcpu {
	struct vmcb *vmcb;
	hpa_t vmcb_pa;
	u32 asid;
	u64 asid_gen;
	int last_cpu;
	bool need_flush;
};

/* GIF: while clear, interrupts, NMIs and SMIs are held (APM 15.17). */
static __always_inline void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static __always_inline void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

static inline struct svm_vcpu *to_svm(struct vmem_vcpu *vcpu)
{
	return vcpu->arch;
}

/* vmcb.c */
void svm_vcpu_reset(struct vmem_vcpu *vcpu);
void svm_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *s);
int svm_set_sregs(struct vmem_vcpu *vcpu, const struct vmem_sregs *s);
int svm_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data);
int svm_maps_init(void);
void svm_maps_exit(void);

/* run.c; enter.c and vmenter.S are declared in enter.h */
DECLARE_PER_CPU(struct svm_cpu, svm_cpu);
void svm_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
void svm_flush_guest_tlb(struct vmem_vcpu *vcpu);
void svm_inject_exception(struct vmem_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error);

/* exit.c */
void svm_translate_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit);

#endif /* VMEM_SVM_H */
