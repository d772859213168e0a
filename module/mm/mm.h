/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory of one VM: the pmap (PPN -> state and MPN) and the second-
 * level page tables that cache it.
 *
 * module/mm is the lowest layer of vmem: it includes nothing from the core,
 * share/ or policy/ above it, and calls nothing there. Every change of a
 * PPN's state goes through it, one function per transition (see the state
 * diagram in docs/design.md, "Page states"), so that the pmap, the second-
 * level tables, the TLBs and the counters stay consistent. The flush rule
 * (docs/design.md, "The flush rule"): a downgrade (unmap, write-protect) of
 * a page a running vCPU may hold in its TLB is followed by vmem_mm_flush()
 * before the page's content is trusted or the page freed.
 *
 * Files: mm.c (a VM's memory: init, destroy, dropping all mappings),
 * pmap.c (entries), fault.c (second-level faults and copy on write),
 * access.c (host reads and writes of guest memory), freeze.c (the
 * transitions of page sharing), frame.c (shared frames), pool.c (machine
 * pages), slpt.c (the table walker), tlb.c (the flush primitive).
 *
 * Locks: mm->lock (spinlock) guards the pmap entries and the table
 * contents; frame_lock nests inside it. mm->lock nests inside vcpu->mutex
 * (faults) and is otherwise taken alone (the scanner, VM ioctls); nothing
 * that sleeps happens under it (pages are allocated before taking it).
 */
#ifndef VMEM_MM_H
#define VMEM_MM_H

#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "../types.h"
#include "frame.h"
#include "slpt.h"
#include "tlb.h"

/*
 * A pmap entry is a u64: state in bits 2:0, flags in bits 11:3, and the
 * payload (an MPN) in bits 63:12. The states and flags that exist today;
 * docs/design.md ("Page states") lists the ones the reclamation and
 * working-set issues add (ballooned, swapped, the sampled flag) and where
 * they fit.
 */
enum pmap_state {
	PMAP_UNTOUCHED = 0,	/* never written: reads as zero */
	PMAP_MAPPED,		/* private machine page */
	PMAP_SHARED,		/* read-only shared frame (copy on write) */
	PMAP_ZERO,		/* the zero frame (copy on write) */
};

#define PMAP_STATE_MASK		0x7ULL
#define PMAP_WP			BIT_ULL(4)	/* frozen: see freeze.c */
#define PMAP_PAYLOAD_SHIFT	12

#define PMAP_CHUNK_SHIFT	9		/* 512 entries = one page */
#define PMAP_CHUNK_ENTRIES	(1UL << PMAP_CHUNK_SHIFT)

static inline enum pmap_state pmap_state(u64 e)
{
	return e & PMAP_STATE_MASK;
}

static inline mpn_t pmap_mpn(u64 e)
{
	return e >> PMAP_PAYLOAD_SHIFT;
}

static inline u64 pmap_make(enum pmap_state s, u64 payload)
{
	return (payload << PMAP_PAYLOAD_SHIFT) | s;
}

/**
 * struct vmem_mm - guest memory of one VM.
 * @lock:	guards @pmap entries and the contents of @slpt.
 * @nr_pages:	guest size in pages (set at creation).
 * @pmap:	chunks of PMAP_CHUNK_ENTRIES u64 entries, by ppn >> 9,
 *		allocated when first needed and freed with the VM.
 * @slpt:	the second-level tables (their format, root, page count).
 * @tlb:	the vCPUs that may cache translations of @slpt.
 * @allocated:	private machine pages held.
 * @shared:	PPNs mapped to a shared frame.
 * @zero:	PPNs mapped to the zero page.
 * @cow_breaks:	writes to shared or zero pages that gave a private page.
 * @touched:	PPNs ever populated.
 * @pmap_pages:	pmap chunks held (overhead, charged to the pool like
 *		slpt.pages).
 * @faults:	second-level faults handled.
 *
 * The counters are atomic64_t, changed under @lock, read without it.
 */
struct vmem_mm {
	spinlock_t lock;
	u64 nr_pages;
	struct xarray pmap;
	struct slpt slpt;
	struct tlb_domain tlb;
	atomic64_t allocated;
	atomic64_t shared;
	atomic64_t zero;
	atomic64_t cow_breaks;
	atomic64_t touched;
	atomic64_t pmap_pages;
	atomic64_t faults;
};

struct page;

/* mm.c */
u64 vmem_mm_overhead(struct vmem_mm *mm);
int vmem_mm_init(struct vmem_mm *mm, u64 nr_pages,
		 const struct slpt_format *fmt);
void vmem_mm_destroy(struct vmem_mm *mm);
int vmem_mm_drop_mappings(struct vmem_mm *mm);

/**
 * vmem_mm_flush() - the flush primitive for this memory's vCPUs (tlb.c).
 * @mm: the VM's memory
 */
static inline void vmem_mm_flush(struct vmem_mm *mm)
{
	tlb_flush_domain(&mm->tlb);
}

/* fault.c. Result of a second-level fault beyond "handled": */
#define VMEM_FAULT_MMIO	1
int vmem_mm_fault(struct vmem_mm *mm, gpa_t gpa, bool write);

/* access.c */
int vmem_mm_read(struct vmem_mm *mm, gpa_t gpa, void *dst, size_t len,
		 bool user);
int vmem_mm_write(struct vmem_mm *mm, gpa_t gpa, const void *src, size_t len,
		  bool user);

/* pmap.c */
ppn_t vmem_mm_random_ppn(struct vmem_mm *mm);

/* freeze.c: the transitions of page sharing */
struct page *vmem_mm_peek(struct vmem_mm *mm, ppn_t ppn);
struct page *vmem_mm_freeze(struct vmem_mm *mm, ppn_t ppn);
void vmem_mm_thaw(struct vmem_mm *mm, ppn_t ppn, struct page *page);
bool vmem_mm_share(struct vmem_mm *mm, ppn_t ppn, struct page *page,
		   struct shared_frame *frame);
bool vmem_mm_zero(struct vmem_mm *mm, ppn_t ppn, struct page *page);
bool vmem_mm_promote(struct vmem_mm *mm, ppn_t ppn, struct page *page,
		     struct shared_frame *frame, u64 hash, u64 salt);
void vmem_mm_release_frozen(struct page *page);

#endif /* VMEM_MM_H */
