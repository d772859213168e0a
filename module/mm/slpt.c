// SPDX-License-Identifier: GPL-2.0
/*
 * The one second-level page-table walker (NPT and EPT).
 *
 * Tables are a cache of the pmap: built on faults, torn down with the VM.
 * Leaves map 4 KiB pages only, so every downgrade touches exactly one entry.
 * Functions named __slpt_* run under the lock of the memory that embeds the
 * tables (mm->lock: a spinlock, no sleeping); the table pages they may need
 * come from a struct slpt_cache filled before the lock was taken.
 * slpt_init/slpt_destroy run in process context. This file knows nothing
 * of the pmap or the VM: it is the bottom of module/mm.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "pool.h"
#include "slpt.h"

static inline u64 *slpt_table(u64 entry)
{
	return page_address(pfn_to_page((entry & SLPT_ADDR_MASK) >> PAGE_SHIFT));
}

static inline unsigned int slpt_index(gpa_t gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/*
 * Table pages are the VM's overhead, charged to the pool (pool.c): the
 * root when the VM is made; the others when they enter the tables. The
 * spare pages of a struct slpt_cache are plain kernel pages until then.
 */
static struct page *slpt_alloc_spare(void)
{
	return alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

/**
 * slpt_init() - allocate the root table.
 * @pt: the tables
 * @fmt: the backend's entry format
 *
 * Return: 0 or -ENOMEM.
 */
int slpt_init(struct slpt *pt, const struct slpt_format *fmt)
{
	pt->fmt = fmt;
	pt->root = pool_alloc_overhead();
	if (!pt->root)
		return -ENOMEM;
	atomic64_set(&pt->pages, 1);
	return 0;
}

static void slpt_free_level(struct slpt *pt, u64 *table, int level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < 512; i++)
			if (table[i] & pt->fmt->present)
				slpt_free_level(pt, slpt_table(table[i]),
						level - 1);
	}
	pool_free_overhead(virt_to_page(table));
	atomic64_dec(&pt->pages);
}

/**
 * slpt_destroy() - free every table page. No vCPU of the VM may run.
 * @pt: the tables
 */
void slpt_destroy(struct slpt *pt)
{
	if (pt->root)
		slpt_free_level(pt, page_address(pt->root), SLPT_LEVELS);
	pt->root = NULL;
	WARN_ON(atomic64_read(&pt->pages));
}

/**
 * __slpt_detach_all() - empty the root table, keeping the old entries.
 * Caller holds the lock of @pt; it must flush the VM and only then free the
 * detached tables with slpt_free_detached(), since a vCPU may still be
 * walking them until the flush completes.
 * @pt: the tables
 * @saved: 512 entries, receives the root's old content
 */
void __slpt_detach_all(struct slpt *pt, u64 *saved)
{
	u64 *root = page_address(pt->root);
	unsigned int i;

	for (i = 0; i < 512; i++) {
		saved[i] = root[i];
		WRITE_ONCE(root[i], 0);
	}
}

/**
 * slpt_free_detached() - free the tables __slpt_detach_all() removed.
 * @pt: the tables
 * @saved: what __slpt_detach_all() returned, after a flush of the VM
 */
void slpt_free_detached(struct slpt *pt, const u64 *saved)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		if (saved[i] & pt->fmt->present)
			slpt_free_level(pt, slpt_table(saved[i]),
					SLPT_LEVELS - 1);
}

/**
 * slpt_cache_topup() - make sure @cache holds enough tables for one map.
 * @cache: the caller's cache
 *
 * Return: 0 or -ENOMEM.
 */
int slpt_cache_topup(struct slpt_cache *cache)
{
	while (cache->n < SLPT_CACHE_PAGES) {
		struct page *page = slpt_alloc_spare();

		if (!page)
			return -ENOMEM;
		cache->pages[cache->n++] = page;
	}
	return 0;
}

/**
 * slpt_cache_free() - give back what a map did not use.
 * @cache: the caller's cache
 */
void slpt_cache_free(struct slpt_cache *cache)
{
	while (cache->n)
		__free_page(cache->pages[--cache->n]);
}

/*
 * Find the leaf entry for @gpa. Missing intermediate tables are taken from
 * @cache, or the walk stops (NULL) when @cache is NULL.
 */
static u64 *__slpt_leaf(struct slpt *pt, gpa_t gpa, struct slpt_cache *cache)
{
	u64 *table = page_address(pt->root);
	int level;

	for (level = SLPT_LEVELS; level > 1; level--) {
		u64 *e = &table[slpt_index(gpa, level)];

		if (!(*e & pt->fmt->present)) {
			struct page *page;

			if (!cache || WARN_ON(!cache->n))
				return NULL;
			page = cache->pages[--cache->n];
			pool_charge_overhead();
			atomic64_inc(&pt->pages);
			/* The table is zeroed; publish it after its content. */
			WRITE_ONCE(*e, page_to_phys(page) | pt->fmt->table);
		}
		table = slpt_table(*e);
	}
	return &table[slpt_index(gpa, 1)];
}

/**
 * __slpt_map() - map @gpa to machine page @mpn. Caller holds @pt's lock.
 * @pt: the tables
 * @gpa: guest-physical address (page aligned)
 * @mpn: machine page
 * @writable: leaf allows writes
 * @cache: table pages for missing levels (topped up by the caller)
 *
 * Upgrades need no TLB flush: the CPU re-walks on a fault.
 */
void __slpt_map(struct slpt *pt, gpa_t gpa, mpn_t mpn, bool writable,
		struct slpt_cache *cache)
{
	u64 *leaf = __slpt_leaf(pt, gpa, cache);

	if (leaf)
		WRITE_ONCE(*leaf, (mpn << PAGE_SHIFT) |
			   (writable ? pt->fmt->leaf_rw : pt->fmt->leaf_ro));
}

/**
 * __slpt_unmap() - remove the mapping of @gpa. Caller holds @pt's lock and
 * must flush the VM's TLBs before trusting or freeing the old page.
 * @pt: the tables
 * @gpa: guest-physical address
 *
 * Return: true if a mapping was removed.
 */
bool __slpt_unmap(struct slpt *pt, gpa_t gpa)
{
	u64 *leaf = __slpt_leaf(pt, gpa, NULL);

	if (!leaf || !(*leaf & pt->fmt->present))
		return false;
	WRITE_ONCE(*leaf, 0);
	return true;
}

/**
 * __slpt_wrprotect() - make the mapping of @gpa read-only. Caller holds
 * @pt's lock and must flush the VM's TLBs before trusting the page content.
 * @pt: the tables
 * @gpa: guest-physical address
 *
 * Return: true if a writable mapping was downgraded.
 */
bool __slpt_wrprotect(struct slpt *pt, gpa_t gpa)
{
	u64 *leaf = __slpt_leaf(pt, gpa, NULL);

	if (!leaf || !(*leaf & pt->fmt->write))
		return false;
	WRITE_ONCE(*leaf, *leaf & ~pt->fmt->write);
	return true;
}

/**
 * __slpt_lookup() - the leaf entry of @gpa, or 0. Caller holds @pt's lock.
 * @pt: the tables
 * @gpa: guest-physical address
 */
u64 __slpt_lookup(struct slpt *pt, gpa_t gpa)
{
	u64 *leaf = __slpt_leaf(pt, gpa, NULL);

	return leaf ? *leaf : 0;
}
