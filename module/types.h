/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paper's vocabulary as types: a guest "physical" page number (PPN) is
 * what the guest believes is a page of RAM; a machine page number (MPN) is a
 * real host page frame. Addresses are typed the same way.
 */
#ifndef VMEM_TYPES_H
#define VMEM_TYPES_H

#include <linux/types.h>

typedef u64 gpa_t;	/* guest-physical address */
typedef u64 gva_t;	/* guest-virtual address */
typedef u64 hpa_t;	/* host-physical address */
typedef u64 ppn_t;	/* guest-physical page number */
typedef u64 mpn_t;	/* machine page number (host PFN) */

#endif /* VMEM_TYPES_H */
