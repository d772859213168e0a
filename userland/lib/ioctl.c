// SPDX-License-Identifier: GPL-2.0
/*
 * Thin /dev/vmem ioctl wrappers: the errno convention (-errno on failure)
 * and nothing else. Process context, thread-safe (no state).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vmem/ioctl.h>

static int ret_errno(long r)
{
	return r < 0 ? -errno : (int)r;
}

/**
 * vmemio_open() - open /dev/vmem read-write, close-on-exec.
 *
 * Return: the file descriptor, or -errno (-ENOENT: module not loaded).
 */
int vmemio_open(void)
{
	return ret_errno(open(VMEM_DEV_PATH, O_RDWR | O_CLOEXEC));
}

/**
 * vmemio_ioctl() - any ioctl, with the argument exactly as given.
 * @fd: any file descriptor.
 * @req: the request number, known to the driver or not.
 * @arg: the argument, passed through unchanged.
 *
 * For what the typed wrappers cannot express: unknown request numbers,
 * stray arguments to ioctls that take none, another driver's ioctls.
 *
 * Return: what the ioctl returns, or -errno.
 */
int vmemio_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return ret_errno(ioctl(fd, req, arg));
}

/**
 * vmemio_get_api_version() - VMEM_GET_API_VERSION.
 * @dev: /dev/vmem file descriptor.
 *
 * Return: the kernel's VMEM_API_VERSION, or -errno.
 */
int vmemio_get_api_version(int dev)
{
	return ret_errno(ioctl(dev, VMEM_GET_API_VERSION, 0));
}

/**
 * vmemio_check_extension() - VMEM_CHECK_EXTENSION.
 * @dev: /dev/vmem file descriptor.
 * @cap: VMEM_CAP_*.
 *
 * Return: > 0 when present (a value for numeric caps), 0 if absent, -errno.
 */
int vmemio_check_extension(int dev, unsigned long cap)
{
	return ret_errno(ioctl(dev, VMEM_CHECK_EXTENSION, cap));
}

/**
 * vmemio_get_vcpu_mmap_size() - VMEM_GET_VCPU_MMAP_SIZE.
 * @dev: /dev/vmem file descriptor.
 *
 * Return: bytes to mmap() from a vCPU fd, or -errno.
 */
int vmemio_get_vcpu_mmap_size(int dev)
{
	return ret_errno(ioctl(dev, VMEM_GET_VCPU_MMAP_SIZE, 0));
}

/**
 * vmemio_create_vm() - VMEM_CREATE_VM.
 * @dev: /dev/vmem file descriptor.
 * @cfg: configuration; @cfg->id and an empty @cfg->name are written back.
 *
 * Return: the VM file descriptor, or -errno.
 */
int vmemio_create_vm(int dev, struct vmem_vm_config *cfg)
{
	return ret_errno(ioctl(dev, VMEM_CREATE_VM, cfg));
}

/**
 * vmemio_create_vcpu() - VMEM_CREATE_VCPU.
 * @vm: VM file descriptor.
 * @id: vCPU id, 0 .. VMEM_MAX_VCPUS - 1; the ioctl's argument is an unsigned
 *	long, so any other value reaches the kernel unchanged (-EINVAL).
 *
 * Return: the vCPU file descriptor, or -errno.
 */
int vmemio_create_vcpu(int vm, unsigned long id)
{
	return ret_errno(ioctl(vm, VMEM_CREATE_VCPU, id));
}

/**
 * __vmemio_read_guest() - VMEM_READ_GUEST with the argument as it is.
 * @vm: VM file descriptor.
 * @rw: the request, flags and reserved words included.
 *
 * Return: 0 or -errno.
 */
int __vmemio_read_guest(int vm, const struct vmem_guest_rw *rw)
{
	return ret_errno(ioctl(vm, VMEM_READ_GUEST, rw));
}

/**
 * __vmemio_write_guest() - VMEM_WRITE_GUEST with the argument as it is.
 * @vm: VM file descriptor.
 * @rw: the request, flags and reserved words included.
 *
 * Return: 0 or -errno.
 */
int __vmemio_write_guest(int vm, const struct vmem_guest_rw *rw)
{
	return ret_errno(ioctl(vm, VMEM_WRITE_GUEST, rw));
}

/**
 * vmemio_read_guest() - VMEM_READ_GUEST: copy guest memory out.
 * @vm: VM file descriptor.
 * @gpa: guest-physical source.
 * @buf: destination.
 * @len: bytes, at most 16 MiB.
 *
 * Return: 0 or -errno.
 */
int vmemio_read_guest(int vm, __u64 gpa, void *buf, __u64 len)
{
	struct vmem_guest_rw rw = {
		.gpa = gpa,
		.buf = (__u64)(unsigned long)buf,
		.len = len,
	};

	return __vmemio_read_guest(vm, &rw);
}

/**
 * vmemio_write_guest() - VMEM_WRITE_GUEST: copy into guest memory.
 * @vm: VM file descriptor.
 * @gpa: guest-physical destination.
 * @buf: source.
 * @len: bytes, at most 16 MiB.
 *
 * Return: 0 or -errno.
 */
int vmemio_write_guest(int vm, __u64 gpa, const void *buf, __u64 len)
{
	struct vmem_guest_rw rw = {
		.gpa = gpa,
		.buf = (__u64)(unsigned long)buf,
		.len = len,
	};

	return __vmemio_write_guest(vm, &rw);
}

/**
 * vmemio_get_vm_stats() - VMEM_GET_VM_STATS.
 * @vm: VM file descriptor.
 * @stats: filled in.
 *
 * Return: 0 or -errno.
 */
int vmemio_get_vm_stats(int vm, struct vmem_vm_stats *stats)
{
	return ret_errno(ioctl(vm, VMEM_GET_VM_STATS, stats));
}

/**
 * vmemio_drop_mappings() - VMEM_DROP_MAPPINGS: tear down every
 * second-level mapping of the VM; guest memory itself is kept.
 * @vm: VM file descriptor.
 *
 * Return: 0 or -errno.
 */
int vmemio_drop_mappings(int vm)
{
	return ret_errno(ioctl(vm, VMEM_DROP_MAPPINGS, 0));
}

/**
 * vmemio_run() - VMEM_RUN: run the vCPU until the next exit to userspace.
 * @vcpu: vCPU file descriptor.
 *
 * Return: 0 (the run page says why it exited), -EINTR when a signal or
 * immediate_exit interrupted it, or another -errno.
 */
int vmemio_run(int vcpu)
{
	return ret_errno(ioctl(vcpu, VMEM_RUN, 0));
}

/**
 * vmemio_get_regs() - VMEM_GET_REGS.
 * @vcpu: vCPU file descriptor.
 * @regs: filled in.
 *
 * Return: 0 or -errno.
 */
int vmemio_get_regs(int vcpu, struct vmem_regs *regs)
{
	return ret_errno(ioctl(vcpu, VMEM_GET_REGS, regs));
}

/**
 * vmemio_set_regs() - VMEM_SET_REGS.
 * @vcpu: vCPU file descriptor.
 * @regs: new general registers, RIP and RFLAGS.
 *
 * Return: 0 or -errno.
 */
int vmemio_set_regs(int vcpu, const struct vmem_regs *regs)
{
	return ret_errno(ioctl(vcpu, VMEM_SET_REGS, regs));
}

/**
 * vmemio_get_sregs() - VMEM_GET_SREGS.
 * @vcpu: vCPU file descriptor.
 * @sregs: filled in.
 *
 * Return: 0 or -errno.
 */
int vmemio_get_sregs(int vcpu, struct vmem_sregs *sregs)
{
	return ret_errno(ioctl(vcpu, VMEM_GET_SREGS, sregs));
}

/**
 * vmemio_set_sregs() - VMEM_SET_SREGS.
 * @vcpu: vCPU file descriptor.
 * @sregs: new segment, descriptor-table and control registers.
 *
 * Return: 0 or -errno.
 */
int vmemio_set_sregs(int vcpu, const struct vmem_sregs *sregs)
{
	return ret_errno(ioctl(vcpu, VMEM_SET_SREGS, sregs));
}

/**
 * vmemio_set_cpuid() - VMEM_SET_CPUID: replace the vCPU's CPUID table.
 * @vcpu: vCPU file descriptor.
 * @cpuid: header and @cpuid->nent entries.
 *
 * Return: 0 or -errno.
 */
int vmemio_set_cpuid(int vcpu, const struct vmem_cpuid *cpuid)
{
	return ret_errno(ioctl(vcpu, VMEM_SET_CPUID, cpuid));
}

/**
 * vmemio_map_run() - mmap() the run page of a vCPU.
 * @vcpu: vCPU file descriptor.
 * @size: the value of VMEM_GET_VCPU_MMAP_SIZE.
 * @run: set to the mapping; unmap it with munmap(*run, size).
 *
 * Return: 0 or -errno.
 */
int vmemio_map_run(int vcpu, size_t size, struct vmem_run **run)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);

	if (p == MAP_FAILED)
		return -errno;
	*run = p;
	return 0;
}
