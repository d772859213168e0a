// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects and the VM file descriptor.
 *
 * A VM is built in three steps: construct (pool reservation, hardware
 * enable, backend state), publish (id, unique name, global list, sysfs) and
 * expose (an anonymous-inode fd). Its reference count is held by that fd and
 * by every vCPU fd, so the fds may be closed in any order; the last put tears
 * everything down in reverse. All functions run in process context and may
 * sleep. Lock order: see vmem.h.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vmem.h"
#include "mm/pool.h"

static DEFINE_MUTEX(vmem_lock);
static LIST_HEAD(vmem_vms);		/* vmem_lock */
static DEFINE_IDA(vmem_vm_ida);
static struct kmem_cache *vm_cache;

atomic_t vmem_nr_vms = ATOMIC_INIT(0);

static void vm_kobj_release(struct kobject *kobj)
{
	kmem_cache_free(vm_cache, container_of(kobj, struct vmem_vm, kobj));
}

static const struct kobj_type vm_ktype;

/* Undo construction: vCPUs, backend state, hardware, reservation. */
static void vm_teardown(struct vmem_vm *vm)
{
	unsigned int i;

	for (i = 0; i < VMEM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vcpu_free(vm->vcpus[i]);
	vmem_mm_destroy(&vm->mm);
	vmem_hw_put();
	pool_unreserve(vm->min_size >> PAGE_SHIFT);
}

static void vm_unpublish(struct vmem_vm *vm)
{
	share_vm_remove(&vm->share);
	vmem_sysfs_del_vm(vm);
	mutex_lock(&vmem_lock);
	list_del(&vm->node);
	mutex_unlock(&vmem_lock);
	ida_free(&vmem_vm_ida, vm->id);
	atomic_dec(&vmem_nr_vms);
}

static void vm_release(struct kref *kref)
{
	struct vmem_vm *vm = container_of(kref, struct vmem_vm, kref);

	vm_unpublish(vm);
	vm_teardown(vm);
	kobject_put(&vm->kobj);
}

/** vm_get() - take a reference on @vm. */
void vm_get(struct vmem_vm *vm)
{
	kref_get(&vm->kref);
}

/** vm_put() - drop a reference on @vm; the last one destroys the VM. */
void vm_put(struct vmem_vm *vm)
{
	kref_put(&vm->kref, vm_release);
}

static bool __vm_name_taken(const char *name)
{
	struct vmem_vm *vm;

	list_for_each_entry(vm, &vmem_vms, node)
		if (!strcmp(vm->name, name))
			return true;
	return false;
}

/* Give the VM its id and name and make it visible. */
static int vm_publish(struct vmem_vm *vm)
{
	int id, r;

	mutex_lock(&vmem_lock);
	if (atomic_read(&vmem_nr_vms) >= READ_ONCE(vmem_max_vms)) {
		r = -ENOSPC;
		goto out;
	}
	id = ida_alloc_max(&vmem_vm_ida, INT_MAX, GFP_KERNEL);
	if (id < 0) {
		r = id;
		goto out;
	}
	vm->id = id;
	if (!vm->name[0]) {
		/*
		 * An automatic name must not fail because a user chose "vm<id>"
		 * for another VM: add a suffix until it is free (at most
		 * max_vms names exist, so this ends).
		 */
		unsigned int n = 0;

		snprintf(vm->name, sizeof(vm->name), "vm%d", id);
		while (__vm_name_taken(vm->name))
			snprintf(vm->name, sizeof(vm->name), "vm%d-%u", id, ++n);
	}
	if (__vm_name_taken(vm->name)) {
		ida_free(&vmem_vm_ida, id);
		r = -EEXIST;
		goto out;
	}
	list_add_tail(&vm->node, &vmem_vms);
	atomic_inc(&vmem_nr_vms);
	share_vm_add(&vm->share, &vm->mm);
	r = 0;
out:
	mutex_unlock(&vmem_lock);
	if (r)
		return r;

	r = vmem_sysfs_add_vm(vm);
	if (r)
		vm_unpublish(vm);
	return r;
}

#define VMEM_RW_MAX	(16 << 20)

static long vm_guest_rw(struct vmem_vm *vm, void __user *argp, bool write)
{
	struct vmem_guest_rw rw;

	if (copy_from_user(&rw, argp, sizeof(rw)))
		return -EFAULT;
	if (rw.flags || rw.reserved[0] || rw.reserved[1] || rw.reserved[2] ||
	    rw.len > VMEM_RW_MAX)
		return -EINVAL;
	if (write)
		return vmem_mm_write(&vm->mm, rw.gpa,
				     (const void __force *)u64_to_user_ptr(rw.buf),
				     rw.len, true);
	return vmem_mm_read(&vm->mm, rw.gpa, (void __force *)u64_to_user_ptr(rw.buf),
			    rw.len, true);
}

static long vm_get_stats(struct vmem_vm *vm, void __user *argp)
{
	struct vmem_vm_stats st = { 0 };
	unsigned int i;

	st.mem_pages = vm->mm.nr_pages;
	st.allocated = atomic64_read(&vm->mm.allocated);
	st.shared = atomic64_read(&vm->mm.shared);
	st.zero = atomic64_read(&vm->mm.zero);
	st.cow_breaks = atomic64_read(&vm->mm.cow_breaks);
	st.touched = atomic64_read(&vm->mm.touched);
	st.npt_faults = atomic64_read(&vm->mm.faults);
	st.slpt_pages = atomic64_read(&vm->mm.slpt.pages);
	st.overhead = vmem_mm_overhead(&vm->mm);
	mutex_lock(&vm->lock);
	for (i = 0; i < VMEM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			st.exits += READ_ONCE(vm->vcpus[i]->exits);
	mutex_unlock(&vm->lock);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static long vm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vmem_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	/* No lock is held across the switch; each case takes its own. */
	switch (cmd) {
	case VMEM_CREATE_VCPU:		/* vm->lock */
		return vcpu_create(vm, arg);
	case VMEM_READ_GUEST:		/* mm->lock per page */
		return vm_guest_rw(vm, argp, false);
	case VMEM_WRITE_GUEST:		/* mm->lock per page (frame_lock) */
		return vm_guest_rw(vm, argp, true);
	case VMEM_GET_VM_STATS:		/* vm->lock; counters are atomic */
		return vm_get_stats(vm, argp);
	case VMEM_DROP_MAPPINGS:	/* mm->lock, then the lockless flush */
		return arg ? -EINVAL : vmem_mm_drop_mappings(&vm->mm);
	default:
		return -ENOTTY;
	}
}

static int vm_file_release(struct inode *inode, struct file *filp)
{
	vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner = THIS_MODULE,
	.release = vm_file_release,
	.unlocked_ioctl = vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct vmem_vm *vm_construct(const struct vmem_vm_config *cfg)
{
	struct vmem_vm *vm;
	int r;

	vm = kmem_cache_zalloc(vm_cache, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	kobject_init(&vm->kobj, &vm_ktype);
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->node);
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->mem_size = cfg->mem_size;
	vm->min_size = cfg->min_size;
	vm->share.salt = cfg->salt;
	vm->shares = cfg->shares ? cfg->shares : VMEM_DEFAULT_SHARES;

	r = pool_reserve(vm->min_size >> PAGE_SHIFT);
	if (r)
		goto err_free;
	r = vmem_hw_get();
	if (r)
		goto err_unreserve;
	r = vmem_mm_init(&vm->mm, vm->mem_size >> PAGE_SHIFT, vmem_arch->slpt);
	if (r)
		goto err_hw;
	return vm;

err_hw:
	vmem_hw_put();
err_unreserve:
	pool_unreserve(vm->min_size >> PAGE_SHIFT);
err_free:
	kobject_put(&vm->kobj);
	return ERR_PTR(r);
}

/**
 * vmem_create_vm() - VMEM_CREATE_VM: build a VM and return its fd.
 * @ucfg: the configuration; id and name are written back.
 *
 * Return: the new fd, or -EFAULT, -EINVAL (bad config), -ENOMEM (no memory,
 * or the reservation does not fit in the pool), -EEXIST (name in use),
 * -ENOSPC (max_vms live VMs), -EBUSY (another hypervisor holds the CPU).
 */
long vmem_create_vm(struct vmem_vm_config __user *ucfg)
{
	struct vmem_vm_config cfg;
	struct vmem_vm *vm;
	struct file *file;
	int fd, r;

	if (copy_from_user(&cfg, ucfg, sizeof(cfg)))
		return -EFAULT;
	r = vmem_config_check(&cfg);
	if (r)
		return r;

	vm = vm_construct(&cfg);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	r = vm_publish(vm);
	if (r) {
		vm_teardown(vm);
		kobject_put(&vm->kobj);
		return r;
	}
	/* From here on the VM is complete: errors just drop the reference. */
	if (put_user(vm->id, &ucfg->id) ||
	    copy_to_user(ucfg->name, vm->name, sizeof(vm->name))) {
		r = -EFAULT;
		goto err_put;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_put;
	}
	file = anon_inode_getfile("vmem-vm", &vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		r = PTR_ERR(file);
		goto err_put;
	}
	fd_install(fd, file);
	return fd;

err_put:
	vm_put(vm);
	return r;
}

/* ---- sysfs: /sys/kernel/vmem/vms/<name>/ ---- */

#define VM_ATTR_RO(field, fmt)						\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct vmem_vm *vm = container_of(kobj, struct vmem_vm, kobj);	\
	return sysfs_emit(buf, fmt "\n", vm->field);			\
}									\
static struct kobj_attribute vm_attr_##field = __ATTR_RO(field)

VM_ATTR_RO(id, "%u");
VM_ATTR_RO(mem_size, "%llu");
VM_ATTR_RO(min_size, "%llu");
VM_ATTR_RO(shares, "%u");
VM_ATTR_RO(nr_vcpus, "%u");

#define VM_ATTR_MM(field)						\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct vmem_vm *vm = container_of(kobj, struct vmem_vm, kobj);	\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&vm->mm.field));	\
}									\
static struct kobj_attribute vm_attr_##field = __ATTR_RO(field)

VM_ATTR_MM(allocated);
VM_ATTR_MM(touched);
VM_ATTR_MM(shared);
VM_ATTR_MM(zero);
VM_ATTR_MM(cow_breaks);

static ssize_t overhead_pages_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	struct vmem_vm *vm = container_of(kobj, struct vmem_vm, kobj);

	return sysfs_emit(buf, "%llu\n", vmem_mm_overhead(&vm->mm));
}
static struct kobj_attribute vm_attr_overhead_pages = __ATTR_RO(overhead_pages);

static ssize_t salt_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vmem_vm *vm = container_of(kobj, struct vmem_vm, kobj);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(vm->share.salt));
}

static ssize_t salt_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct vmem_vm *vm = container_of(kobj, struct vmem_vm, kobj);
	u64 salt;
	int r = kstrtou64(buf, 0, &salt);

	if (r)
		return r;
	WRITE_ONCE(vm->share.salt, salt);
	return count;
}
static struct kobj_attribute vm_attr_salt = __ATTR_RW(salt);

static struct attribute *vm_attrs[] = {
	&vm_attr_id.attr,
	&vm_attr_mem_size.attr,
	&vm_attr_min_size.attr,
	&vm_attr_shares.attr,
	&vm_attr_salt.attr,
	&vm_attr_nr_vcpus.attr,
	&vm_attr_allocated.attr,
	&vm_attr_touched.attr,
	&vm_attr_shared.attr,
	&vm_attr_overhead_pages.attr,
	&vm_attr_zero.attr,
	&vm_attr_cow_breaks.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vm);

static const struct kobj_type vm_ktype = {
	.release = vm_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vm_groups,
};

/**
 * vmem_vm_init() - create the VM slab cache.
 * Return: 0 or -ENOMEM.
 */
int vmem_vm_init(void)
{
	vm_cache = KMEM_CACHE(vmem_vm, SLAB_ACCOUNT);
	return vm_cache ? 0 : -ENOMEM;
}

/**
 * vmem_vm_exit() - destroy the cache; every VM must be gone (the module
 * cannot be unloaded while a fd is open, so this holds). A leaked VM makes
 * kmem_cache_destroy() complain loudly, which the test sandbox catches.
 */
void vmem_vm_exit(void)
{
	kmem_cache_destroy(vm_cache);
	ida_destroy(&vmem_vm_ida);
}
