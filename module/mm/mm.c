// SPDX-License-Identifier: GPL-2.0
/*
 * The memory of one VM as a whole: set up, torn down, and all its second-
 * level mappings dropped at once (VMEM_DROP_MAPPINGS). Process context;
 * may sleep, but never under mm->lock.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "mm.h"
#include "pmap.h"

/**
 * vmem_mm_overhead() - pages this VM's memory costs besides guest pages:
 * pmap chunks and second-level tables, all charged to the pool.
 * @mm: the VM's memory
 */
u64 vmem_mm_overhead(struct vmem_mm *mm)
{
	return atomic64_read(&mm->pmap_pages) + atomic64_read(&mm->slpt.pages);
}

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
	memset(&mm->tlb, 0, sizeof(mm->tlb));
	mm->nr_pages = nr_pages;
	return slpt_init(&mm->slpt, fmt);
}

/**
 * vmem_mm_destroy() - free all guest memory and tables of a dead VM.
 * @mm: the VM's memory; no vCPU may run
 *
 * Must not flush: the VM's vCPUs (and so the tlb_vcpu pointers in
 * mm->tlb) are already freed, and none can hold a translation.
 */
void vmem_mm_destroy(struct vmem_mm *mm)
{
	slpt_destroy(&mm->slpt);
	pmap_destroy(mm);
}

/**
 * vmem_mm_drop_mappings() - VMEM_DROP_MAPPINGS: tear down all second-level
 * tables, flush every vCPU, then free the tables.
 * @mm: the VM's memory
 *
 * Return: 0 or -ENOMEM.
 */
int vmem_mm_drop_mappings(struct vmem_mm *mm)
{
	u64 *saved = (u64 *)get_zeroed_page(GFP_KERNEL);

	if (!saved)
		return -ENOMEM;
	spin_lock(&mm->lock);
	__slpt_detach_all(&mm->slpt, saved);
	spin_unlock(&mm->lock);
	vmem_mm_flush(mm);
	slpt_free_detached(&mm->slpt, saved);
	free_page((unsigned long)saved);
	return 0;
}
