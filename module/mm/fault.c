// SPDX-License-Identifier: GPL-2.0
/*
 * Populating guest memory: second-level faults, and reads and writes of
 * guest memory by the host (VMEM_READ_GUEST / VMEM_WRITE_GUEST, in-kernel
 * emulation). Both resolve a PPN through the pmap the same way.
 *
 * Process context (a vCPU thread after #VMEXIT with interrupts enabled, or an
 * ioctl); may sleep, but never under mm->lock.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "../vmem.h"
#include "mm.h"
#include "pmap.h"
#include "pool.h"
#include "../share/share.h"

/**
 * vmem_mm_init() - set up the memory of a new VM.
 * @mm: embedded in the VM
 * @nr_pages: guest size in pages
 * @fmt: the backend's second-level entry format
 *
 * Nothing is allocated for guest pages until they are touched.
 * Return: 0 or -ENOMEM.
 */
int vmem_mm_init(struct vmem_mm *mm, u64 nr_pages,
		 const struct slpt_format *fmt)
{
	spin_lock_init(&mm->lock);
	xa_init(&mm->pmap);
	mm->nr_pages = nr_pages;
	return slpt_init(mm, fmt);
}

/**
 * vmem_mm_destroy() - free all guest memory and tables of a dead VM.
 * @mm: the VM's memory; no vCPU may run
 */
void vmem_mm_destroy(struct vmem_mm *mm)
{
	slpt_destroy(mm);
	pmap_destroy(mm);
}

/*
 * A write to a shared frame or the zero page: give @ppn a private page.
 * Called and returns with mm->lock held, but drops it to allocate and copy;
 * returns -EAGAIN when the caller must look at the entry again. When the
 * old page may still be in some vCPU's TLB (another sharer's copy or the
 * zero page), the VM is flushed before the write can complete, so no vCPU
 * keeps reading the old content.
 */
static int mm_cow(struct vmem_vm *vm, ppn_t ppn, u64 *e, bool *flush,
		  struct share_frame **put)
	__must_hold(&vm->mm.lock)
{
	struct vmem_mm *mm = &vm->mm;
	enum pmap_state state = pmap_state(*e);
	struct page *src = NULL, *fresh;
	u64 old = *e;

	if (state == PMAP_SHARED) {
		struct share_frame *frame =
			share_page_frame(pfn_to_page(pmap_mpn(*e)));

		if (share_frame_make_private(frame)) {
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
		atomic64_dec(&share_stats.zero);
		goto done;
	}
	*put = share_page_frame(src);
shared_to_private:
	atomic64_dec(&mm->shared);
	atomic64_dec(&share_stats.sharing);
done:
	atomic64_inc(&mm->allocated);
	atomic64_inc(&mm->cow_breaks);
	atomic64_inc(&share_stats.cow_breaks);
	return 0;
}

/*
 * Resolve @ppn for an access. With @cache, map it in the second-level
 * tables (read-only for shared and zero pages and frozen private pages on
 * a read; writable otherwise); with @pagep, return the private page with a
 * reference held (a host write). A write always ends with a private page.
 */
static int mm_resolve(struct vmem_vm *vm, ppn_t ppn, bool write,
		      struct slpt_cache *cache, struct page **pagep)
{
	struct vmem_mm *mm = &vm->mm;
	struct share_frame *put = NULL;
	gpa_t gpa = (gpa_t)ppn << PAGE_SHIFT;
	struct page *fresh = NULL;
	bool flush = false;
	u64 *e;
	int r;

	r = pmap_prepare(mm, ppn);
	if (r)
		return r;
	spin_lock(&mm->lock);
again:
	e = __pmap_entry(mm, ppn);
	switch (pmap_state(*e)) {
	case PMAP_UNTOUCHED:
	case PMAP_BALLOONED:
		if (!fresh) {
			spin_unlock(&mm->lock);
			fresh = pool_alloc_page();
			spin_lock(&mm->lock);
			if (!fresh) {
				r = -ENOMEM;
				break;
			}
			goto again;
		}
		if (pmap_state(*e) == PMAP_UNTOUCHED)
			atomic64_inc(&mm->touched);
		atomic64_inc(&mm->allocated);
		*e = pmap_make(PMAP_MAPPED, page_to_pfn(fresh));
		fresh = NULL;
		fallthrough;
	case PMAP_MAPPED:
		/* A write (or a host writer) ends any freeze for sharing. */
		if (write)
			*e &= ~PMAP_WP;
		if (cache)
			__slpt_map(mm, gpa, pmap_mpn(*e), !(*e & PMAP_WP), cache);
		if (pagep) {
			*pagep = pfn_to_page(pmap_mpn(*e));
			get_page(*pagep);
		}
		r = 0;
		break;
	case PMAP_SHARED:
	case PMAP_ZERO:
		if (write) {
			r = mm_cow(vm, ppn, e, &flush, &put);
			if (r == -EAGAIN || !r)
				goto again;
			break;
		}
		if (cache)
			__slpt_map(mm, gpa, pmap_state(*e) == PMAP_ZERO ?
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
	if (fresh)
		pool_free_page(fresh);
	if (flush)
		vmem_flush_vm(vm);
	if (put)
		share_frame_put(put);
	return r;
}

/**
 * vmem_mm_fault() - handle a second-level page fault of @vm.
 * @vm: the VM
 * @gpa: faulting guest-physical address
 * @write: the access was a write
 *
 * Return: 0 when the mapping is in place, VMEM_FAULT_MMIO when @gpa lies
 * outside guest memory, or -ENOMEM.
 */
int vmem_mm_fault(struct vmem_vm *vm, gpa_t gpa, bool write)
{
	struct vmem_mm *mm = &vm->mm;
	struct slpt_cache cache = { 0 };
	ppn_t ppn = gpa >> PAGE_SHIFT;
	int r;

	if (ppn >= mm->nr_pages)
		return VMEM_FAULT_MMIO;
	atomic64_inc(&mm->faults);
	r = slpt_cache_topup(&cache);
	if (!r)
		r = mm_resolve(vm, ppn, write, &cache, NULL);
	slpt_cache_free(&cache);
	return r;
}

/**
 * vmem_mm_drop_mappings() - VMEM_DROP_MAPPINGS: tear down all second-level
 * tables, flush every vCPU, then free the tables.
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int vmem_mm_drop_mappings(struct vmem_vm *vm)
{
	struct vmem_mm *mm = &vm->mm;
	u64 *saved = (u64 *)get_zeroed_page(GFP_KERNEL);

	if (!saved)
		return -ENOMEM;
	spin_lock(&mm->lock);
	__slpt_detach_all(mm, saved);
	spin_unlock(&mm->lock);
	vmem_flush_vm(vm);
	slpt_free_detached(mm, saved);
	free_page((unsigned long)saved);
	return 0;
}

/*
 * A referenced page to read @ppn from (private or shared), or NULL when it
 * reads as zeros.
 */
static struct page *mm_page_for_read(struct vmem_mm *mm, ppn_t ppn)
{
	struct page *page = NULL;
	u64 *e;

	spin_lock(&mm->lock);
	e = __pmap_entry(mm, ppn);
	if (e && (pmap_state(*e) == PMAP_MAPPED ||
		  pmap_state(*e) == PMAP_SHARED)) {
		page = pfn_to_page(pmap_mpn(*e));
		get_page(page);
	}
	spin_unlock(&mm->lock);
	return page;
}

static bool mm_range_ok(struct vmem_mm *mm, gpa_t gpa, size_t len)
{
	u64 size = mm->nr_pages << PAGE_SHIFT;

	return gpa < size && len <= size - gpa;
}

/**
 * vmem_mm_read() - copy guest memory out.
 * @vm: the VM
 * @gpa: first guest-physical byte
 * @dst: destination, a user pointer when @user
 * @len: bytes
 * @user: @dst is a user address
 *
 * Untouched and ballooned pages read as zeros without being populated.
 * Return: 0, -EINVAL (range outside guest memory) or -EFAULT.
 */
int vmem_mm_read(struct vmem_vm *vm, gpa_t gpa, void *dst, size_t len,
		 bool user)
{
	struct vmem_mm *mm = &vm->mm;

	if (!mm_range_ok(mm, gpa, len))
		return -EINVAL;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = mm_page_for_read(mm, gpa >> PAGE_SHIFT);
		unsigned long left = 0;

		if (page) {
			void *src = kmap_local_page(page);

			if (user)
				left = copy_to_user((void __user *)dst,
						    src + off, n);
			else
				memcpy(dst, src + off, n);
			kunmap_local(src);
			put_page(page);
		} else if (user) {
			left = clear_user((void __user *)dst, n);
		} else {
			memset(dst, 0, n);
		}
		if (left)
			return -EFAULT;
		gpa += n;
		dst += n;
		len -= n;
		cond_resched();
	}
	return 0;
}

/**
 * vmem_mm_write() - copy into guest memory, populating pages as needed.
 * @vm: the VM
 * @gpa: first guest-physical byte
 * @src: source, a user pointer when @user
 * @len: bytes
 * @user: @src is a user address
 *
 * Return: 0, -EINVAL (range outside guest memory), -EFAULT or -ENOMEM.
 */
int vmem_mm_write(struct vmem_vm *vm, gpa_t gpa, const void *src, size_t len,
		  bool user)
{
	struct vmem_mm *mm = &vm->mm;

	if (!mm_range_ok(mm, gpa, len))
		return -EINVAL;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		unsigned long left = 0;
		struct page *page;
		void *dst;
		int r;

		r = mm_resolve(vm, gpa >> PAGE_SHIFT, true, NULL, &page);
		if (r)
			return r;
		dst = kmap_local_page(page);
		if (user)
			left = copy_from_user(dst + off,
					      (const void __user *)src, n);
		else
			memcpy(dst + off, src, n);
		kunmap_local(dst);
		put_page(page);
		if (left)
			return -EFAULT;
		gpa += n;
		src += n;
		len -= n;
		cond_resched();
	}
	return 0;
}
