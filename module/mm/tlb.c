// SPDX-License-Identifier: GPL-2.0
/*
 * The flush primitive (docs/design.md, "The flush rule").
 *
 * A vCPU in guest mode may use translations of the second-level tables
 * that the hardware cached (TLB entries tagged by ASID on AMD, by EPTP and
 * VPID on Intel). A downgrade of a mapping (unmap, write-protect) only
 * takes effect once every vCPU of the VM has dropped those; until then the
 * old page may still be read or written. So every downgrade is followed by
 * tlb_flush_domain() before the page's content is trusted (compared,
 * swapped out) or the page freed.
 *
 * The handshake (KVM's, in kvm_make_all_cpus_request()): the flusher sets
 * TLB_REQ_FLUSH in every vCPU, then reads its mode; a vCPU entering the
 * guest publishes IN_GUEST_MODE, then reads its requests (tlb_vcpu_enter(),
 * both sides with a full barrier in between). Either the vCPU sees the
 * request and flushes before it enters, or the flusher sees IN_GUEST_MODE
 * and sends an IPI, waiting for it to be taken: a physical interrupt always
 * makes a guest exit (VMX external-interrupt exiting; SVM with
 * V_INTR_MASKING and the host's RFLAGS.IF set at VMRUN), and the vCPU then
 * consumes the request before its next entry.
 *
 * tlb_flush_domain() runs in process context with interrupts enabled (it
 * waits for IPIs) and may be called with mutexes held, never a spinlock
 * that an IPI handler or a vCPU entering with interrupts off could need.
 */
#include <linux/smp.h>

#include "tlb.h"

/**
 * tlb_domain_add() - a new vCPU joins its VM's flush domain.
 * @d: the VM's domain
 * @id: the vCPU id (its slot)
 * @v: the vCPU's part, which lives as long as the VM
 *
 * Called before the vCPU can enter the guest. A flush that finds the slot
 * still empty is harmless: the flusher's smp_mb() orders its downgrade
 * before that read, and pairs with the smp_mb() in the new vCPU's first
 * tlb_vcpu_enter(), so the vCPU's first walk sees the downgrade; and its
 * first entry drops cached translations anyway (a fresh ASID on SVM; on
 * VMX the first load on a CPU flushes the EPTP context).
 */
void tlb_domain_add(struct tlb_domain *d, unsigned int id, struct tlb_vcpu *v)
{
	smp_store_release(&d->vcpus[id], v);
}

static void tlb_kick_ipi(void *unused)
{
	/* The interrupt itself made the vCPU leave guest mode. */
}

/**
 * tlb_flush_domain() - make every vCPU of a VM drop its cached guest
 * translations, and wait until none can still use the old ones.
 * @d: the VM's domain
 *
 * When this returns, each vCPU is either outside guest mode and will flush
 * before it enters, or has left guest mode since the call began (and will
 * flush before re-entering). Only then may the caller trust the content of
 * a write-protected page or free an unmapped one.
 */
void tlb_flush_domain(struct tlb_domain *d)
{
	unsigned int i;

	/*
	 * Order the caller's downgrade (a store under mm->lock, whose unlock
	 * is only a release) before reading the slots: a vCPU published
	 * after this read is ordered after the downgrade by its own smp_mb()
	 * at entry. Release + acquire alone would not order store -> load.
	 */
	smp_mb();
	for (i = 0; i < VMEM_MAX_VCPUS; i++) {
		struct tlb_vcpu *v = smp_load_acquire(&d->vcpus[i]);

		if (!v)
			continue;
		set_bit(TLB_REQ_FLUSH, &v->requests);
		/* Order the request before reading mode; pairs with entry. */
		smp_mb__after_atomic();
		/* Acquire: @cpu was written before the mode that says so. */
		if (smp_load_acquire(&v->mode) == IN_GUEST_MODE)
			smp_call_function_single(READ_ONCE(v->cpu),
						 tlb_kick_ipi, NULL, 1);
	}
}
