/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content-based page sharing (paper §4; docs/design.md, "Page sharing"):
 * the table of frames and hints, the scanner, its knobs and counters. It
 * sits above module/mm and below the core: it reaches a VM only through
 * its struct vmem_share_vm (the VM's memory and salt), and changes pages
 * only through mm's transitions (mm/freeze.c) and frames (mm/frame.h).
 *
 * Locks (spinlocks): share_lock (the hints and the table's hint side) ->
 * share_vms_lock (the scanner's list of VMs and their marks). The frame
 * side of the table is guarded by mm's frame_lock, which nests inside
 * mm->lock and is never held together with share_lock.
 */
#ifndef VMEM_SHARE_H
#define VMEM_SHARE_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "../mm/mm.h"

/**
 * struct share_hint - a private page seen once, whose content may be
 * found again (paper: "hint frame").
 * @node:	in the global table, by (@hash, @salt).
 * @hash:	content hash when hinted.
 * @salt:	the VM's salt then.
 * @sv:		the VM (no reference: hints die with their VM).
 * @ppn:	the guest page.
 */
struct share_hint {
	struct hlist_node node;
	u64 hash;
	u64 salt;
	struct vmem_share_vm *sv;
	ppn_t ppn;
};

/**
 * struct vmem_share_vm - a VM's part in sharing, embedded in its VM.
 * @mm:		the VM's memory (set by share_vm_add()).
 * @salt:	sharing salt: only VMs with equal salts share pages (zero
 *		pages may cross salts, see share_zero_across_salts). Written
 *		by the core (VM creation, sysfs) with WRITE_ONCE, read with
 *		READ_ONCE; only new sharing follows a change.
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
	struct vmem_mm *mm;
	u64 salt;
	struct list_head node;
	struct xarray hints;
	u64 scanned;
	u64 budget;
	bool scanning;
	bool pinned;
};

int share_init(void);
void share_exit(void);
void share_vm_add(struct vmem_share_vm *sv, struct vmem_mm *mm);
void share_vm_remove(struct vmem_share_vm *sv);

/*
 * The scanner's counters, module wide (sysfs /sys/kernel/vmem/share/,
 * beside mm_stats' page-state counters).
 */
struct share_stats {
	atomic64_t hints;
	atomic64_t scanned;
	atomic64_t full_scans;
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
