// SPDX-License-Identifier: GPL-2.0
/*
 * The machine-page pool (docs/design.md, "Objects"; paper §6 "admission
 * control").
 *
 * The pool is a budget, not a reserve: machine pages come from the host page
 * allocator when a guest touches memory, and are charged against the pool.
 * So are the pages that map guest memory (paper §6: per-VM overhead
 * memory): pmap chunks and second-level table pages. A guest that touches
 * one byte in every 2 MiB of a huge address space costs two pages of
 * overhead per page of data; charging them means the pool bounds that too.
 * Reservations ("min") are promises: the sum of all VMs' min must fit in the
 * pool, which is what admission control checks at VM creation.
 *
 * All functions run in process context; pool_lock is a spinlock so the page
 * charge path may later be called from non-sleeping contexts.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>

#include "pool.h"

static unsigned long pool_mb;
module_param(pool_mb, ulong, 0444);
MODULE_PARM_DESC(pool_mb,
		 "Machine memory vmem may give to guests, in MiB (0: half of RAM; change at run time in /sys/kernel/vmem/pool_mb)");

static DEFINE_SPINLOCK(pool_lock);
static u64 pool_pages;			/* pool_lock */
static u64 pool_reserved_pages;		/* pool_lock */
static atomic64_t pool_allocated_pages = ATOMIC64_INIT(0);
static atomic64_t pool_overhead_pages = ATOMIC64_INIT(0);

/* Charge one page to @counter if the pool has room; false if not. */
static bool pool_charge(atomic64_t *counter)
{
	atomic64_inc(counter);
	if (atomic64_read(&pool_allocated_pages) +
	    atomic64_read(&pool_overhead_pages) > READ_ONCE(pool_pages)) {
		atomic64_dec(counter);
		return false;
	}
	return true;
}

/* A zeroed page charged to @counter, or NULL (pool or host out of memory). */
static struct page *pool_alloc(atomic64_t *counter, gfp_t gfp)
{
	struct page *page;

	if (!pool_charge(counter))
		return NULL;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_NOWARN);
	if (!page)
		atomic64_dec(counter);
	return page;
}

/**
 * pool_init() - size the pool from the module parameter.
 * Return: 0, or -EINVAL when pool_mb exceeds the host's memory.
 */
int pool_init(void)
{
	u64 ram = totalram_pages();

	if (!pool_mb) {
		/* Whole MiB, so pool_mb in sysfs is exact. */
		pool_pages = round_down(ram / 2, 1 << (20 - PAGE_SHIFT));
		return 0;
	}
	if (pool_mb > (ram >> (20 - PAGE_SHIFT))) {
		pr_err("vmem: pool_mb=%lu exceeds host RAM (%llu MiB)\n",
		       pool_mb, ram >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	pool_pages = (u64)pool_mb << (20 - PAGE_SHIFT);
	return 0;
}

/**
 * pool_reserve() - admission control: promise @pages to a new VM.
 * @pages: the VM's min, in pages
 *
 * Return: 0, or -ENOMEM when the reservations would exceed the pool.
 */
int pool_reserve(u64 pages)
{
	int r = 0;

	spin_lock(&pool_lock);
	if (pool_reserved_pages + pages > pool_pages)
		r = -ENOMEM;
	else
		pool_reserved_pages += pages;
	spin_unlock(&pool_lock);
	return r;
}

/**
 * pool_unreserve() - release a reservation made by pool_reserve().
 * @pages: as given to pool_reserve()
 */
void pool_unreserve(u64 pages)
{
	spin_lock(&pool_lock);
	WARN_ON(pages > pool_reserved_pages);
	pool_reserved_pages -= min(pages, pool_reserved_pages);
	spin_unlock(&pool_lock);
}

/**
 * pool_set_size() - resize the pool (sysfs).
 * @pages: new size in pages
 *
 * Return: 0; -EBUSY when reservations would no longer fit; -EINVAL when
 * larger than the host's memory.
 */
int pool_set_size(u64 pages)
{
	int r = 0;

	if (pages > totalram_pages())
		return -EINVAL;
	spin_lock(&pool_lock);
	if (pages < pool_reserved_pages)
		r = -EBUSY;
	else
		pool_pages = pages;
	spin_unlock(&pool_lock);
	return r;
}

/** pool_size() - the pool size in pages. */
u64 pool_size(void)
{
	return READ_ONCE(pool_pages);
}

/** pool_reserved() - the sum of reservations in pages. */
u64 pool_reserved(void)
{
	return READ_ONCE(pool_reserved_pages);
}

/** pool_allocated() - machine pages currently charged to the pool. */
u64 pool_allocated(void)
{
	return atomic64_read(&pool_allocated_pages);
}

/**
 * pool_alloc_page() - a zeroed machine page for a guest, charged to the pool.
 *
 * Zeroing is what keeps one VM from reading another's old data.
 * May sleep. Return: the page, or NULL when the pool or the host is out of
 * memory.
 */
struct page *pool_alloc_page(void)
{
	return pool_alloc(&pool_allocated_pages,
			  GFP_HIGHUSER | __GFP_ACCOUNT);
}

/**
 * pool_free_page() - give a guest page back to the host.
 * @page: a page from pool_alloc_page() that no mapping references any more
 */
void pool_free_page(struct page *page)
{
	__free_page(page);
	atomic64_dec(&pool_allocated_pages);
}

/** pool_overhead() - pmap and table pages currently charged to the pool. */
u64 pool_overhead(void)
{
	return atomic64_read(&pool_overhead_pages);
}

/**
 * pool_alloc_overhead() - a zeroed kernel page for vmem's own tables of a
 * guest (a pmap chunk, a second-level table), charged to the pool.
 *
 * May sleep. Return: the page, or NULL when the pool or the host is out of
 * memory.
 */
struct page *pool_alloc_overhead(void)
{
	return pool_alloc(&pool_overhead_pages, GFP_KERNEL_ACCOUNT);
}

/**
 * pool_charge_overhead() - charge a table page allocated earlier outside
 * the pool (from a struct slpt_cache, filled before a spinlock was taken)
 * now that it enters the tables. Atomic context.
 *
 * It cannot fail: the pool may go past its size by the few table pages
 * one fault needs, after which every allocation fails until pages are
 * freed, so the excess stays bounded.
 */
void pool_charge_overhead(void)
{
	atomic64_inc(&pool_overhead_pages);
}

/**
 * pool_free_overhead() - free a page charged by pool_alloc_overhead() or
 * pool_charge_overhead().
 * @page: the page; nothing references it any more
 */
void pool_free_overhead(struct page *page)
{
	__free_page(page);
	atomic64_dec(&pool_overhead_pages);
}
