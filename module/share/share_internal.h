/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of module/share/ tell each other. */
#ifndef VMEM_SHARE_INTERNAL_H
#define VMEM_SHARE_INTERNAL_H

#include <linux/spinlock.h>

#include "share.h"

extern spinlock_t share_lock;

/* table.c */
struct shared_frame *share_find_frame(u64 hash, u64 salt);
void share_insert_frame(struct shared_frame *frame);
bool share_hint_take(u64 hash, u64 salt, struct vmem_share_vm *self,
		     struct vmem_share_vm **sv, ppn_t *ppn);
void share_hint_add(struct vmem_share_vm *sv, ppn_t ppn, u64 hash);
void share_vm_forget_hints(struct vmem_share_vm *sv);
int share_table_init(void);
void share_table_exit(void);

/* scan.c */
bool share_vm_pin(struct vmem_share_vm *sv);
void share_vm_unpin(struct vmem_share_vm *sv);

/* merge.c */
bool share_scan_page(struct vmem_share_vm *sv, ppn_t ppn);
u64 share_hash_page(struct page *page, bool *zero);

#endif /* VMEM_SHARE_INTERNAL_H */
