// SPDX-License-Identifier: GPL-2.0
/*
 * The pmap: for every guest page (PPN), its state and machine page (MPN).
 *
 * Entries live in page-sized chunks of 512, kept in an xarray indexed by
 * ppn >> 9 and allocated on first use, so a 1 TiB guest costs nothing until
 * it is touched. Chunks are the VM's overhead, charged to the pool. They
 * are allocated in process context before mm->lock is taken and unlinked
 * only under it (an empty one after a failed populate, all at teardown);
 * entries are read and written under mm->lock, so a NULL entry under the
 * lock means "untouched".
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>

#include "mm.h"
#include "pmap.h"
#include "pool.h"

/**
 * pmap_prepare() - make sure the chunk holding @ppn exists.
 * @mm: the VM's memory
 * @ppn: a guest page below mm->nr_pages
 *
 * Process context, may sleep. Return: 0 or -ENOMEM.
 */
int pmap_prepare(struct vmem_mm *mm, ppn_t ppn)
{
	unsigned long idx = ppn >> PMAP_CHUNK_SHIFT;
	void *chunk, *old;

	struct page *page;

	if (xa_load(&mm->pmap, idx))
		return 0;
	page = pool_alloc_overhead();
	if (!page)
		return -ENOMEM;
	chunk = page_address(page);
	old = xa_cmpxchg(&mm->pmap, idx, NULL, chunk, GFP_KERNEL_ACCOUNT);
	if (old) {		/* lost a race, or xa_err() */
		pool_free_overhead(page);
		return xa_is_err(old) ? xa_err(old) : 0;
	}
	atomic64_inc(&mm->pmap_pages);
	return 0;
}

/**
 * __pmap_take_empty_chunk() - unlink the chunk of @ppn if every entry in
 * it is untouched, as after a populate that failed for want of memory: the
 * chunk holds nothing, so it must not stay charged. Caller holds mm->lock
 * and frees the result with pmap_free_chunk() after unlocking.
 * @mm: the VM's memory
 * @ppn: a page of the chunk
 *
 * Return: the unlinked chunk, or NULL.
 */
void *__pmap_take_empty_chunk(struct vmem_mm *mm, ppn_t ppn)
{
	unsigned long idx = ppn >> PMAP_CHUNK_SHIFT;
	u64 *chunk = xa_load(&mm->pmap, idx);

	if (!chunk || memchr_inv(chunk, 0, PAGE_SIZE))
		return NULL;
	/* Erasing an existing entry allocates nothing: it cannot fail. */
	xa_erase(&mm->pmap, idx);
	return chunk;
}

/**
 * pmap_free_chunk() - free a chunk unlinked from the pmap.
 * @mm: the VM's memory
 * @chunk: from __pmap_take_empty_chunk(), or met by pmap_destroy()
 */
void pmap_free_chunk(struct vmem_mm *mm, void *chunk)
{
	pool_free_overhead(virt_to_page(chunk));
	atomic64_dec(&mm->pmap_pages);
}

/**
 * __pmap_entry() - the entry of @ppn, or NULL if its chunk does not exist
 * (the page is then untouched). Caller holds mm->lock.
 * @mm: the VM's memory
 * @ppn: guest page
 */
u64 *__pmap_entry(struct vmem_mm *mm, ppn_t ppn)
{
	u64 *chunk = xa_load(&mm->pmap, ppn >> PMAP_CHUNK_SHIFT);

	return chunk ? &chunk[ppn & (PMAP_CHUNK_ENTRIES - 1)] : NULL;
}

/* Release whatever machine memory one entry holds. */
static void pmap_release_entry(struct vmem_mm *mm, u64 e)
{
	switch (pmap_state(e)) {
	case PMAP_MAPPED:
		pool_free_page(pfn_to_page(pmap_mpn(e)));
		atomic64_dec(&mm->allocated);
		break;
	case PMAP_SHARED:
		/* No vCPU of this VM runs any more: no flush is needed. */
		frame_put(page_frame(pfn_to_page(pmap_mpn(e))));
		atomic64_dec(&mm->shared);
		atomic64_dec(&mm_stats.sharing);
		break;
	case PMAP_ZERO:
		atomic64_dec(&mm->zero);
		atomic64_dec(&mm_stats.zero);
		break;
	default:
		break;
	}
}

/**
 * pmap_destroy() - free every machine page and chunk. No vCPU may run and
 * no second-level table may reference the pages any more.
 * @mm: the VM's memory
 */
void pmap_destroy(struct vmem_mm *mm)
{
	unsigned long idx;
	u64 *chunk;
	int i;

	xa_for_each(&mm->pmap, idx, chunk) {
		for (i = 0; i < PMAP_CHUNK_ENTRIES; i++)
			pmap_release_entry(mm, chunk[i]);
		pmap_free_chunk(mm, chunk);
	}
	xa_destroy(&mm->pmap);
	WARN_ON(atomic64_read(&mm->allocated) || atomic64_read(&mm->shared) ||
		atomic64_read(&mm->zero) || atomic64_read(&mm->pmap_pages));
}

/**
 * vmem_mm_random_ppn() - a random guest page among those ever touched.
 * @mm: the VM's memory
 *
 * Picks a random chunk index, moves to the first populated chunk from
 * there (wrapping around), then a random entry in it: random, but never
 * wasted on the untouched expanse of a sparse guest. Lockless (RCU inside
 * the xarray).
 * Return: a PPN, or U64_MAX when nothing was ever touched.
 */
ppn_t vmem_mm_random_ppn(struct vmem_mm *mm)
{
	u64 chunks = DIV_ROUND_UP(mm->nr_pages, PMAP_CHUNK_ENTRIES);
	unsigned long idx = get_random_u64() % chunks;
	ppn_t ppn;

	if (!xa_find(&mm->pmap, &idx, ULONG_MAX, XA_PRESENT)) {
		idx = 0;
		if (!xa_find(&mm->pmap, &idx, ULONG_MAX, XA_PRESENT))
			return U64_MAX;
	}
	ppn = ((u64)idx << PMAP_CHUNK_SHIFT) +
	      (get_random_u32() % PMAP_CHUNK_ENTRIES);
	return min(ppn, mm->nr_pages - 1);
}
