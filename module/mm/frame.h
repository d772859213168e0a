/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared frames (paper §4.2): machine pages that guest pages with equal
 * content map read-only, copy on write. Their lifetime (reference count,
 * publication, dissolution into a private page, release) is owned here,
 * in module/mm, beside the pmap entries that reference them; the table that
 * finds a frame by content hash is module/share's (share/table.c), which
 * links frames through @node under frame_lock.
 */
#ifndef VMEM_FRAME_H
#define VMEM_FRAME_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "../types.h"

struct page;

/**
 * struct shared_frame - a machine page shared copy-on-write.
 * @node:	in the sharing table by (@hash, @salt); frame_lock. Unhashed
 *		(hlist_unhashed()) until share/ inserts it; the last
 *		frame_put(), or frame_make_private(), unlinks it.
 * @hash:	content hash (xxh64, possibly masked by debug_hash_bits).
 * @salt:	only VMs with this salt map the frame.
 * @page:	the machine page; page->private points back here.
 * @refs:	pmap entries mapping the frame, plus pins of the sharing
 *		scanner; frame_lock, except its first value (2), set by
 *		vmem_mm_promote() under mm->lock before anyone else can
 *		reach the frame. A u64: it cannot wrap before the machine runs
 *		out of pages.
 */
struct shared_frame {
	struct hlist_node node;
	u64 hash;
	u64 salt;
	struct page *page;
	u64 refs;
};

/*
 * Guards every frame's @refs and @node, and so the sharing table that links
 * them. A spinlock; nests inside mm->lock.
 */
extern spinlock_t frame_lock;

/* Module-wide page-state counters (shown in /sys/kernel/vmem/share/). */
struct mm_stats {
	atomic64_t frames;	/* shared frames: pages_shared */
	atomic64_t sharing;	/* pmap entries mapping a frame: pages_sharing */
	atomic64_t zero;	/* pmap entries mapping the zero page */
	atomic64_t cow_breaks;	/* writes that gave a shared or zero PPN a
				 * private page */
};
extern struct mm_stats mm_stats;

int frame_init(void);
void frame_exit(void);
struct shared_frame *frame_alloc(void);
void frame_free(struct shared_frame *frame);
void __frame_pin(struct shared_frame *frame);
void frame_put(struct shared_frame *frame);
bool frame_make_private(struct shared_frame *frame);
struct shared_frame *page_frame(struct page *page);

#endif /* VMEM_FRAME_H */
