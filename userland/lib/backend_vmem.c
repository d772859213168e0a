// SPDX-License-Identifier: GPL-2.0
/*
 * The vmem backend: /dev/vmem. Guest memory belongs to the kernel (it is
 * allocated on first touch and may be shared, ballooned or swapped), so this
 * backend never maps it and copies with VMEM_READ_GUEST / VMEM_WRITE_GUEST.
 * The run page is struct vmem_run. Process context.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <vmem/backend.h>
#include <vmem/ioctl.h>

#define VMEM_RW_CHUNK	(16ULL << 20)	/* VMEM_READ/WRITE_GUEST limit */

static int vmem_vm_create_op(struct vmem_vm *vm, const struct vmem_vm_params *p)
{
	struct vmem_vm_config cfg;
	int r;

	r = vmemio_open();
	if (r < 0)
		return r;
	vm->sys_fd = r;
	r = vmemio_get_api_version(vm->sys_fd);
	if (r < 0)
		return r;
	if (r != VMEM_API_VERSION)
		return -EPROTO;
	r = vmemio_get_vcpu_mmap_size(vm->sys_fd);
	if (r < 0)
		return r;
	if ((size_t)r < sizeof(struct vmem_run))
		return -EPROTO;
	vm->run_size = r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mem_size = p->mem_size;
	cfg.min_size = p->min_size;
	cfg.salt = p->salt;
	cfg.shares = p->shares;
	if (p->name)
		strncpy(cfg.name, p->name, sizeof(cfg.name) - 1);
	r = vmemio_create_vm(vm->sys_fd, &cfg);
	if (r < 0)
		return r;
	vm->fd = r;
	vm->id = cfg.id;
	memcpy(vm->name, cfg.name, sizeof(vm->name));
	vm->name[sizeof(vm->name) - 1] = '\0';
	return 0;
}

static void vmem_vm_destroy_op(struct vmem_vm *vm)
{
}

static int vmem_vcpu_create_op(struct vmem_vcpu *vcpu)
{
	struct vmem_run *run;
	int r;

	r = vmemio_create_vcpu(vcpu->vm->fd, vcpu->id);
	if (r < 0)
		return r;
	vcpu->fd = r;
	r = vmemio_map_run(vcpu->fd, vcpu->vm->run_size, &run);
	if (r)
		return r;
	vcpu->run = run;
	return 0;
}

static void vmem_vcpu_destroy_op(struct vmem_vcpu *vcpu)
{
}

static int vmem_read_op(struct vmem_vm *vm, __u64 gpa, void *buf, size_t len)
{
	while (len) {
		size_t n = len < VMEM_RW_CHUNK ? len : VMEM_RW_CHUNK;
		int r = vmemio_read_guest(vm->fd, gpa, buf, n);

		if (r)
			return r;
		gpa += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

static int vmem_write_op(struct vmem_vm *vm, __u64 gpa, const void *buf,
			 size_t len)
{
	while (len) {
		size_t n = len < VMEM_RW_CHUNK ? len : VMEM_RW_CHUNK;
		int r = vmemio_write_guest(vm->fd, gpa, buf, n);

		if (r)
			return r;
		gpa += n;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

static int vmem_get_regs_op(struct vmem_vcpu *vcpu, struct vmem_regs *regs)
{
	return vmemio_get_regs(vcpu->fd, regs);
}

static int vmem_set_regs_op(struct vmem_vcpu *vcpu,
			    const struct vmem_regs *regs)
{
	return vmemio_set_regs(vcpu->fd, regs);
}

static int vmem_get_sregs_op(struct vmem_vcpu *vcpu, struct vmem_sregs *sregs)
{
	return vmemio_get_sregs(vcpu->fd, sregs);
}

static int vmem_set_sregs_op(struct vmem_vcpu *vcpu,
			     const struct vmem_sregs *sregs)
{
	return vmemio_set_sregs(vcpu->fd, sregs);
}

static int vmem_set_cpuid_op(struct vmem_vcpu *vcpu,
			     const struct vmem_cpuid *cpuid)
{
	return vmemio_set_cpuid(vcpu->fd, cpuid);
}

/* The run page is already in vmem's terms: copy it out, resolving offsets. */
static int vmem_run_op(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmem_run *run = vcpu->run;
	size_t run_size = vcpu->vm->run_size;
	int r;

	r = vmemio_run(vcpu->fd);
	if (r == -EINTR) {
		run->immediate_exit = 0;
		exit->reason = VMEM_EXIT_INTR;
		exit->raw_reason = VMEM_EXIT_INTR;
		return 0;
	}
	if (r)
		return r;

	exit->reason = run->exit_reason;
	exit->raw_reason = run->exit_reason;
	switch (run->exit_reason) {
	case VMEM_EXIT_IO:
		if (run->io.data_offset > run_size ||
		    (__u64)run->io.size * run->io.count >
		    run_size - run->io.data_offset)
			return -EPROTO;
		exit->io.direction = run->io.direction;
		exit->io.size = run->io.size;
		exit->io.port = run->io.port;
		exit->io.count = run->io.count;
		exit->io.data = (char *)run + run->io.data_offset;
		break;
	case VMEM_EXIT_MMIO:
		exit->mmio.gpa = run->mmio.phys_addr;
		exit->mmio.data = run->mmio.data;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		break;
	case VMEM_EXIT_FAIL_ENTRY:
		exit->fail_entry.reason =
			run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		break;
	case VMEM_EXIT_INTERNAL_ERROR:
		exit->internal.suberror = run->internal.suberror;
		exit->internal.raw_suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata > 16 ?
				       16 : run->internal.ndata;
		exit->internal.data = run->internal.data;
		break;
	case VMEM_EXIT_HYPERCALL:
		exit->hypercall.nr = run->hypercall.nr;
		memcpy(exit->hypercall.args, run->hypercall.args,
		       sizeof(exit->hypercall.args));
		exit->hypercall.ret = &run->hypercall.ret;
		break;
	}
	return 0;
}

static void vmem_request_exit_op(struct vmem_vcpu *vcpu)
{
	struct vmem_run *run = vcpu->run;

	__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

static int vmem_get_stats_op(struct vmem_vm *vm, struct vmem_vm_stats *stats)
{
	return vmemio_get_vm_stats(vm->fd, stats);
}

const struct vmem_backend_ops vmem_backend_vmem = {
	.name = "vmem",
	.dev_path = VMEM_DEV_PATH,
	.vm_create = vmem_vm_create_op,
	.vm_destroy = vmem_vm_destroy_op,
	.vcpu_create = vmem_vcpu_create_op,
	.vcpu_destroy = vmem_vcpu_destroy_op,
	.read_guest = vmem_read_op,
	.write_guest = vmem_write_op,
	.get_regs = vmem_get_regs_op,
	.set_regs = vmem_set_regs_op,
	.get_sregs = vmem_get_sregs_op,
	.set_sregs = vmem_set_sregs_op,
	.set_cpuid = vmem_set_cpuid_op,
	.run = vmem_run_op,
	.request_exit = vmem_request_exit_op,
	.get_stats = vmem_get_stats_op,
};
