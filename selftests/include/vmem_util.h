/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the vmem selftests: opening /dev/vmem, building
 * VM configurations, and reading /sys/kernel/vmem counters.
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

#define VMEM_DEV	"/dev/vmem"
#define VMEM_SYSFS	"/sys/kernel/vmem"
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

/* Reads an integer from a file; returns -1 and sets errno if absent. */
static inline long long read_ll(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 0);
}

static inline long long vmem_sysfs(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), VMEM_SYSFS "/%s", name);
	return read_ll(path);
}

static inline long long vmem_vm_sysfs(const char *vm, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), VMEM_SYSFS "/vms/%s/%s", vm, name);
	return read_ll(path);
}

/* Writes a string to a sysfs file; returns 0 or -errno. */
static inline int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

#endif /* SELFTEST_VMEM_UTIL_H */
