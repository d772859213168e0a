// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of struct vmem_vm_config. Runs in process context on the
 * VMEM_CREATE_VM path before anything is allocated; also built into the host
 * unit tests (tests/unit), so it uses nothing but types and errno values.
 */
#include "config.h"

/**
 * vmem_name_valid() - is @name an acceptable VM name?
 * @name: buffer of @size bytes
 * @size: size of the buffer
 *
 * A name is NUL-terminated inside the buffer and consists of letters,
 * digits, '-', '_' and '.', not starting with '.' (it becomes a sysfs
 * directory). The empty name is valid: the core replaces it by "vm<id>".
 */
bool vmem_name_valid(const char *name, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		char c = name[i];

		if (c == '\0')
			return true;
		if (i == 0 && c == '.')
			return false;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			continue;
		return false;
	}
	return false;	/* no terminating NUL */
}

/**
 * vmem_config_check() - validate a VM configuration from userspace.
 * @cfg: the configuration, already copied into the kernel
 *
 * Return: 0, or -EINVAL for any field out of range, unknown flag or
 * non-zero reserved/pad field. Admission control against the pool is
 * done later, with the pool lock held.
 */
int vmem_config_check(const struct vmem_vm_config *cfg)
{
	size_t i;

	if (cfg->flags || cfg->pad)
		return -EINVAL;
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i])
			return -EINVAL;
	if (cfg->mem_size == 0 || cfg->mem_size > VMEM_MAX_MEM_SIZE ||
	    (cfg->mem_size & 4095))
		return -EINVAL;
	if (cfg->min_size > cfg->mem_size || (cfg->min_size & 4095))
		return -EINVAL;
	if (cfg->shares > VMEM_MAX_SHARES)
		return -EINVAL;
	if (!vmem_name_valid(cfg->name, sizeof(cfg->name)))
		return -EINVAL;
	return 0;
}
