/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine-page pool: how much host memory vmem may hand to guests, how
 * much it has handed out (guest pages, and the overhead of the pmap and
 * second-level tables that map them), and how much is promised to
 * reservations. A leaf of module/mm: it calls nothing of vmem's.
 */
#ifndef VMEM_POOL_H
#define VMEM_POOL_H

#include <linux/types.h>

int pool_init(void);
int pool_reserve(u64 pages);
void pool_unreserve(u64 pages);
int pool_set_size(u64 pages);
u64 pool_size(void);
u64 pool_reserved(void);
u64 pool_allocated(void);
u64 pool_overhead(void);
struct page *pool_alloc_page(void);
void pool_free_page(struct page *page);
struct page *pool_alloc_overhead(void);
void pool_charge_overhead(void);
void pool_free_overhead(struct page *page);

#endif /* VMEM_POOL_H */
