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
 * give up (see mm/merge.c). Scanner kthread context; may sleep.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/xxhash.h>

#include "../vmem.h"
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
static void share_into_frame(struct vmem_vm *vm, ppn_t ppn, struct page *page,
			     struct share_frame *frame)
{
	bool zero;

	if (!share_pages_equal(page, frame->page)) {
		/* Still the frame's hash after the freeze: a true collision. */
		if (share_hash_page(page, &zero) == frame->hash)
			atomic64_inc(&share_stats.collisions);
		goto give_up;
	}
	if (!vmem_mm_share(vm, ppn, page, frame))
		goto give_up;
	vmem_flush_vm(vm);	/* nobody may still read the old copy */
	vmem_mm_release_frozen(page);
	return;
give_up:
	vmem_mm_thaw(vm, ppn, page);
	share_frame_put(frame);
}

/*
 * The candidate (@vm, @ppn) hashed like the hinted page (@hvm, @hppn).
 * Freeze both, check that the hinted page still has that hash (else the
 * hint is stale), compare the two whole pages, and only then make the
 * hinted page a frame and the candidate its second sharer.
 */
static void share_with_hinted(struct vmem_vm *vm, ppn_t ppn,
			      struct vmem_vm *hvm, ppn_t hppn, u64 hash,
			      u64 salt)
{
	struct share_frame *frame;
	struct page *hpage, *page;
	bool zero;

	hpage = vmem_mm_freeze(hvm, hppn);
	if (!hpage) {
		atomic64_inc(&share_stats.stale_hints);
		share_hint_add(vm, ppn, hash);
		return;
	}
	vmem_flush_vm(hvm);
	if (share_hash_page(hpage, &zero) != hash) {
		atomic64_inc(&share_stats.stale_hints);
		vmem_mm_thaw(hvm, hppn, hpage);
		share_hint_add(vm, ppn, hash);
		return;
	}
	page = vmem_mm_freeze(vm, ppn);
	if (!page) {
		vmem_mm_thaw(hvm, hppn, hpage);
		return;
	}
	vmem_flush_vm(vm);
	if (!share_pages_equal(page, hpage)) {
		if (share_hash_page(page, &zero) == hash)
			atomic64_inc(&share_stats.collisions);
		goto give_up;
	}
	frame = share_frame_alloc();
	if (!frame)
		goto give_up;
	if (!vmem_mm_promote(hvm, hppn, hpage, frame, hash, salt)) {
		share_frame_free(frame);
		goto give_up;
	}
	share_into_frame(vm, ppn, page, frame);
	return;
give_up:
	vmem_mm_thaw(vm, ppn, page);
	vmem_mm_thaw(hvm, hppn, hpage);
	share_hint_add(vm, ppn, hash);
}

static void share_zero_page(struct vmem_vm *vm, ppn_t ppn)
{
	struct page *page = vmem_mm_freeze(vm, ppn);
	bool zero;

	if (!page)
		return;
	vmem_flush_vm(vm);
	share_hash_page(page, &zero);
	if (!zero || !vmem_mm_zero(vm, ppn, page)) {
		vmem_mm_thaw(vm, ppn, page);
		return;
	}
	vmem_flush_vm(vm);
	vmem_mm_release_frozen(page);
}

static void share_freeze_and_merge(struct vmem_vm *vm, ppn_t ppn,
				   struct share_frame *frame)
{
	struct page *page = vmem_mm_freeze(vm, ppn);

	if (!page) {
		share_frame_put(frame);
		return;
	}
	vmem_flush_vm(vm);
	share_into_frame(vm, ppn, page, frame);
}

/**
 * share_scan_page() - examine one guest page (see DOC above).
 * @vm: the VM (kept alive by the scanner's mark, see scan.c)
 * @ppn: the page
 *
 * Return: true if the page was private (and so was examined).
 */
bool share_scan_page(struct vmem_vm *vm, ppn_t ppn)
{
	u64 salt = READ_ONCE(vm->salt), hash, hppn;
	struct share_frame *frame;
	struct vmem_vm *hvm;
	struct page *page;
	bool zero;

	page = vmem_mm_peek(vm, ppn);
	if (!page)
		return false;
	hash = share_hash_page(page, &zero);
	put_page(page);
	atomic64_inc(&share_stats.scanned);

	if (zero && READ_ONCE(share_zero_across_salts)) {
		share_zero_page(vm, ppn);
		return true;
	}

	spin_lock(&share_lock);
	frame = __share_find_frame(hash, salt);
	if (frame)
		share_frame_pin(frame);
	spin_unlock(&share_lock);
	if (frame) {
		share_freeze_and_merge(vm, ppn, frame);
		return true;
	}

	if (!share_hint_take(hash, salt, vm, &hvm, &hppn)) {
		share_hint_add(vm, ppn, hash);
		return true;
	}
	if (hvm == vm && hppn == ppn) {
		/* Our own hint: the page is unchanged, nothing to pair with. */
		share_hint_add(vm, ppn, hash);
		return true;
	}
	atomic64_inc(&share_stats.hint_hits);
	share_with_hinted(vm, ppn, hvm, hppn, hash, salt);
	if (hvm != vm)
		share_vm_unpin(hvm);
	return true;
}
