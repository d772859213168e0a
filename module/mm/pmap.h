/* SPDX-License-Identifier: GPL-2.0 */
/* The pmap's functions; the entry format is in mm.h. */
#ifndef VMEM_PMAP_H
#define VMEM_PMAP_H

#include "mm.h"

int pmap_prepare(struct vmem_mm *mm, ppn_t ppn);
u64 *__pmap_entry(struct vmem_mm *mm, ppn_t ppn);
void pmap_destroy(struct vmem_mm *mm);

#endif /* VMEM_PMAP_H */
