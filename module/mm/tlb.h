/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flush primitive: make every vCPU of a VM drop the guest translations
 * it may cache (TLB entries derived from the second-level tables), and wait
 * until none can still use them. See tlb.c for the protocol.
 *
 * This is the bottom of vmem's layering beside mm/slpt.c: it knows nothing
 * of VMs, vCPUs or the pmap, only of the few words each vCPU publishes for
 * its flushers (struct tlb_vcpu), gathered per VM in a struct tlb_domain.
 */
#ifndef VMEM_TLB_H
#define VMEM_TLB_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <uapi/linux/vmem.h>

/* tlb_vcpu.mode: may the vCPU be in guest mode right now? */
enum tlb_vcpu_mode {
	OUTSIDE_GUEST_MODE,
	IN_GUEST_MODE,
};

/* tlb_vcpu.requests bits, set by anyone, consumed by the vCPU at entry. */
#define TLB_REQ_FLUSH	0	/* second-level mappings were downgraded */

/**
 * struct tlb_vcpu - what a flusher needs to know of one vCPU.
 * @mode:	enum tlb_vcpu_mode; written by the vCPU thread around each
 *		entry (release when entering), read by flushers (acquire).
 * @cpu:	the CPU the vCPU is entering or last entered on; written by
 *		the vCPU thread with interrupts off, before @mode.
 * @requests:	TLB_REQ_* bits (atomic bitops).
 */
struct tlb_vcpu {
	int mode;
	int cpu;
	unsigned long requests;
};

/**
 * struct tlb_domain - the vCPUs that may hold translations of one VM's
 * second-level tables.
 * @vcpus:	by vCPU id; a slot is published once (smp_store_release)
 *		and stays until the VM is destroyed, when no flush can run.
 */
struct tlb_domain {
	struct tlb_vcpu *vcpus[VMEM_MAX_VCPUS];
};

void tlb_domain_add(struct tlb_domain *d, unsigned int id, struct tlb_vcpu *v);
void tlb_flush_domain(struct tlb_domain *d);

/**
 * tlb_vcpu_enter() - the vCPU is about to enter guest mode on @cpu.
 * @v: the vCPU's part
 * @cpu: this CPU; interrupts are disabled until tlb_vcpu_exit()
 *
 * Publishes IN_GUEST_MODE; after the full barrier the caller reads its
 * requests (tlb_vcpu_must_flush()): either a flusher sees IN_GUEST_MODE
 * and kicks, or the vCPU sees the flusher's request.
 */
static inline void tlb_vcpu_enter(struct tlb_vcpu *v, int cpu)
{
	WRITE_ONCE(v->cpu, cpu);
	smp_store_release(&v->mode, IN_GUEST_MODE);	/* @cpu first */
	/* Publish the mode before reading requests; pairs with the flush. */
	smp_mb();
}

/**
 * tlb_vcpu_must_flush() - consume a flush request, after tlb_vcpu_enter().
 * @v: the vCPU's part
 *
 * Return: true if the vCPU must drop its cached translations before it
 * enters the guest.
 */
static inline bool tlb_vcpu_must_flush(struct tlb_vcpu *v)
{
	return test_and_clear_bit(TLB_REQ_FLUSH, &v->requests);
}

/**
 * tlb_vcpu_exit() - the vCPU left guest mode (or gave up entering).
 * @v: the vCPU's part
 */
static inline void tlb_vcpu_exit(struct tlb_vcpu *v)
{
	WRITE_ONCE(v->mode, OUTSIDE_GUEST_MODE);
}

#endif /* VMEM_TLB_H */
