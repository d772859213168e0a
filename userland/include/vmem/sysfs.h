/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing vmem's sysfs attributes (/sys/kernel/vmem), the one
 * place userland does so: vmemctl, the benchmarks and the tests.
 *
 * Attributes are named by a path relative to the root, e.g. "nr_vms",
 * "share/enabled", "vms/vm3/salt". The root is $VMEM_SYSFS when set and
 * non-empty (a stand-in tree, how the host unit tests feed vmemctl), else
 * /sys/kernel/vmem. As with openat(2), an absolute path is used as it is,
 * which serves other trees such as /sys/kernel/mm/ksm.
 *
 * Every function returns 0 (or a count) or -errno; none prints or exits.
 * The *_num() shortcuts return -1 instead, which no vmem counter can be.
 */
#ifndef _VMEM_SYSFS_H
#define _VMEM_SYSFS_H

#include <stddef.h>

#define VMEM_SYSFS_ROOT	"/sys/kernel/vmem"
#define VMEM_SYSFS_ENV	"VMEM_SYSFS"

const char *vmemsysfs_root(void);
int vmemsysfs_path(const char *rel, char *buf, size_t size);

int vmemsysfs_read(const char *rel, char *buf, size_t size);
int vmemsysfs_read_num(const char *rel, long long *val);
long long vmemsysfs_num(const char *rel);
long long vmemsysfs_vm_num(const char *vm, const char *attr);

int vmemsysfs_write(const char *rel, const char *val);
int vmemsysfs_write_num(const char *rel, long long val);
int vmemsysfs_create(const char *rel, const char *val);

int vmemsysfs_vm_names(char ***names);
void vmemsysfs_free_names(char **names, int n);

#endif /* _VMEM_SYSFS_H */
