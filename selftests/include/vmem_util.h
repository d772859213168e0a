/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the vmem selftests share besides the guest-code library: sizes and
 * VM configurations. The ioctls go through libvmem's vmemio_* wrappers
 * (<vmem/ioctl.h>, -errno on failure) and /sys/kernel/vmem through
 * <vmem/sysfs.h>; tests call no ioctl() of their own.
 */
#ifndef SELFTEST_VMEM_UTIL_H
#define SELFTEST_VMEM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/vmem.h>
#include <vmem/ioctl.h>
#include <vmem/sysfs.h>

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)

/* A configuration with only the memory size set: every other field 0. */
static inline struct vmem_vm_config vmem_config(__u64 mem_size)
{
	struct vmem_vm_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mem_size = mem_size;
	return cfg;
}

#endif /* SELFTEST_VMEM_UTIL_H */
