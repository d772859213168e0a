// SPDX-License-Identifier: GPL-2.0
/*
 * Shared-frame lifetime (paper §4.2; docs/design.md, "Page states").
 *
 * A frame is born from a frozen private page (vmem_mm_promote() in
 * freeze.c makes the page the frame's, with the pmap's reference and a pin
 * for the scanner), gains a reference for every guest page merged into it
 * (vmem_mm_share()), and loses one for every copy-on-write break and every
 * pmap entry released with its VM. When only one sharer is left and it
 * writes, the frame dissolves and the page becomes that sharer's private
 * page without a copy (frame_make_private()). When the last reference goes,
 * the page returns to the pool.
 *
 * frame_lock (spinlock) guards reference counts and the table links; it
 * nests inside mm->lock. Frames come from their own slab cache, so their
 * memory cost is visible in /proc/slabinfo. Any context that may take a
 * spinlock, except frame_alloc() (process context).
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "frame.h"
#include "pool.h"

DEFINE_SPINLOCK(frame_lock);
struct mm_stats mm_stats;
static struct kmem_cache *frame_cache;

/**
 * frame_alloc() - a new frame, not yet anyone's.
 * Return: the frame or NULL. Process context.
 */
struct shared_frame *frame_alloc(void)
{
	struct shared_frame *frame;

	frame = kmem_cache_zalloc(frame_cache, GFP_KERNEL_ACCOUNT);
	if (frame)
		INIT_HLIST_NODE(&frame->node);
	return frame;
}

/**
 * frame_free() - free a frame that never got a page.
 * @frame: from frame_alloc()
 */
void frame_free(struct shared_frame *frame)
{
	kmem_cache_free(frame_cache, frame);
}

/**
 * __frame_pin() - take a reference on @frame. Caller holds frame_lock, or
 * already holds a reference.
 * @frame: the frame
 */
void __frame_pin(struct shared_frame *frame)
{
	frame->refs++;
}

/**
 * frame_put() - drop a reference; the last unlinks the frame from the
 * sharing table and frees its machine page.
 * @frame: the frame
 *
 * The caller must have flushed every VM that could still hold a
 * translation to the frame's page (all its mappers are gone by then).
 */
void frame_put(struct shared_frame *frame)
{
	bool last;

	spin_lock(&frame_lock);
	last = !--frame->refs;
	if (last)
		hlist_del_init(&frame->node);
	spin_unlock(&frame_lock);
	if (!last)
		return;
	set_page_private(frame->page, 0);
	pool_free_page(frame->page);
	kmem_cache_free(frame_cache, frame);
	atomic64_dec(&mm_stats.frames);
}

/**
 * page_frame() - the frame a shared page belongs to.
 * @page: the page of a PMAP_SHARED entry
 */
struct shared_frame *page_frame(struct page *page)
{
	return (struct shared_frame *)page_private(page);
}

/**
 * frame_make_private() - if the caller's is the only reference, dissolve
 * the frame so its page can become private again without a copy (paper
 * §4.2: the last sharer keeps the page).
 * @frame: a frame the caller's pmap entry references
 *
 * Return: true if the frame was dissolved (its page is now the caller's).
 */
bool frame_make_private(struct shared_frame *frame)
{
	bool last;

	spin_lock(&frame_lock);
	last = frame->refs == 1;
	if (last)
		hlist_del_init(&frame->node);
	spin_unlock(&frame_lock);
	if (!last)
		return false;
	set_page_private(frame->page, 0);
	kmem_cache_free(frame_cache, frame);
	atomic64_dec(&mm_stats.frames);
	return true;
}

/**
 * frame_init() - create the slab cache. Module init.
 * Return: 0 or -ENOMEM.
 */
int frame_init(void)
{
	frame_cache = KMEM_CACHE(shared_frame, 0);
	return frame_cache ? 0 : -ENOMEM;
}

/**
 * frame_exit() - destroy the cache; every VM is gone, so no frame is left
 * (a leak makes kmem_cache_destroy() complain).
 */
void frame_exit(void)
{
	kmem_cache_destroy(frame_cache);
	frame_cache = NULL;
}
