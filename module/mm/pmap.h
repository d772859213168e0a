/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of module/mm tell each other about the pmap; the entry
 * format is in mm.h.
 */
#ifndef VMEM_PMAP_H
#define VMEM_PMAP_H

#include "mm.h"

int pmap_prepare(struct vmem_mm *mm, ppn_t ppn);
u64 *__pmap_entry(struct vmem_mm *mm, ppn_t ppn);
void pmap_destroy(struct vmem_mm *mm);
void *__pmap_take_empty_chunk(struct vmem_mm *mm, ppn_t ppn);
void pmap_free_chunk(struct vmem_mm *mm, void *chunk);
int pmap_resolve(struct vmem_mm *mm, ppn_t ppn, bool write,
		 struct slpt_cache *cache, struct page **pagep);

#endif /* VMEM_PMAP_H */
