// SPDX-License-Identifier: GPL-2.0
/*
 * Host reads and writes of guest memory (VMEM_READ_GUEST / VMEM_WRITE_GUEST
 * and the core's emulation). A read never populates: untouched pages read
 * as zeros. A write resolves each page like a guest
 * write fault would (pmap_resolve()), so it breaks copy on write and ends
 * any freeze. Process context; may sleep, but never under mm->lock.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "mm.h"
#include "pmap.h"

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
 * @mm: the VM's memory
 * @gpa: first guest-physical byte
 * @dst: destination, a user pointer when @user
 * @len: bytes
 * @user: @dst is a user address
 *
 * Untouched pages read as zeros without being populated.
 * Return: 0, -EINVAL (range outside guest memory) or -EFAULT.
 */
int vmem_mm_read(struct vmem_mm *mm, gpa_t gpa, void *dst, size_t len,
		 bool user)
{
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
 * @mm: the VM's memory
 * @gpa: first guest-physical byte
 * @src: source, a user pointer when @user
 * @len: bytes
 * @user: @src is a user address
 *
 * Return: 0, -EINVAL (range outside guest memory), -EFAULT or -ENOMEM.
 */
int vmem_mm_write(struct vmem_mm *mm, gpa_t gpa, const void *src, size_t len,
		  bool user)
{
	if (!mm_range_ok(mm, gpa, len))
		return -EINVAL;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		unsigned long left = 0;
		struct page *page;
		void *dst;
		int r;

		r = pmap_resolve(mm, gpa >> PAGE_SHIFT, true, NULL, &page);
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
