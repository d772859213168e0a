/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content-based page sharing (paper §4; DESIGN §5): frames, hints, the
 * scanner and its knobs and counters.
 *
 * Lock order: mm->lock -> share_lock -> share_vms_lock (spinlocks; the last
 * guards the scanner's list of VMs and their marks).
 */
#ifndef VMEM_SHARE_H
#define VMEM_SHARE_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "../types.h"

struct vmem_vm;
struct page;

/**
 * struct share_frame - a machine page that guest pages with equal content
 * map read-only (copy on write).
 * @node:	in the global table, by (@hash, @salt).
 * @hash:	content hash (xxh64, possibly masked by debug_hash_bits).
 * @salt:	only VMs with this salt map the frame.
 * @page:	the machine page; page->private points back here.
 * @refs:	pmap entries mapping the frame, plus scanner pins. A u64 under
 *		share_lock: it cannot wrap before the machine runs out of pages.
 */
struct share_frame {
	struct hlist_node node;
	u64 hash;
	u64 salt;
	struct page *page;
	u64 refs;
};

/**
 * struct share_hint - a private page seen once, whose content may be
 * found again (paper: "hint frame").
 * @node:	in the global table, by (@hash, @salt).
 * @hash:	content hash when hinted.
 * @salt:	the VM's salt then.
 * @vm:		the VM (no reference: hints die with their VM).
 * @ppn:	the guest page.
 */
struct share_hint {
	struct hlist_node node;
	u64 hash;
	u64 salt;
	struct vmem_vm *vm;
	ppn_t ppn;
};

/**
 * struct vmem_share_vm - a VM's part in sharing.
 * @node:	in the scanner's VM list (share_vms_lock).
 * @hints:	its hints by PPN (share_lock), at most one per page.
 * @scanned:	pages examined since the last full-scan equivalent.
 * @budget:	pages the scanner may still examine this period.
 * @scanning:	the scanner is working on the VM (share_vms_lock).
 * @pinned:	the scanner is merging with one of the VM's hinted pages
 *		(share_vms_lock). The VM's teardown waits until both are
 *		clear: the scanner never holds a reference, so closing a VM's
 *		last fd frees everything at once.
 */
struct vmem_share_vm {
	struct list_head node;
	struct xarray hints;
	u64 scanned;
	u64 budget;
	bool scanning;
	bool pinned;
};

int share_init(void);
void share_exit(void);
void share_vm_add(struct vmem_vm *vm);
void share_vm_remove(struct vmem_vm *vm);
void share_frame_put(struct share_frame *frame);
void share_frame_pin(struct share_frame *frame);
void share_frame_publish(struct share_frame *frame, struct page *page,
			 u64 hash, u64 salt);
bool share_frame_make_private(struct share_frame *frame);
struct share_frame *share_page_frame(struct page *page);

/* Counters, module wide (sysfs /sys/kernel/vmem/share/). */
struct share_stats {
	atomic64_t frames;		/* pages_shared */
	atomic64_t sharing;		/* pages_sharing */
	atomic64_t zero;		/* zero_pages */
	atomic64_t hints;
	atomic64_t scanned;
	atomic64_t full_scans;
	atomic64_t cow_breaks;
	atomic64_t hint_hits;
	atomic64_t stale_hints;
	atomic64_t collisions;		/* equal hash, different content */
};
extern struct share_stats share_stats;

/* Knobs (module parameters, mirrored in sysfs). */
extern bool share_enabled;
extern unsigned int share_scan_rate;
extern unsigned int share_vm_scan_rate;
extern bool share_zero_across_salts;
extern unsigned int share_debug_hash_bits;

void share_wake(void);

extern const struct attribute_group share_attr_group;

#endif /* VMEM_SHARE_H */
