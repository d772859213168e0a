// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects and the vCPU file descriptor.
 *
 * A vCPU lives as long as its VM: closing the vCPU fd drops the fd's VM
 * reference, and the vCPU itself is freed when the VM is torn down. The run
 * pages are mapped into userspace by mmap(); the mapping pins the file, so
 * the pages outlive every user mapping. Process context, may sleep.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xstate.h>

#include "vmem.h"

atomic_t vmem_nr_vcpus = ATOMIC_INIT(0);

#define RFLAGS_RESERVED	(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

static void vcpu_get_regs(struct vmem_vcpu *vcpu, struct vmem_regs *r)
{
	u64 *g = vcpu->regs;

	r->rax = g[VCPU_REGS_RAX]; r->rbx = g[VCPU_REGS_RBX];
	r->rcx = g[VCPU_REGS_RCX]; r->rdx = g[VCPU_REGS_RDX];
	r->rsi = g[VCPU_REGS_RSI]; r->rdi = g[VCPU_REGS_RDI];
	r->rsp = g[VCPU_REGS_RSP]; r->rbp = g[VCPU_REGS_RBP];
	r->r8 = g[VCPU_REGS_R8];   r->r9 = g[VCPU_REGS_R9];
	r->r10 = g[VCPU_REGS_R10]; r->r11 = g[VCPU_REGS_R11];
	r->r12 = g[VCPU_REGS_R12]; r->r13 = g[VCPU_REGS_R13];
	r->r14 = g[VCPU_REGS_R14]; r->r15 = g[VCPU_REGS_R15];
	r->rip = vcpu->rip;
	r->rflags = vcpu->rflags;
}

static int vcpu_set_regs(struct vmem_vcpu *vcpu, const struct vmem_regs *r)
{
	u64 *g = vcpu->regs;

	if (r->rflags & RFLAGS_RESERVED)
		return -EINVAL;
	g[VCPU_REGS_RAX] = r->rax; g[VCPU_REGS_RBX] = r->rbx;
	g[VCPU_REGS_RCX] = r->rcx; g[VCPU_REGS_RDX] = r->rdx;
	g[VCPU_REGS_RSI] = r->rsi; g[VCPU_REGS_RDI] = r->rdi;
	g[VCPU_REGS_RSP] = r->rsp; g[VCPU_REGS_RBP] = r->rbp;
	g[VCPU_REGS_R8] = r->r8;   g[VCPU_REGS_R9] = r->r9;
	g[VCPU_REGS_R10] = r->r10; g[VCPU_REGS_R11] = r->r11;
	g[VCPU_REGS_R12] = r->r12; g[VCPU_REGS_R13] = r->r13;
	g[VCPU_REGS_R14] = r->r14; g[VCPU_REGS_R15] = r->r15;
	vcpu->rip = r->rip;
	vcpu->rflags = r->rflags | X86_EFLAGS_FIXED;
	return 0;
}

static bool sregs_reserved_zero(const struct vmem_sregs *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->reserved); i++)
		if (s->reserved[i])
			return false;
	return true;
}

/*
 * Runs with vcpu->mutex held (every case); the locks a case takes besides
 * are noted on it.
 */
static long __vcpu_ioctl(struct vmem_vcpu *vcpu, unsigned int cmd,
			 void __user *argp)
{
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	int r;

	switch (cmd) {
	case VMEM_RUN:		/* mm->lock, frame_lock; the flush: none */
		return argp ? -EINVAL : vcpu_run(vcpu);
	case VMEM_GET_REGS:	/* nothing more */
		vcpu_get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	case VMEM_SET_REGS:	/* nothing more */
		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		return vcpu_set_regs(vcpu, &regs);
	case VMEM_GET_SREGS:	/* nothing more */
		vmem_arch->get_sregs(vcpu, &sregs);
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	case VMEM_SET_SREGS:	/* nothing more */
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		if (!sregs_reserved_zero(&sregs))
			return -EINVAL;
		r = vmem_arch->set_sregs(vcpu, &sregs);
		return r;
	case VMEM_SET_CPUID:	/* nothing more */
		return vcpu_set_cpuid(vcpu, argp);
	default:
		return -ENOTTY;
	}
}

static long vcpu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vmem_vcpu *vcpu = filp->private_data;
	long r;

	if (_IOC_TYPE(cmd) != VMEMIO)
		return -ENOTTY;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	r = __vcpu_ioctl(vcpu, cmd, (void __user *)arg);
	mutex_unlock(&vcpu->mutex);
	return r;
}

static vm_fault_t vcpu_run_fault(struct vm_fault *vmf)
{
	struct vmem_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff >= VMEM_RUN_PAGES)
		return VM_FAULT_SIGBUS;
	page = vcpu->run_pages[vmf->pgoff];
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_run_vm_ops = {
	.fault = vcpu_run_fault,
};

static int vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff >= VMEM_RUN_PAGES ||
	    vma_pages(vma) > VMEM_RUN_PAGES - vma->vm_pgoff)
		return -EINVAL;
	vma->vm_ops = &vcpu_run_vm_ops;
	return 0;
}

static int vcpu_file_release(struct inode *inode, struct file *filp)
{
	struct vmem_vcpu *vcpu = filp->private_data;

	vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner = THIS_MODULE,
	.release = vcpu_file_release,
	.unlocked_ioctl = vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vcpu_mmap,
	.llseek = noop_llseek,
};

static void vcpu_free_run_pages(struct vmem_vcpu *vcpu)
{
	unsigned int i;

	for (i = 0; i < VMEM_RUN_PAGES; i++)
		if (vcpu->run_pages[i])
			__free_page(vcpu->run_pages[i]);
}

static struct vmem_vcpu *vcpu_alloc(struct vmem_vm *vm, u32 id)
{
	struct vmem_vcpu *vcpu;
	unsigned int i;
	int r;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	for (i = 0; i < VMEM_RUN_PAGES; i++) {
		vcpu->run_pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!vcpu->run_pages[i]) {
			r = -ENOMEM;
			goto err;
		}
	}
	vcpu->run = page_address(vcpu->run_pages[0]);
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu)) {
		r = -ENOMEM;
		goto err;
	}
	/*
	 * Without OSXSAVE on the host there is no XCR0 to switch: the guest
	 * gets none (its XSETBV raises #GP, and CPUID leaf 0xD reports 0).
	 */
	if (vmem_host_xcr0)
		vcpu->supported_xcr0 = vcpu->guest_fpu.fpstate->user_xfeatures &
				       vmem_host_xcr0 & VMEM_GUEST_XFEATURES;
	vcpu->xcr0 = vmem_host_xcr0 ? XFEATURE_MASK_FP : 0;
	r = vcpu_cpuid_init(vcpu);
	if (r)
		goto err_fpu;
	r = vmem_arch->vcpu_create(vcpu);
	if (r)
		goto err_cpuid;
	return vcpu;
err_cpuid:
	kfree(vcpu->cpuid);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err:
	vcpu_free_run_pages(vcpu);
	kfree(vcpu);
	return ERR_PTR(r);
}

/**
 * vcpu_free() - free a vCPU.
 * @vcpu: the vCPU; called only from VM teardown, when no fd and no mapping
 *        of its run pages can remain.
 */
void vcpu_free(struct vmem_vcpu *vcpu)
{
	vmem_arch->vcpu_free(vcpu);
	kfree(vcpu->cpuid);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	vcpu_free_run_pages(vcpu);
	kfree(vcpu);
	atomic_dec(&vmem_nr_vcpus);
}

/**
 * vcpu_create() - VMEM_CREATE_VCPU: add vCPU @id to @vm, return its fd.
 * @vm: the VM
 * @id: the vCPU id, below VMEM_MAX_VCPUS
 *
 * Return: the fd, or -EINVAL (id out of range), -EEXIST (id in use),
 * -ENOMEM, or -EMFILE.
 */
int vcpu_create(struct vmem_vm *vm, unsigned long id)
{
	struct vmem_vcpu *vcpu;
	struct file *file;
	int fd, r;

	if (id >= VMEM_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto out_unlock;
	}
	vcpu = vcpu_alloc(vm, id);
	if (IS_ERR(vcpu)) {
		r = PTR_ERR(vcpu);
		goto out_unlock;
	}
	atomic_inc(&vmem_nr_vcpus);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_free;
	}
	file = anon_inode_getfile("vmem-vcpu", &vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err_free;
	}
	vm_get(vm);		/* the fd's reference, dropped on release */
	vm->vcpus[id] = vcpu;
	vm->nr_vcpus++;
	tlb_domain_add(&vm->mm.tlb, id, &vcpu->tlb);
	mutex_unlock(&vm->lock);
	fd_install(fd, file);
	return fd;

err_free:
	vcpu_free(vcpu);
out_unlock:
	mutex_unlock(&vm->lock);
	return r;
}
