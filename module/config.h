/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of VM configurations (VMEM_CREATE_VM). Pure logic with no
 * kernel dependencies beyond types and errno values, so the host unit tests
 * build the same file in userspace.
 */
#ifndef VMEM_CONFIG_H
#define VMEM_CONFIG_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
#endif

#include "../include/uapi/linux/vmem.h"

bool vmem_name_valid(const char *name, size_t size);
int vmem_config_check(const struct vmem_vm_config *cfg);

#endif /* VMEM_CONFIG_H */
