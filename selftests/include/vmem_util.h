/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the vmem selftests: opening /dev/vmem and building
 * VM configurations. Counters in /sys/kernel/vmem are read through libvmem's
 * <vmem/sysfs.h>.
 */
#ifndef SELFTEST_VMEM_UTIL_H
#define SELFTEST_VMEM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vmem.h>
#include <vmem/sysfs.h>

#define VMEM_DEV	"/dev/vmem"
#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)

static inline struct vmem_vm_config vmem_config(__u64 mem_size)
{
	struct vmem_vm_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mem_size = mem_size;
	return cfg;
}

/* Returns the fd, or -errno. */
static inline int vmem_create_vm(int dev, struct vmem_vm_config *cfg)
{
	int fd = ioctl(dev, VMEM_CREATE_VM, cfg);

	return fd < 0 ? -errno : fd;
}

/* Returns the fd, or -errno. */
static inline int vmem_create_vcpu(int vm, unsigned long id)
{
	int fd = ioctl(vm, VMEM_CREATE_VCPU, id);

	return fd < 0 ? -errno : fd;
}

#endif /* SELFTEST_VMEM_UTIL_H */
