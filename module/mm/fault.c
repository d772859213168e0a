// SPDX-License-Identifier: GPL-2.0
/*
 * Second-level faults: resolving a guest page for an access, populating it
 * on first touch, and copy on write of shared and zero pages (paper §4.2).
 * pmap_resolve() is also the path of host writes (access.c).
 *
 * Process context (a vCPU thread after #VMEXIT with interrupts enabled, or
 * an ioctl); may sleep, but never under mm->lock.
 */
#include <linux/highmem.h>
#include <linux/mm.h>

#include "mm.h"
#include "pmap.h"
#include "pool.h"

/*
 * A write to a shared frame or the zero page: give @ppn a private page.
 * Called and returns with mm->lock held, but drops it to allocate and copy;
 * returns -EAGAIN when the caller must look at the entry again. When the
 * old page may still be in some vCPU's TLB (another sharer's copy or the
 * zero page), the VM is flushed before the write can complete, so no vCPU
 * keeps reading the old content.
 */
static int pmap_cow(struct vmem_mm *mm, ppn_t ppn, u64 *e, bool *flush,
		    struct shared_frame **put)
	__must_hold(&mm->lock)
{
	enum pmap_state state = pmap_state(*e);
	struct page *src = NULL, *fresh;
	u64 old = *e;

	if (state == PMAP_SHARED) {
		struct shared_frame *frame =
			page_frame(pfn_to_page(pmap_mpn(*e)));

		if (frame_make_private(frame)) {
			/* The last sharer keeps the page: no copy, no flush. */
			*e = pmap_make(PMAP_MAPPED, pmap_mpn(*e));
			goto shared_to_private;
		}
		src = pfn_to_page(pmap_mpn(*e));
		get_page(src);
	}
	spin_unlock(&mm->lock);
	fresh = pool_alloc_page();
	if (fresh && src)
		copy_highpage(fresh, src);
	spin_lock(&mm->lock);
	if (src)
		put_page(src);
	if (!fresh)
		return -ENOMEM;
	if (*e != old) {		/* changed meanwhile: start over */
		spin_unlock(&mm->lock);
		pool_free_page(fresh);
		spin_lock(&mm->lock);
		return -EAGAIN;
	}
	*e = pmap_make(PMAP_MAPPED, page_to_pfn(fresh));
	*flush = true;
	if (state == PMAP_ZERO) {
		atomic64_dec(&mm->zero);
		atomic64_dec(&mm_stats.zero);
		goto done;
	}
	*put = page_frame(src);
shared_to_private:
	atomic64_dec(&mm->shared);
	atomic64_dec(&mm_stats.sharing);
done:
	atomic64_inc(&mm->allocated);
	atomic64_inc(&mm->cow_breaks);
	atomic64_inc(&mm_stats.cow_breaks);
	return 0;
}

/*
 * An untouched page gets the private page @fresh (zeroed by the pool): the
 * first touch.
 */
static void pmap_populate(struct vmem_mm *mm, u64 *e, struct page *fresh)
	__must_hold(&mm->lock)
{
	atomic64_inc(&mm->touched);
	atomic64_inc(&mm->allocated);
	*e = pmap_make(PMAP_MAPPED, page_to_pfn(fresh));
}

/**
 * pmap_resolve() - make @ppn accessible for an access.
 * @mm: the VM's memory
 * @ppn: a guest page below mm->nr_pages
 * @write: the access writes
 * @cache: if not NULL, map the page in the second-level tables (read-only
 *	   for shared and zero pages, and for frozen private pages on a read;
 *	   writable otherwise)
 * @pagep: if not NULL, return the private page with a reference held (a
 *	   host write)
 *
 * A write always ends with a private page, and ends a freeze (a write
 * fault, or a host writer, is what makes a pending merge give up).
 * Process context. Return: 0 or -ENOMEM (or -EIO on a corrupt entry).
 */
int pmap_resolve(struct vmem_mm *mm, ppn_t ppn, bool write,
		 struct slpt_cache *cache, struct page **pagep)
{
	struct shared_frame *put = NULL;
	gpa_t gpa = (gpa_t)ppn << PAGE_SHIFT;
	struct page *fresh = NULL;
	void *empty = NULL;
	bool flush = false;
	u64 *e;
	int r;

prepare:
	r = pmap_prepare(mm, ppn);
	if (r)
		goto out;
	spin_lock(&mm->lock);
again:
	e = __pmap_entry(mm, ppn);
	if (!e) {
		/* Another failed populate freed the chunk while we slept. */
		spin_unlock(&mm->lock);
		goto prepare;
	}
	switch (pmap_state(*e)) {
	case PMAP_UNTOUCHED:
		if (!fresh) {
			spin_unlock(&mm->lock);
			fresh = pool_alloc_page();
			spin_lock(&mm->lock);
			if (!fresh) {
				r = -ENOMEM;
				empty = __pmap_take_empty_chunk(mm, ppn);
				break;
			}
			goto again;
		}
		pmap_populate(mm, e, fresh);
		fresh = NULL;
		fallthrough;
	case PMAP_MAPPED:
		/* A write (or a host writer) ends any freeze for sharing. */
		if (write)
			*e &= ~PMAP_WP;
		if (cache)
			__slpt_map(&mm->slpt, gpa, pmap_mpn(*e),
				   !(*e & PMAP_WP), cache);
		if (pagep) {
			*pagep = pfn_to_page(pmap_mpn(*e));
			get_page(*pagep);
		}
		r = 0;
		break;
	case PMAP_SHARED:
	case PMAP_ZERO:
		if (write) {
			r = pmap_cow(mm, ppn, e, &flush, &put);
			if (r == -EAGAIN || !r)
				goto again;
			break;
		}
		if (cache)
			__slpt_map(&mm->slpt, gpa, pmap_state(*e) == PMAP_ZERO ?
				   page_to_pfn(ZERO_PAGE(0)) : pmap_mpn(*e),
				   false, cache);
		r = 0;
		break;
	default:
		WARN_ONCE(1, "vmem: pmap state %u not handled\n",
			  pmap_state(*e));
		r = -EIO;
		break;
	}
	spin_unlock(&mm->lock);
	if (empty)
		pmap_free_chunk(mm, empty);
out:
	if (fresh)
		pool_free_page(fresh);
	if (flush)
		vmem_mm_flush(mm);
	if (put)
		frame_put(put);
	return r;
}

/**
 * vmem_mm_fault() - handle a second-level page fault in @mm.
 * @mm: the VM's memory
 * @gpa: faulting guest-physical address
 * @write: the access was a write
 *
 * Return: 0 when the mapping is in place, VMEM_FAULT_MMIO when @gpa lies
 * outside guest memory, or -ENOMEM.
 */
int vmem_mm_fault(struct vmem_mm *mm, gpa_t gpa, bool write)
{
	struct slpt_cache cache = { 0 };
	ppn_t ppn = gpa >> PAGE_SHIFT;
	int r;

	if (ppn >= mm->nr_pages)
		return VMEM_FAULT_MMIO;
	atomic64_inc(&mm->faults);
	r = slpt_cache_topup(&cache);
	if (!r)
		r = pmap_resolve(mm, ppn, write, &cache, NULL);
	slpt_cache_free(&cache);
	return r;
}
