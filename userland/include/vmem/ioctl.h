/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers around the /dev/vmem ioctls (include/uapi/linux/vmem.h).
 *
 * One function per ioctl, named vmemio_<ioctl>. Each returns what the ioctl
 * returns (a file descriptor, a count, 0) or -errno; none prints or exits.
 * They add nothing but the errno convention and the run-page mmap.
 *
 * For tests of malformed calls there is full control behind them:
 * __vmemio_read_guest() and __vmemio_write_guest() take the argument struct
 * as it is (flags, reserved words), and vmemio_ioctl() issues any request
 * number, on any fd, with the argument exactly as given.
 */
#ifndef _VMEM_IOCTL_H
#define _VMEM_IOCTL_H

#include <stddef.h>
#include <linux/vmem.h>

#define VMEM_DEV_PATH	"/dev/vmem"

int vmemio_open(void);
int vmemio_ioctl(int fd, unsigned long req, unsigned long arg);

int vmemio_get_api_version(int dev);
int vmemio_check_extension(int dev, unsigned long cap);
int vmemio_get_vcpu_mmap_size(int dev);
int vmemio_create_vm(int dev, struct vmem_vm_config *cfg);

int vmemio_create_vcpu(int vm, unsigned long id);
int __vmemio_read_guest(int vm, const struct vmem_guest_rw *rw);
int __vmemio_write_guest(int vm, const struct vmem_guest_rw *rw);
int vmemio_read_guest(int vm, __u64 gpa, void *buf, __u64 len);
int vmemio_write_guest(int vm, __u64 gpa, const void *buf, __u64 len);
int vmemio_get_vm_stats(int vm, struct vmem_vm_stats *stats);
int vmemio_drop_mappings(int vm);

int vmemio_run(int vcpu);
int vmemio_get_regs(int vcpu, struct vmem_regs *regs);
int vmemio_set_regs(int vcpu, const struct vmem_regs *regs);
int vmemio_get_sregs(int vcpu, struct vmem_sregs *sregs);
int vmemio_set_sregs(int vcpu, const struct vmem_sregs *sregs);
int vmemio_set_cpuid(int vcpu, const struct vmem_cpuid *cpuid);
int vmemio_map_run(int vcpu, size_t size, struct vmem_run **run);

#endif /* _VMEM_IOCTL_H */
