// SPDX-License-Identifier: GPL-2.0
/*
 * The global hash tables of shared frames and hints (paper §4.2), keyed
 * by a 64-bit content hash and the sharing salt, and the per-VM
 * bookkeeping that lets hints die with their VM.
 *
 * The frame table links struct shared_frame (module/mm owns their
 * lifetime) under mm's frame_lock, so the last frame_put() can unlink a
 * frame without calling up here. share_lock (spinlock) guards the hint
 * table and the per-VM hint arrays. Hints come from their own slab cache,
 * so their memory cost is visible in /proc/slabinfo.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "share_internal.h"

#define SHARE_TABLE_BITS	16

DEFINE_SPINLOCK(share_lock);
static DEFINE_HASHTABLE(share_frames, SHARE_TABLE_BITS);
static DEFINE_HASHTABLE(share_hints, SHARE_TABLE_BITS);
static struct kmem_cache *hint_cache;

struct share_stats share_stats;

static u64 share_key(u64 hash, u64 salt)
{
	return hash ^ hash_64(salt, 64);
}

/**
 * share_find_frame() - a frame with this hash and salt, pinned.
 * @hash: content hash
 * @salt: the VM's salt
 *
 * Return: the frame with a reference for the caller (frame_put() it), or
 * NULL. Equal hashes do not promise equal content.
 */
struct shared_frame *share_find_frame(u64 hash, u64 salt)
{
	struct shared_frame *f, *found = NULL;

	spin_lock(&frame_lock);
	hash_for_each_possible(share_frames, f, node, share_key(hash, salt)) {
		if (f->hash == hash && f->salt == salt) {
			__frame_pin(f);
			found = f;
			break;
		}
	}
	spin_unlock(&frame_lock);
	return found;
}

/**
 * share_insert_frame() - enter a frame just made by vmem_mm_promote() in
 * the table, so that pages with its content find it.
 * @frame: the frame, pinned by the caller (its last frame_put() unlinks it)
 */
void share_insert_frame(struct shared_frame *frame)
{
	spin_lock(&frame_lock);
	hash_add(share_frames, &frame->node,
		 share_key(frame->hash, frame->salt));
	spin_unlock(&frame_lock);
}

/* Caller holds share_lock. */
static void __share_hint_del(struct share_hint *h)
{
	hash_del(&h->node);
	xa_erase(&h->sv->hints, h->ppn);
	atomic64_dec(&share_stats.hints);
}

/**
 * share_hint_take() - remove and return a hint with this hash and salt
 * whose VM is still alive, pinning that VM unless it is @self.
 * @hash: content hash
 * @salt: salt
 * @self: the VM being scanned (kept alive by the scanner already)
 * @sv: set to the hint's VM (the caller must share_vm_unpin() it unless
 *      it is @self)
 * @ppn: set to the hinted page
 *
 * Return: true if a hint was taken.
 */
bool share_hint_take(u64 hash, u64 salt, struct vmem_share_vm *self,
		     struct vmem_share_vm **sv, ppn_t *ppn)
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
		alive = found->sv == self || share_vm_pin(found->sv);
	}
	spin_unlock(&share_lock);
	if (!found)
		return false;
	*sv = found->sv;
	*ppn = found->ppn;
	kmem_cache_free(hint_cache, found);
	return alive;
}

/**
 * share_hint_add() - remember that @sv's page @ppn had this content,
 * replacing an older hint for the same page.
 * @sv: the VM
 * @ppn: the page
 * @hash: content hash
 *
 * Process context (allocates). Failure to allocate only loses the hint.
 */
void share_hint_add(struct vmem_share_vm *sv, ppn_t ppn, u64 hash)
{
	struct share_hint *h = kmem_cache_alloc(hint_cache, GFP_KERNEL_ACCOUNT);
	struct share_hint *old;

	if (!h)
		return;
	h->hash = hash;
	h->salt = READ_ONCE(sv->salt);
	h->sv = sv;
	h->ppn = ppn;
	/*
	 * Reserve the slot outside the spinlock (a no-op if an old hint holds
	 * it); storing into a reserved or occupied slot allocates nothing, so
	 * the store under the lock cannot fail.
	 */
	if (xa_reserve(&sv->hints, ppn, GFP_KERNEL_ACCOUNT)) {
		kmem_cache_free(hint_cache, h);
		return;
	}
	spin_lock(&share_lock);
	old = xa_store(&sv->hints, ppn, h, GFP_ATOMIC);
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
 * @sv: the VM
 */
void share_vm_forget_hints(struct vmem_share_vm *sv)
{
	struct share_hint *h;
	unsigned long idx;

	for (;;) {
		idx = 0;
		spin_lock(&share_lock);
		h = xa_find(&sv->hints, &idx, ULONG_MAX, XA_PRESENT);
		if (h)
			__share_hint_del(h);
		spin_unlock(&share_lock);
		if (!h)
			break;
		kmem_cache_free(hint_cache, h);
		cond_resched();
	}
	xa_destroy(&sv->hints);
}

/**
 * share_table_init() - create the slab cache of hints.
 * Return: 0 or -ENOMEM.
 */
int share_table_init(void)
{
	hint_cache = KMEM_CACHE(share_hint, 0);
	return hint_cache ? 0 : -ENOMEM;
}

/**
 * share_table_exit() - destroy the cache; every VM is gone, so both
 * tables are empty (a leak makes kmem_cache_destroy() complain).
 */
void share_table_exit(void)
{
	kmem_cache_destroy(hint_cache);
	hint_cache = NULL;
}
