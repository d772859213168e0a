// SPDX-License-Identifier: GPL-2.0
/*
 * The global hash table of shared frames and hints (paper §4.2), keyed by
 * a 64-bit content hash and the sharing salt, and the per-VM bookkeeping
 * that lets hints die with their VM.
 *
 * share_lock (spinlock) guards the table, frame reference counts and the
 * per-VM hint arrays; it nests inside mm->lock. Frames and hints come from
 * their own slab caches, so their memory cost is visible in /proc/slabinfo.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "../vmem.h"
#include "../mm/pool.h"
#include "share_internal.h"

#define SHARE_TABLE_BITS	16

DEFINE_SPINLOCK(share_lock);
static DEFINE_HASHTABLE(share_frames, SHARE_TABLE_BITS);
static DEFINE_HASHTABLE(share_hints, SHARE_TABLE_BITS);
static struct kmem_cache *frame_cache, *hint_cache;

struct share_stats share_stats;

static u64 share_key(u64 hash, u64 salt)
{
	return hash ^ hash_64(salt, 64);
}

/**
 * __share_find_frame() - a frame with this hash and salt. Caller holds
 * share_lock; pin it with share_frame_pin() to keep it after unlocking.
 * @hash: content hash
 * @salt: the VM's salt
 *
 * Return: the frame or NULL. Equal hashes do not promise equal content.
 */
struct share_frame *__share_find_frame(u64 hash, u64 salt)
{
	struct share_frame *f;

	hash_for_each_possible(share_frames, f, node, share_key(hash, salt))
		if (f->hash == hash && f->salt == salt)
			return f;
	return NULL;
}

/**
 * share_frame_pin() - take a reference on @frame (caller holds share_lock
 * or already holds a reference).
 * @frame: the frame
 */
void share_frame_pin(struct share_frame *frame)
{
	frame->refs++;
}

/**
 * share_frame_put() - drop a reference; the last frees the machine page.
 * @frame: the frame
 *
 * The caller must have flushed every VM that could still hold a
 * translation to the frame's page (all its mappers are gone by then).
 */
void share_frame_put(struct share_frame *frame)
{
	bool last;

	spin_lock(&share_lock);
	last = !--frame->refs;
	if (last)
		hash_del(&frame->node);
	spin_unlock(&share_lock);
	if (!last)
		return;
	set_page_private(frame->page, 0);
	pool_free_page(frame->page);
	kmem_cache_free(frame_cache, frame);
	atomic64_dec(&share_stats.frames);
}

/**
 * share_page_frame() - the frame a shared page belongs to.
 * @page: the page of a PMAP_SHARED entry
 */
struct share_frame *share_page_frame(struct page *page)
{
	return (struct share_frame *)page_private(page);
}

/**
 * share_frame_alloc() - a new frame, not yet in the table.
 * Return: the frame or NULL. Process context.
 */
struct share_frame *share_frame_alloc(void)
{
	return kmem_cache_zalloc(frame_cache, GFP_KERNEL_ACCOUNT);
}

/**
 * share_frame_free() - free a frame that never entered the table.
 * @frame: the frame
 */
void share_frame_free(struct share_frame *frame)
{
	kmem_cache_free(frame_cache, frame);
}

/**
 * __share_frame_insert() - publish a frame made from @page. Caller holds
 * share_lock. The frame starts with @refs references.
 * @frame: from share_frame_alloc()
 * @page: its machine page, already mapped read-only by its first owner
 * @hash: content hash
 * @salt: salt
 * @refs: initial references
 */
void __share_frame_insert(struct share_frame *frame, struct page *page,
			  u64 hash, u64 salt, u64 refs)
{
	frame->page = page;
	frame->hash = hash;
	frame->salt = salt;
	frame->refs = refs;
	set_page_private(page, (unsigned long)frame);
	hash_add(share_frames, &frame->node, share_key(hash, salt));
	atomic64_inc(&share_stats.frames);
}

/**
 * share_frame_publish() - a page has become a frame: enter it in the table
 * with the pmap's reference and a pin for the caller.
 * @frame: from share_frame_alloc()
 * @page: its machine page
 * @hash: content hash
 * @salt: salt
 */
void share_frame_publish(struct share_frame *frame, struct page *page,
			 u64 hash, u64 salt)
{
	spin_lock(&share_lock);
	__share_frame_insert(frame, page, hash, salt, 2);
	spin_unlock(&share_lock);
}

/**
 * share_frame_make_private() - if the caller's is the only reference, take
 * the frame out of the table so its page can become private again without
 * a copy (paper §4.2: the last sharer keeps the page).
 * @frame: a frame the caller's pmap entry references
 *
 * Return: true if the frame was dissolved (its page is now the caller's).
 */
bool share_frame_make_private(struct share_frame *frame)
{
	bool last;

	spin_lock(&share_lock);
	last = frame->refs == 1;
	if (last)
		hash_del(&frame->node);
	spin_unlock(&share_lock);
	if (!last)
		return false;
	set_page_private(frame->page, 0);
	kmem_cache_free(frame_cache, frame);
	atomic64_dec(&share_stats.frames);
	return true;
}

/* Caller holds share_lock. */
static void __share_hint_del(struct share_hint *h)
{
	hash_del(&h->node);
	xa_erase(&h->vm->share.hints, h->ppn);
	atomic64_dec(&share_stats.hints);
}

/**
 * share_hint_take() - remove and return a hint with this hash and salt
 * whose VM is still alive, pinning that VM unless it is @self.
 * @hash: content hash
 * @salt: salt
 * @self: the VM being scanned (kept alive by the scanner already)
 * @vm: set to the hint's VM (the caller must share_vm_unpin() it unless
 *      it is @self)
 * @ppn: set to the hinted page
 *
 * Return: true if a hint was taken.
 */
bool share_hint_take(u64 hash, u64 salt, struct vmem_vm *self,
		     struct vmem_vm **vm, ppn_t *ppn)
{
	struct share_hint *h, *found = NULL;
	bool alive = false;

	spin_lock(&share_lock);
	hash_for_each_possible(share_hints, h, node, share_key(hash, salt)) {
		if (h->hash != hash || h->salt != salt)
			continue;
		found = h;
		break;
	}
	if (found) {
		__share_hint_del(found);
		/* A VM being torn down keeps no hints. */
		alive = found->vm == self || share_vm_pin(found->vm);
	}
	spin_unlock(&share_lock);
	if (!found)
		return false;
	*vm = found->vm;
	*ppn = found->ppn;
	kmem_cache_free(hint_cache, found);
	return alive;
}

/**
 * share_hint_add() - remember that @vm's page @ppn had this content,
 * replacing an older hint for the same page.
 * @vm: the VM
 * @ppn: the page
 * @hash: content hash
 *
 * Process context (allocates). Failure to allocate only loses the hint.
 */
void share_hint_add(struct vmem_vm *vm, ppn_t ppn, u64 hash)
{
	struct share_hint *h = kmem_cache_alloc(hint_cache, GFP_KERNEL_ACCOUNT);
	struct share_hint *old;

	if (!h)
		return;
	h->hash = hash;
	h->salt = READ_ONCE(vm->salt);
	h->vm = vm;
	h->ppn = ppn;
	/*
	 * Reserve the slot outside the spinlock (a no-op if an old hint holds
	 * it); storing into a reserved or occupied slot allocates nothing, so
	 * the store under the lock cannot fail.
	 */
	if (xa_reserve(&vm->share.hints, ppn, GFP_KERNEL_ACCOUNT)) {
		kmem_cache_free(hint_cache, h);
		return;
	}
	spin_lock(&share_lock);
	old = xa_store(&vm->share.hints, ppn, h, GFP_ATOMIC);
	if (WARN_ON_ONCE(xa_is_err(old))) {
		spin_unlock(&share_lock);
		kmem_cache_free(hint_cache, h);
		return;
	}
	if (old) {
		hash_del(&old->node);
		atomic64_dec(&share_stats.hints);
	}
	hash_add(share_hints, &h->node, share_key(hash, h->salt));
	atomic64_inc(&share_stats.hints);
	spin_unlock(&share_lock);
	if (old)
		kmem_cache_free(hint_cache, old);
}

/**
 * share_vm_forget_hints() - drop every hint of a VM being destroyed.
 * @vm: the VM
 */
void share_vm_forget_hints(struct vmem_vm *vm)
{
	struct share_hint *h;
	unsigned long idx;

	for (;;) {
		idx = 0;
		spin_lock(&share_lock);
		h = xa_find(&vm->share.hints, &idx, ULONG_MAX, XA_PRESENT);
		if (h)
			__share_hint_del(h);
		spin_unlock(&share_lock);
		if (!h)
			break;
		kmem_cache_free(hint_cache, h);
		cond_resched();
	}
	xa_destroy(&vm->share.hints);
}

/**
 * share_table_init() - create the slab caches.
 * Return: 0 or -ENOMEM.
 */
int share_table_init(void)
{
	frame_cache = KMEM_CACHE(share_frame, 0);
	hint_cache = KMEM_CACHE(share_hint, 0);
	if (!frame_cache || !hint_cache) {
		share_table_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * share_table_exit() - destroy the caches; every VM is gone, so the table
 * is empty (a leak makes kmem_cache_destroy() complain).
 */
void share_table_exit(void)
{
	kmem_cache_destroy(frame_cache);
	kmem_cache_destroy(hint_cache);
	frame_cache = hint_cache = NULL;
}
