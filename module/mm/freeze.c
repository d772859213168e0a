// SPDX-License-Identifier: GPL-2.0
/*
 * The pmap transitions of page sharing (paper §4.2), as the scanner in
 * module/share/ drives them (docs/design.md, "Page states"):
 *
 *   peek    a referenced private page, to hash it without stopping anyone;
 *   freeze  mark the entry PMAP_WP and write-protect it; after the caller's
 *           vmem_mm_flush() no vCPU can change the page without a fault,
 *           and a fault (or a host writer's reference) unfreezes it;
 *   share   a still-frozen private page becomes a reference to a frame
 *           whose content the caller compared equal;
 *   promote a still-frozen private page becomes a frame itself;
 *   zero    a still-frozen all-zero page maps the zero page instead;
 *   thaw    give up on a frozen page.
 *
 * share and zero unmap the old page: the caller flushes the VM, then frees
 * it with vmem_mm_release_frozen(). Process context; mm->lock inside.
 */
#include <linux/mm.h>

#include "mm.h"
#include "pmap.h"
#include "pool.h"

/*
 * A referenced private page of @mm that nobody has frozen; with @freeze,
 * also freeze it, unless someone else holds a reference (a host-side read
 * or write of guest memory in progress).
 */
static struct page *mm_take_private(struct vmem_mm *mm, ppn_t ppn, bool freeze)
{
	struct page *page = NULL;
	u64 *e;

	spin_lock(&mm->lock);
	e = __pmap_entry(mm, ppn);
	if (e && pmap_state(*e) == PMAP_MAPPED && !(*e & PMAP_WP)) {
		page = pfn_to_page(pmap_mpn(*e));
		if (freeze && page_count(page) != 1) {
			page = NULL;
		} else {
			if (freeze) {
				*e |= PMAP_WP;
				__slpt_wrprotect(&mm->slpt, (gpa_t)ppn << PAGE_SHIFT);
			}
			get_page(page);
		}
	}
	spin_unlock(&mm->lock);
	return page;
}

/**
 * vmem_mm_peek() - a private page of @mm to look at, with a reference.
 * @mm: the VM's memory
 * @ppn: the page
 *
 * Return: the page, or NULL if @ppn is not a private page now.
 */
struct page *vmem_mm_peek(struct vmem_mm *mm, ppn_t ppn)
{
	return mm_take_private(mm, ppn, false);
}

/**
 * vmem_mm_freeze() - write-protect a private page so its content can be
 * trusted after the caller flushes the VM.
 * @mm: the VM's memory
 * @ppn: the page
 *
 * Return: the page with a reference, or NULL.
 */
struct page *vmem_mm_freeze(struct vmem_mm *mm, ppn_t ppn)
{
	return mm_take_private(mm, ppn, true);
}

/*
 * Still frozen: the entry maps @page, PMAP_WP is still set (no write fault
 * since), and nobody but the pmap and the freezer holds the page.
 */
static u64 *__mm_frozen_entry(struct vmem_mm *mm, ppn_t ppn, struct page *page)
{
	u64 *e = __pmap_entry(mm, ppn);

	if (e && pmap_state(*e) == PMAP_MAPPED && (*e & PMAP_WP) &&
	    pmap_mpn(*e) == page_to_pfn(page) && page_count(page) == 2)
		return e;
	return NULL;
}

/**
 * vmem_mm_thaw() - give up on a frozen page; writes fault it writable again.
 * @mm: the VM's memory
 * @ppn: the page
 * @page: from vmem_mm_freeze(); its reference is dropped
 */
void vmem_mm_thaw(struct vmem_mm *mm, ppn_t ppn, struct page *page)
{
	u64 *e;

	spin_lock(&mm->lock);
	e = __pmap_entry(mm, ppn);
	if (e && pmap_state(*e) == PMAP_MAPPED &&
	    pmap_mpn(*e) == page_to_pfn(page))
		*e &= ~PMAP_WP;
	spin_unlock(&mm->lock);
	put_page(page);
}

/*
 * Replace a still-frozen private page by @entry (a frame or the zero
 * page), unmapped so that the guest re-faults and maps it read-only; the
 * mapping counts in @vm_count and @global_count instead of mm->allocated.
 */
static bool mm_replace_frozen(struct vmem_mm *mm, ppn_t ppn, struct page *page,
			      u64 entry, atomic64_t *vm_count,
			      atomic64_t *global_count)
{
	u64 *e;

	spin_lock(&mm->lock);
	e = __mm_frozen_entry(mm, ppn, page);
	if (e) {
		*e = entry;
		__slpt_unmap(&mm->slpt, (gpa_t)ppn << PAGE_SHIFT);
		atomic64_dec(&mm->allocated);
		atomic64_inc(vm_count);
		atomic64_inc(global_count);
	}
	spin_unlock(&mm->lock);
	return e;
}

/**
 * vmem_mm_share() - replace a frozen private page by a reference to @frame.
 * @mm: the VM's memory
 * @ppn: the page
 * @page: from vmem_mm_freeze(), content equal to the frame's
 * @frame: a frame pinned by the caller; on success the pin becomes the
 *	   pmap's reference
 *
 * On success the caller must vmem_mm_flush() and then
 * vmem_mm_release_frozen(@page). Return: true on success; on failure
 * nothing changed (the caller thaws and unpins).
 */
bool vmem_mm_share(struct vmem_mm *mm, ppn_t ppn, struct page *page,
		   struct shared_frame *frame)
{
	return mm_replace_frozen(mm, ppn, page,
				 pmap_make(PMAP_SHARED, page_to_pfn(frame->page)),
				 &mm->shared, &mm_stats.sharing);
}

/**
 * vmem_mm_zero() - replace a frozen all-zero page by the zero page.
 * @mm: the VM's memory
 * @ppn: the page
 * @page: from vmem_mm_freeze(), verified all zero after the flush
 *
 * As for vmem_mm_share(), the caller flushes and releases on success.
 * Return: true on success.
 */
bool vmem_mm_zero(struct vmem_mm *mm, ppn_t ppn, struct page *page)
{
	return mm_replace_frozen(mm, ppn, page, pmap_make(PMAP_ZERO, 0),
				 &mm->zero, &mm_stats.zero);
}

/**
 * vmem_mm_release_frozen() - free a page that share/zero replaced, after
 * the VM was flushed.
 * @page: the old private page (the freezer's reference and the pmap's)
 */
void vmem_mm_release_frozen(struct page *page)
{
	put_page(page);
	pool_free_page(page);
}

/**
 * vmem_mm_promote() - a frozen private page becomes a new shared frame,
 * mapped read-only where it is.
 * @mm: the VM's memory
 * @ppn: the page
 * @page: from vmem_mm_freeze(); its reference is dropped on success
 * @frame: from frame_alloc()
 * @hash: the content hash, recomputed after the freeze
 * @salt: the sharing salt of the VMs that may map the frame
 *
 * The frame starts with two references: the pmap's and a pin for the
 * caller, who enters it in the sharing table and merges the matching page
 * into it next. No flush is needed: the machine page does not change.
 * Return: true on success.
 */
bool vmem_mm_promote(struct vmem_mm *mm, ppn_t ppn, struct page *page,
		     struct shared_frame *frame, u64 hash, u64 salt)
{
	u64 *e;

	spin_lock(&mm->lock);
	e = __mm_frozen_entry(mm, ppn, page);
	if (e) {
		*e = pmap_make(PMAP_SHARED, page_to_pfn(page));
		atomic64_dec(&mm->allocated);
		atomic64_inc(&mm->shared);
		atomic64_inc(&mm_stats.sharing);
		frame->page = page;
		frame->hash = hash;
		frame->salt = salt;
		frame->refs = 2;
		set_page_private(page, (unsigned long)frame);
		atomic64_inc(&mm_stats.frames);
	}
	spin_unlock(&mm->lock);
	if (e)
		put_page(page);
	return e;
}
