// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/vmem/: module-wide knobs and counters, and the vms/ directory
 * that holds one kobject per VM (its attributes live in vm.c).
 * Process context; attribute handlers may sleep.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "vmem.h"
#include "mm/pool.h"

static struct kobject *vmem_kobj;
static struct kobject *vms_kobj;

static ssize_t api_version_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return sysfs_emit(buf, "%d\n", VMEM_API_VERSION);
}

static ssize_t backend_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", vmem_arch->name);
}

static ssize_t nr_vms_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&vmem_nr_vms));
}

static ssize_t nr_vcpus_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&vmem_nr_vcpus));
}

static ssize_t hw_enabled_cpus_show(struct kobject *k,
				    struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&vmem_hw_cpus));
}

static ssize_t max_vms_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(vmem_max_vms));
}

static ssize_t max_vms_store(struct kobject *k, struct kobj_attribute *a,
			     const char *buf, size_t count)
{
	unsigned int v;
	int r = kstrtouint(buf, 0, &v);

	if (r)
		return r;
	if (v < 1 || v > VMEM_MAX_VMS_LIMIT)
		return -EINVAL;
	WRITE_ONCE(vmem_max_vms, v);
	return count;
}

static ssize_t pool_mb_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%llu\n", pool_size() >> (20 - PAGE_SHIFT));
}

static ssize_t pool_mb_store(struct kobject *k, struct kobj_attribute *a,
			     const char *buf, size_t count)
{
	u64 mb;
	int r = kstrtou64(buf, 0, &mb);

	if (r)
		return r;
	if (!mb || mb > (U64_MAX >> 20))
		return -EINVAL;
	r = pool_set_size(mb << (20 - PAGE_SHIFT));
	return r ? r : count;
}

static ssize_t pool_reserved_pages_show(struct kobject *k,
					struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%llu\n", pool_reserved());
}

static ssize_t pool_allocated_pages_show(struct kobject *k,
					 struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%llu\n", pool_allocated());
}

static ssize_t pool_overhead_pages_show(struct kobject *k,
					struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%llu\n", pool_overhead());
}

static ssize_t pool_free_pages_show(struct kobject *k,
				    struct kobj_attribute *a, char *buf)
{
	u64 size = pool_size(), used = pool_allocated() + pool_overhead();

	return sysfs_emit(buf, "%llu\n", size > used ? size - used : 0);
}

static struct kobj_attribute api_version_attr = __ATTR_RO(api_version);
static struct kobj_attribute backend_attr = __ATTR_RO(backend);
static struct kobj_attribute nr_vms_attr = __ATTR_RO(nr_vms);
static struct kobj_attribute nr_vcpus_attr = __ATTR_RO(nr_vcpus);
static struct kobj_attribute hw_enabled_cpus_attr = __ATTR_RO(hw_enabled_cpus);
static struct kobj_attribute max_vms_attr = __ATTR_RW(max_vms);
static struct kobj_attribute pool_mb_attr = __ATTR_RW(pool_mb);
static struct kobj_attribute pool_reserved_pages_attr =
	__ATTR_RO(pool_reserved_pages);
static struct kobj_attribute pool_allocated_pages_attr =
	__ATTR_RO(pool_allocated_pages);
static struct kobj_attribute pool_overhead_pages_attr =
	__ATTR_RO(pool_overhead_pages);
static struct kobj_attribute pool_free_pages_attr = __ATTR_RO(pool_free_pages);

static struct attribute *vmem_attrs[] = {
	&api_version_attr.attr,
	&backend_attr.attr,
	&nr_vms_attr.attr,
	&nr_vcpus_attr.attr,
	&hw_enabled_cpus_attr.attr,
	&max_vms_attr.attr,
	&pool_mb_attr.attr,
	&pool_reserved_pages_attr.attr,
	&pool_allocated_pages_attr.attr,
	&pool_overhead_pages_attr.attr,
	&pool_free_pages_attr.attr,
	NULL,
};

static const struct attribute_group vmem_attr_group = {
	.attrs = vmem_attrs,
};

/**
 * vmem_sysfs_add_vm() - show @vm under /sys/kernel/vmem/vms/<name>/.
 * @vm: a VM with its final name
 *
 * Return: 0 or -errno.
 */
int vmem_sysfs_add_vm(struct vmem_vm *vm)
{
	return kobject_add(&vm->kobj, vms_kobj, "%s", vm->name);
}

/**
 * vmem_sysfs_del_vm() - remove @vm's directory; waits for readers to leave.
 * @vm: the VM (its directory may never have been added)
 */
void vmem_sysfs_del_vm(struct vmem_vm *vm)
{
	if (vm->kobj.state_in_sysfs)
		kobject_del(&vm->kobj);
}

/**
 * vmem_sysfs_init() - create /sys/kernel/vmem/ and its vms/ directory.
 * Return: 0 or -errno.
 */
int vmem_sysfs_init(void)
{
	int r;

	vmem_kobj = kobject_create_and_add("vmem", kernel_kobj);
	if (!vmem_kobj)
		return -ENOMEM;
	r = sysfs_create_group(vmem_kobj, &vmem_attr_group);
	if (r)
		goto err;
	r = sysfs_create_group(vmem_kobj, &share_attr_group);
	if (r)
		goto err;
	vms_kobj = kobject_create_and_add("vms", vmem_kobj);
	if (!vms_kobj) {
		r = -ENOMEM;
		goto err;
	}
	return 0;
err:
	kobject_put(vmem_kobj);
	return r;
}

/** vmem_sysfs_exit() - remove /sys/kernel/vmem/. */
void vmem_sysfs_exit(void)
{
	kobject_put(vms_kobj);
	kobject_put(vmem_kobj);
}
