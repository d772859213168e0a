/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Second-level page tables (AMD NPT, Intel EPT): one walker, entry formats
 * supplied by the backend. Both are 4-level, 512 entries per 4 KiB table,
 * indexed by guest-physical address bits 47:12 exactly like x86-64 paging;
 * only the meaning of the low bits differs (AMD APM vol. 2, 15.25.5; Intel
 * SDM vol. 3, 29.3.2).
 */
#ifndef VMEM_SLPT_H
#define VMEM_SLPT_H

#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "../types.h"

/**
 * struct slpt_format - entry bits of one second-level table format.
 * @table:	bits of a non-leaf entry besides the address.
 * @leaf_ro:	bits of a read-only (and executable) 4 KiB leaf.
 * @leaf_rw:	bits of a writable leaf.
 * @present:	an entry with any of these bits is present.
 * @write:	the bit that makes a leaf writable.
 */
struct slpt_format {
	u64 table;
	u64 leaf_ro;
	u64 leaf_rw;
	u64 present;
	u64 write;
};

#define SLPT_ADDR_MASK	GENMASK_ULL(51, 12)
#define SLPT_LEVELS	4

/* Table pages a caller must have ready before a map under the mm lock. */
#define SLPT_CACHE_PAGES	(SLPT_LEVELS - 1)

/**
 * struct slpt_cache - zeroed table pages allocated before taking the lock.
 * @n: number of valid @pages.
 * @pages: the pages.
 */
struct slpt_cache {
	int n;
	struct page *pages[SLPT_CACHE_PAGES];
};

/**
 * struct slpt - the second-level tables of one VM.
 * @fmt:	the backend's entry format.
 * @root:	top-level table; its page never changes while the VM lives.
 * @pages:	table pages, including the root (charged to the VM).
 */
struct slpt {
	const struct slpt_format *fmt;
	struct page *root;
	atomic64_t pages;
};

/* The address the hardware is given (nCR3, or the EPTP's table address). */
static inline hpa_t slpt_root_pa(const struct slpt *pt)
{
	return page_to_phys(pt->root);
}

int slpt_init(struct slpt *pt, const struct slpt_format *fmt);
void slpt_destroy(struct slpt *pt);
int slpt_cache_topup(struct slpt_cache *cache);
void slpt_cache_free(struct slpt_cache *cache);
void __slpt_map(struct slpt *pt, gpa_t gpa, mpn_t mpn, bool writable,
		struct slpt_cache *cache);
bool __slpt_unmap(struct slpt *pt, gpa_t gpa);
bool __slpt_wrprotect(struct slpt *pt, gpa_t gpa);
u64 __slpt_lookup(struct slpt *pt, gpa_t gpa);
void __slpt_detach_all(struct slpt *pt, u64 *saved);
void slpt_free_detached(struct slpt *pt, const u64 *saved);

#endif /* VMEM_SLPT_H */
