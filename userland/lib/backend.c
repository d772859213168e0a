// SPDX-License-Identifier: GPL-2.0
/*
 * The backend-neutral front of libvmem: backend lookup, VM and vCPU object
 * lifetime, and argument checks shared by every backend. The ops tables live
 * in backend_vmem.c and backend_kvm.c. Process context.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <vmem/backend.h>

static const struct vmem_backend_ops *const backends[] = {
	&vmem_backend_vmem,
	&vmem_backend_kvm,
};

/**
 * vmem_backend_find() - look a backend up by name.
 * @name: "vmem" or "kvm".
 *
 * Return: the ops table, or NULL if there is no such backend.
 */
const struct vmem_backend_ops *vmem_backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

/* Backend state first (it may be partly set up), then the descriptors. */
static void vm_release(struct vmem_vm *vm)
{
	vm->ops->vm_destroy(vm);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	free(vm);
}

/**
 * vmem_vm_create() - create a VM with guest memory [0, @p->mem_size).
 * @ops: backend.
 * @p: parameters.
 * @vmp: set to the new VM.
 *
 * Guest memory reads as zero until written.
 *
 * Return: 0, or -errno: -ENOENT if the backend's device is missing, -EACCES
 * without permission, -EINVAL for a bad size or name, whatever the kernel
 * says otherwise.
 */
int vmem_vm_create(const struct vmem_backend_ops *ops,
		   const struct vmem_vm_params *p, struct vmem_vm **vmp)
{
	struct vmem_vm *vm;
	int r;

	if (!p->mem_size || p->mem_size % 4096 ||
	    p->mem_size > VMEM_MAX_MEM_SIZE)
		return -EINVAL;
	if (p->name && strlen(p->name) >= VMEM_NAME_LEN)
		return -ENAMETOOLONG;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->ops = ops;
	vm->sys_fd = -1;
	vm->fd = -1;
	vm->mem_size = p->mem_size;
	r = ops->vm_create(vm, p);
	if (r) {
		vm_release(vm);
		return r;
	}
	*vmp = vm;
	return 0;
}

/**
 * vmem_vm_destroy() - destroy a VM, its vCPUs and its memory.
 * @vm: the VM, or NULL. No vCPU may be running.
 */
void vmem_vm_destroy(struct vmem_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < VMEM_MAX_VCPUS; i++) {
		struct vmem_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		vm->ops->vcpu_destroy(vcpu);
		if (vcpu->run)
			munmap(vcpu->run, vm->run_size);
		close(vcpu->fd);
		free(vcpu);
	}
	vm_release(vm);
}

static int check_range(struct vmem_vm *vm, __u64 gpa, size_t len)
{
	if (gpa > vm->mem_size || len > vm->mem_size - gpa)
		return -EFAULT;
	return 0;
}

/**
 * vmem_vm_read() - copy guest memory into @buf.
 * @vm: the VM.
 * @gpa: guest-physical source.
 * @buf: destination.
 * @len: bytes (any size; split as the backend needs).
 *
 * Return: 0, -EFAULT if the range leaves guest memory, or -errno.
 */
int vmem_vm_read(struct vmem_vm *vm, __u64 gpa, void *buf, size_t len)
{
	int r = check_range(vm, gpa, len);

	return r ? r : vm->ops->read_guest(vm, gpa, buf, len);
}

/**
 * vmem_vm_write() - copy @buf into guest memory.
 * @vm: the VM.
 * @gpa: guest-physical destination.
 * @buf: source.
 * @len: bytes.
 *
 * Return: 0, -EFAULT if the range leaves guest memory, or -errno.
 */
int vmem_vm_write(struct vmem_vm *vm, __u64 gpa, const void *buf, size_t len)
{
	int r = check_range(vm, gpa, len);

	return r ? r : vm->ops->write_guest(vm, gpa, buf, len);
}

/**
 * vmem_vm_get_stats() - memory statistics of a vmem VM.
 * @vm: the VM.
 * @stats: filled in.
 *
 * Return: 0, -EOPNOTSUPP on the kvm backend, or -errno.
 */
int vmem_vm_get_stats(struct vmem_vm *vm, struct vmem_vm_stats *stats)
{
	if (!vm->ops->get_stats)
		return -EOPNOTSUPP;
	return vm->ops->get_stats(vm, stats);
}

/**
 * vmem_vcpu_create() - create vCPU @id; it starts in the x86 reset state.
 * @vm: the VM.
 * @id: 0 .. VMEM_MAX_VCPUS - 1, not yet used.
 * @vcpup: set to the new vCPU (owned by @vm, freed by vmem_vm_destroy()).
 *
 * Return: 0, -EINVAL for a bad id, -EEXIST if taken, or -errno.
 */
int vmem_vcpu_create(struct vmem_vm *vm, unsigned int id,
		     struct vmem_vcpu **vcpup)
{
	struct vmem_vcpu *vcpu;
	int r;

	if (id >= VMEM_MAX_VCPUS)
		return -EINVAL;
	if (vm->vcpus[id])
		return -EEXIST;
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = -1;
	r = vm->ops->vcpu_create(vcpu);
	if (r) {
		if (vcpu->run)
			munmap(vcpu->run, vm->run_size);
		if (vcpu->fd >= 0)
			close(vcpu->fd);
		free(vcpu);
		return r;
	}
	vm->vcpus[id] = vcpu;
	*vcpup = vcpu;
	return 0;
}

/**
 * vmem_vcpu_get_regs() - read general registers, RIP and RFLAGS.
 * @vcpu: the vCPU.
 * @regs: filled in.
 *
 * Return: 0 or -errno.
 */
int vmem_vcpu_get_regs(struct vmem_vcpu *vcpu, struct vmem_regs *regs)
{
	return vcpu->vm->ops->get_regs(vcpu, regs);
}

/**
 * vmem_vcpu_set_regs() - write general registers, RIP and RFLAGS.
 * @vcpu: the vCPU.
 * @regs: new values.
 *
 * Return: 0 or -errno.
 */
int vmem_vcpu_set_regs(struct vmem_vcpu *vcpu, const struct vmem_regs *regs)
{
	return vcpu->vm->ops->set_regs(vcpu, regs);
}

/**
 * vmem_vcpu_get_sregs() - read segment, table and control registers.
 * @vcpu: the vCPU.
 * @sregs: filled in.
 *
 * Return: 0 or -errno.
 */
int vmem_vcpu_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *sregs)
{
	return vcpu->vm->ops->get_sregs(vcpu, sregs);
}

/**
 * vmem_vcpu_set_sregs() - write segment, table and control registers.
 * @vcpu: the vCPU.
 * @sregs: new values.
 *
 * Return: 0 or -errno.
 */
int vmem_vcpu_set_sregs(struct vmem_vcpu *vcpu,
			const struct vmem_sregs *sregs)
{
	return vcpu->vm->ops->set_sregs(vcpu, sregs);
}

/**
 * vmem_vcpu_set_cpuid() - replace the CPUID table the guest sees.
 * @vcpu: the vCPU.
 * @cpuid: the table.
 *
 * Return: 0 or -errno.
 */
int vmem_vcpu_set_cpuid(struct vmem_vcpu *vcpu,
			const struct vmem_cpuid *cpuid)
{
	if (cpuid->nent > VMEM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	return vcpu->vm->ops->set_cpuid(vcpu, cpuid);
}

/**
 * vmem_vcpu_run() - run the vCPU until it exits to userspace.
 * @vcpu: the vCPU.
 * @exit: filled in with the reason and its data.
 *
 * Pending I/O or MMIO of the previous exit (IN data, MMIO read data,
 * hypercall result) is completed on entry, as the kernel does.
 * An interrupted run (a signal, or vmem_vcpu_request_exit()) is not an
 * error: it returns 0 with @exit->reason == VMEM_EXIT_INTR and clears the
 * request.
 *
 * Return: 0 or -errno (-ENOTTY: the kernel cannot run vCPUs).
 */
int vmem_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	memset(exit, 0, sizeof(*exit));
	return vcpu->vm->ops->run(vcpu, exit);
}

/**
 * vmem_vcpu_request_exit() - make the vCPU's current or next run return
 * VMEM_EXIT_INTR at once. Async-signal-safe; to interrupt a run that is
 * already inside the guest, also send the running thread a signal (with a
 * handler, without SA_RESTART).
 * @vcpu: the vCPU.
 */
void vmem_vcpu_request_exit(struct vmem_vcpu *vcpu)
{
	vcpu->vm->ops->request_exit(vcpu);
}

/**
 * vmem_exit_name() - a VMEM_EXIT_* reason as text.
 * @reason: the reason.
 *
 * Return: a static string ("unknown" for values out of range).
 */
const char *vmem_exit_name(__u32 reason)
{
	static const char *const names[] = {
		[VMEM_EXIT_UNKNOWN] = "unknown",
		[VMEM_EXIT_IO] = "io",
		[VMEM_EXIT_MMIO] = "mmio",
		[VMEM_EXIT_HLT] = "hlt",
		[VMEM_EXIT_SHUTDOWN] = "shutdown",
		[VMEM_EXIT_FAIL_ENTRY] = "fail_entry",
		[VMEM_EXIT_INTERNAL_ERROR] = "internal_error",
		[VMEM_EXIT_HYPERCALL] = "hypercall",
		[VMEM_EXIT_INTR] = "intr",
	};

	if (reason >= sizeof(names) / sizeof(names[0]) || !names[reason])
		return "unknown";
	return names[reason];
}
