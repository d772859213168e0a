// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: what the scanner does with one page (paper §4.2)
 *
 * share_scan_page() hashes a private page (xxh64 of its 4 KiB) and looks
 * the hash up, together with the VM's salt:
 *
 * - a shared frame: freeze the page (write-protect, flush the VM), compare
 *   the whole page with the frame, then remap the guest page to the frame,
 *   flush again and free the duplicate (share_into_frame());
 * - a hint, i.e. a page seen once: the hinted page may have changed since,
 *   so freeze it and hash it again (a stale hint is dropped), freeze the
 *   candidate, compare the two whole pages, and only if they are equal
 *   make the hinted page a new frame and merge the candidate into it
 *   (share_with_hinted());
 * - nothing: the page becomes a hint.
 *
 * All-zero pages map the kernel's zero page. Equal hashes with different
 * contents are counted as collisions and never shared. A guest write to a
 * frozen page, or a host-side access holding a reference, makes the merge
 * give up (see mm/freeze.c). A change of the VM's salt that lands before
 * the merge re-checks it makes the merge give up too (best effort: the
 * salt's writer takes no lock, and only new sharing follows a change). Scanner kthread context; may sleep.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/xxhash.h>

#include "share_internal.h"

/**
 * share_hash_page() - the content hash of @page, and whether it is zero.
 * @page: the page
 * @zero: set when every byte is zero
 *
 * Return: xxh64 of the page, masked to debug_hash_bits when that debug
 * knob is set (to force collisions in tests).
 */
u64 share_hash_page(struct page *page, bool *zero)
{
	unsigned int bits = READ_ONCE(share_debug_hash_bits);
	void *p = kmap_local_page(page);
	u64 h = xxh64(p, PAGE_SIZE, 0);

	*zero = !memchr_inv(p, 0, PAGE_SIZE);
	kunmap_local(p);
	if (bits && bits < 64)
		h &= (1ULL << bits) - 1;
	return h;
}

static bool share_pages_equal(struct page *a, struct page *b)
{
	void *pa = kmap_local_page(a);
	void *pb = kmap_local_page(b);
	bool eq = !memcmp(pa, pb, PAGE_SIZE);

	kunmap_local(pb);
	kunmap_local(pa);
	return eq;
}

/* Merge a frozen, flushed page into a frame pinned by the caller. */
static void share_into_frame(struct vmem_share_vm *sv, ppn_t ppn,
			     struct page *page, struct shared_frame *frame)
{
	bool zero;

	if (!share_pages_equal(page, frame->page)) {
		/* Still the frame's hash after the freeze: a true collision. */
		if (share_hash_page(page, &zero) == frame->hash)
			atomic64_inc(&share_stats.collisions);
		goto give_up;
	}
	/* Only new sharing follows a salt change. */
	if (READ_ONCE(sv->salt) != frame->salt ||
	    !vmem_mm_share(sv->mm, ppn, page, frame))
		goto give_up;
	vmem_mm_flush(sv->mm);	/* nobody may still read the old copy */
	vmem_mm_release_frozen(page);
	return;
give_up:
	vmem_mm_thaw(sv->mm, ppn, page);
	frame_put(frame);
}

/*
 * The candidate (@sv, @ppn) hashed like the hinted page (@hsv, @hppn).
 * Freeze both, check that the hinted page still has that hash (else the
 * hint is stale), compare the two whole pages, and only then make the
 * hinted page a frame and the candidate its second sharer.
 */
static void share_with_hinted(struct vmem_share_vm *sv, ppn_t ppn,
			      struct vmem_share_vm *hsv, ppn_t hppn, u64 hash,
			      u64 salt)
{
	struct shared_frame *frame;
	struct page *hpage, *page;
	bool zero;

	hpage = vmem_mm_freeze(hsv->mm, hppn);
	if (!hpage) {
		atomic64_inc(&share_stats.stale_hints);
		share_hint_add(sv, ppn, hash);
		return;
	}
	vmem_mm_flush(hsv->mm);
	if (share_hash_page(hpage, &zero) != hash) {
		atomic64_inc(&share_stats.stale_hints);
		vmem_mm_thaw(hsv->mm, hppn, hpage);
		share_hint_add(sv, ppn, hash);
		return;
	}
	page = vmem_mm_freeze(sv->mm, ppn);
	if (!page) {
		vmem_mm_thaw(hsv->mm, hppn, hpage);
		return;
	}
	vmem_mm_flush(sv->mm);
	if (!share_pages_equal(page, hpage)) {
		if (share_hash_page(page, &zero) == hash)
			atomic64_inc(&share_stats.collisions);
		goto give_up;
	}
	frame = frame_alloc();
	if (!frame)
		goto give_up;
	/* Both salts must still be the one the pages were hashed with. */
	if (READ_ONCE(hsv->salt) != salt ||
	    !vmem_mm_promote(hsv->mm, hppn, hpage, frame, hash, salt)) {
		frame_free(frame);
		goto give_up;
	}
	share_insert_frame(frame);	/* under our pin, see share_find_frame() */
	share_into_frame(sv, ppn, page, frame);
	return;
give_up:
	vmem_mm_thaw(sv->mm, ppn, page);
	vmem_mm_thaw(hsv->mm, hppn, hpage);
	share_hint_add(sv, ppn, hash);
}

static void share_zero_page(struct vmem_share_vm *sv, ppn_t ppn)
{
	struct page *page = vmem_mm_freeze(sv->mm, ppn);
	bool zero;

	if (!page)
		return;
	vmem_mm_flush(sv->mm);
	share_hash_page(page, &zero);
	if (!zero || !vmem_mm_zero(sv->mm, ppn, page)) {
		vmem_mm_thaw(sv->mm, ppn, page);
		return;
	}
	vmem_mm_flush(sv->mm);
	vmem_mm_release_frozen(page);
}

static void share_freeze_and_merge(struct vmem_share_vm *sv, ppn_t ppn,
				   struct shared_frame *frame)
{
	struct page *page = vmem_mm_freeze(sv->mm, ppn);

	if (!page) {
		frame_put(frame);
		return;
	}
	vmem_mm_flush(sv->mm);
	share_into_frame(sv, ppn, page, frame);
}

/**
 * share_scan_page() - examine one guest page (see DOC above).
 * @sv: the VM (kept alive by the scanner's mark, see scan.c)
 * @ppn: the page
 *
 * Return: true if the page was private (and so was examined).
 */
bool share_scan_page(struct vmem_share_vm *sv, ppn_t ppn)
{
	u64 salt = READ_ONCE(sv->salt), hash, hppn;
	struct vmem_share_vm *hsv;
	struct shared_frame *frame;
	struct page *page;
	bool zero;

	page = vmem_mm_peek(sv->mm, ppn);
	if (!page)
		return false;
	hash = share_hash_page(page, &zero);
	put_page(page);
	atomic64_inc(&share_stats.scanned);

	if (zero && READ_ONCE(share_zero_across_salts)) {
		share_zero_page(sv, ppn);
		return true;
	}

	frame = share_find_frame(hash, salt);
	if (frame) {
		share_freeze_and_merge(sv, ppn, frame);
		return true;
	}

	if (!share_hint_take(hash, salt, sv, &hsv, &hppn)) {
		share_hint_add(sv, ppn, hash);
		return true;
	}
	if (hsv == sv && hppn == ppn) {
		/* Our own hint: the page is unchanged, nothing to pair with. */
		share_hint_add(sv, ppn, hash);
		return true;
	}
	atomic64_inc(&share_stats.hint_hits);
	share_with_hinted(sv, ppn, hsv, hppn, hash, salt);
	if (hsv != sv)
		share_vm_unpin(hsv);
	return true;
}
