// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: the same VM on /dev/kvm, for comparison runs and for
 * developing guests where no vmem.ko is loaded. Guest memory is one
 * anonymous mapping registered as memory slot 0 at GPA 0; every vCPU gets
 * the CPUID table KVM_GET_SUPPORTED_CPUID reports (KVM's own default is
 * empty). No in-kernel irqchip is created, so HLT exits to userspace as on
 * vmem. Registers and exits are converted to vmem's formats. Process
 * context.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include <vmem/backend.h>

#define KVM_DEV_PATH		"/dev/kvm"
#define KVM_TSS_GPA		0xfffbd000ULL	/* 3 pages, for VMX real mode */

struct kvm_priv {
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
};

static int xioctl(int fd, unsigned long cmd, unsigned long arg)
{
	int r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

static int kvm_supported_cpuid(int sys_fd, struct kvm_cpuid2 **out)
{
	unsigned int nent = 64;
	struct kvm_cpuid2 *c;
	int r;

	for (;;) {
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		r = xioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, (unsigned long)c);
		if (r != -E2BIG)
			break;
		free(c);
		nent *= 2;
		if (nent > 4096)
			return -E2BIG;
	}
	if (r < 0) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

static int kvm_vm_create_op(struct vmem_vm *vm, const struct vmem_vm_params *p)
{
	struct kvm_userspace_memory_region region;
	struct kvm_priv *priv;
	void *mem;
	int r;

	priv = calloc(1, sizeof(*priv));
	if (!priv)
		return -ENOMEM;
	vm->priv = priv;

	r = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (r < 0)
		return -errno;
	vm->sys_fd = r;
	r = xioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (r < 0)
		return r;
	if (r != KVM_API_VERSION)
		return -EPROTO;
	r = kvm_supported_cpuid(vm->sys_fd, &priv->cpuid);
	if (r)
		return r;
	r = xioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < 0)
		return r;
	vm->run_size = r;
	r = xioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (r < 0)
		return r;
	vm->fd = r;

	if (p->mem_size <= KVM_TSS_GPA) {
		r = xioctl(vm->fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA);
		if (r)
			return r;
	}

	mem = mmap(NULL, p->mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	vm->mem = mem;
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = p->mem_size;
	region.userspace_addr = (unsigned long)mem;
	return xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION,
		      (unsigned long)&region);
}

static void kvm_vm_destroy_op(struct vmem_vm *vm)
{
	struct kvm_priv *priv = vm->priv;

	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (priv)
		free(priv->cpuid);
	free(priv);
}

static int kvm_set_cpuid_op(struct vmem_vcpu *vcpu,
			    const struct vmem_cpuid *cpuid)
{
	struct kvm_cpuid2 *c;
	__u32 i;
	int r;

	c = calloc(1, sizeof(*c) + cpuid->nent * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = cpuid->nent;
	for (i = 0; i < cpuid->nent; i++) {
		const struct vmem_cpuid_entry *e = &cpuid->entries[i];

		c->entries[i].function = e->function;
		c->entries[i].index = e->index;
		c->entries[i].flags = e->flags & VMEM_CPUID_FLAG_INDEXED ?
				      KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
		c->entries[i].eax = e->eax;
		c->entries[i].ebx = e->ebx;
		c->entries[i].ecx = e->ecx;
		c->entries[i].edx = e->edx;
	}
	r = xioctl(vcpu->fd, KVM_SET_CPUID2, (unsigned long)c);
	free(c);
	return r;
}

/* The supported table, with this vCPU's initial APIC id in leaf 1. */
static int kvm_default_cpuid(struct vmem_vcpu *vcpu)
{
	struct kvm_priv *priv = vcpu->vm->priv;
	struct kvm_cpuid2 *sup = priv->cpuid;
	size_t size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *c;
	__u32 i;
	int r;

	c = malloc(size);
	if (!c)
		return -ENOMEM;
	memcpy(c, sup, size);
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			c->entries[i].ebx = (c->entries[i].ebx & 0x00ffffff) |
					    vcpu->id << 24;
	r = xioctl(vcpu->fd, KVM_SET_CPUID2, (unsigned long)c);
	free(c);
	return r;
}

static int kvm_vcpu_create_op(struct vmem_vcpu *vcpu)
{
	void *run;
	int r;

	r = xioctl(vcpu->vm->fd, KVM_CREATE_VCPU, vcpu->id);
	if (r < 0)
		return r;
	vcpu->fd = r;
	run = mmap(NULL, vcpu->vm->run_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	vcpu->run = run;
	return kvm_default_cpuid(vcpu);
}

static void kvm_vcpu_destroy_op(struct vmem_vcpu *vcpu)
{
}

static int kvm_read_op(struct vmem_vm *vm, __u64 gpa, void *buf, size_t len)
{
	memcpy(buf, (char *)vm->mem + gpa, len);
	return 0;
}

static int kvm_write_op(struct vmem_vm *vm, __u64 gpa, const void *buf,
			size_t len)
{
	memcpy((char *)vm->mem + gpa, buf, len);
	return 0;
}

static int kvm_get_regs_op(struct vmem_vcpu *vcpu, struct vmem_regs *regs)
{
	struct kvm_regs k;
	int r = xioctl(vcpu->fd, KVM_GET_REGS, (unsigned long)&k);

	if (r)
		return r;
	regs->rax = k.rax;
	regs->rbx = k.rbx;
	regs->rcx = k.rcx;
	regs->rdx = k.rdx;
	regs->rsi = k.rsi;
	regs->rdi = k.rdi;
	regs->rsp = k.rsp;
	regs->rbp = k.rbp;
	regs->r8 = k.r8;
	regs->r9 = k.r9;
	regs->r10 = k.r10;
	regs->r11 = k.r11;
	regs->r12 = k.r12;
	regs->r13 = k.r13;
	regs->r14 = k.r14;
	regs->r15 = k.r15;
	regs->rip = k.rip;
	regs->rflags = k.rflags;
	return 0;
}

static int kvm_set_regs_op(struct vmem_vcpu *vcpu,
			   const struct vmem_regs *regs)
{
	struct kvm_regs k = {
		.rax = regs->rax, .rbx = regs->rbx,
		.rcx = regs->rcx, .rdx = regs->rdx,
		.rsi = regs->rsi, .rdi = regs->rdi,
		.rsp = regs->rsp, .rbp = regs->rbp,
		.r8 = regs->r8, .r9 = regs->r9,
		.r10 = regs->r10, .r11 = regs->r11,
		.r12 = regs->r12, .r13 = regs->r13,
		.r14 = regs->r14, .r15 = regs->r15,
		.rip = regs->rip, .rflags = regs->rflags,
	};

	return xioctl(vcpu->fd, KVM_SET_REGS, (unsigned long)&k);
}

static void seg_from_kvm(struct vmem_segment *v, const struct kvm_segment *k)
{
	memset(v, 0, sizeof(*v));
	v->base = k->base;
	v->limit = k->limit;
	v->selector = k->selector;
	v->type = k->type;
	v->present = k->present;
	v->dpl = k->dpl;
	v->db = k->db;
	v->s = k->s;
	v->l = k->l;
	v->g = k->g;
	v->avl = k->avl;
	v->unusable = k->unusable;
}

static void seg_to_kvm(struct kvm_segment *k, const struct vmem_segment *v)
{
	memset(k, 0, sizeof(*k));
	k->base = v->base;
	k->limit = v->limit;
	k->selector = v->selector;
	k->type = v->type;
	k->present = v->present;
	k->dpl = v->dpl;
	k->db = v->db;
	k->s = v->s;
	k->l = v->l;
	k->g = v->g;
	k->avl = v->avl;
	k->unusable = v->unusable;
}

static int kvm_get_sregs_op(struct vmem_vcpu *vcpu, struct vmem_sregs *s)
{
	struct kvm_sregs k;
	int r = xioctl(vcpu->fd, KVM_GET_SREGS, (unsigned long)&k);

	if (r)
		return r;
	memset(s, 0, sizeof(*s));
	seg_from_kvm(&s->cs, &k.cs);
	seg_from_kvm(&s->ds, &k.ds);
	seg_from_kvm(&s->es, &k.es);
	seg_from_kvm(&s->fs, &k.fs);
	seg_from_kvm(&s->gs, &k.gs);
	seg_from_kvm(&s->ss, &k.ss);
	seg_from_kvm(&s->tr, &k.tr);
	seg_from_kvm(&s->ldt, &k.ldt);
	s->gdt.base = k.gdt.base;
	s->gdt.limit = k.gdt.limit;
	s->idt.base = k.idt.base;
	s->idt.limit = k.idt.limit;
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->cr8 = k.cr8;
	s->efer = k.efer;
	s->apic_base = k.apic_base;
	return 0;
}

static int kvm_set_sregs_op(struct vmem_vcpu *vcpu,
			    const struct vmem_sregs *s)
{
	struct kvm_sregs k;

	memset(&k, 0, sizeof(k));
	seg_to_kvm(&k.cs, &s->cs);
	seg_to_kvm(&k.ds, &s->ds);
	seg_to_kvm(&k.es, &s->es);
	seg_to_kvm(&k.fs, &s->fs);
	seg_to_kvm(&k.gs, &s->gs);
	seg_to_kvm(&k.ss, &s->ss);
	seg_to_kvm(&k.tr, &s->tr);
	seg_to_kvm(&k.ldt, &s->ldt);
	k.gdt.base = s->gdt.base;
	k.gdt.limit = s->gdt.limit;
	k.idt.base = s->idt.base;
	k.idt.limit = s->idt.limit;
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.cr8 = s->cr8;
	k.efer = s->efer;
	k.apic_base = s->apic_base;
	return xioctl(vcpu->fd, KVM_SET_SREGS, (unsigned long)&k);
}

static __u32 kvm_suberror(__u32 sub)
{
	switch (sub) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return VMEM_INTERNAL_ERROR_EMULATION;
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return VMEM_INTERNAL_ERROR_DELIVERY;
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return VMEM_INTERNAL_ERROR_UNHANDLED_EXIT;
	default:
		return 0;
	}
}

static int kvm_run_op(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct kvm_run *run = vcpu->run;
	size_t run_size = vcpu->vm->run_size;
	int r;

	r = xioctl(vcpu->fd, KVM_RUN, 0);
	if (r == -EINTR) {
		run->immediate_exit = 0;
		exit->reason = VMEM_EXIT_INTR;
		exit->raw_reason = KVM_EXIT_INTR;
		return 0;
	}
	if (r)
		return r;

	exit->raw_reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.data_offset > run_size ||
		    (__u64)run->io.size * run->io.count >
		    run_size - run->io.data_offset)
			return -EPROTO;
		exit->reason = VMEM_EXIT_IO;
		exit->io.direction = run->io.direction == KVM_EXIT_IO_OUT ?
				     VMEM_EXIT_IO_OUT : VMEM_EXIT_IO_IN;
		exit->io.size = run->io.size;
		exit->io.port = run->io.port;
		exit->io.count = run->io.count;
		exit->io.data = (char *)run + run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		exit->reason = VMEM_EXIT_MMIO;
		exit->mmio.gpa = run->mmio.phys_addr;
		exit->mmio.data = run->mmio.data;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		break;
	case KVM_EXIT_HLT:
		exit->reason = VMEM_EXIT_HLT;
		break;
	case KVM_EXIT_SHUTDOWN:
		exit->reason = VMEM_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		exit->reason = VMEM_EXIT_FAIL_ENTRY;
		exit->fail_entry.reason =
			run->fail_entry.hardware_entry_failure_reason;
		exit->fail_entry.cpu = run->fail_entry.cpu;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		exit->reason = VMEM_EXIT_INTERNAL_ERROR;
		exit->internal.suberror = kvm_suberror(run->internal.suberror);
		exit->internal.raw_suberror = run->internal.suberror;
		exit->internal.ndata = run->internal.ndata > 16 ?
				       16 : run->internal.ndata;
		exit->internal.data = run->internal.data;
		break;
	case KVM_EXIT_HYPERCALL:
		exit->reason = VMEM_EXIT_HYPERCALL;
		exit->hypercall.nr = run->hypercall.nr;
		memcpy(exit->hypercall.args, run->hypercall.args,
		       sizeof(exit->hypercall.args));
		exit->hypercall.ret = (__u64 *)&run->hypercall.ret;
		break;
	case KVM_EXIT_INTR:
		exit->reason = VMEM_EXIT_INTR;
		break;
	default:
		exit->reason = VMEM_EXIT_UNKNOWN;
		break;
	}
	return 0;
}

static void kvm_request_exit_op(struct vmem_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

const struct vmem_backend_ops vmem_backend_kvm = {
	.name = "kvm",
	.dev_path = KVM_DEV_PATH,
	.vm_create = kvm_vm_create_op,
	.vm_destroy = kvm_vm_destroy_op,
	.vcpu_create = kvm_vcpu_create_op,
	.vcpu_destroy = kvm_vcpu_destroy_op,
	.read_guest = kvm_read_op,
	.write_guest = kvm_write_op,
	.get_regs = kvm_get_regs_op,
	.set_regs = kvm_set_regs_op,
	.get_sregs = kvm_get_sregs_op,
	.set_sregs = kvm_set_sregs_op,
	.set_cpuid = kvm_set_cpuid_op,
	.run = kvm_run_op,
	.request_exit = kvm_request_exit_op,
};
