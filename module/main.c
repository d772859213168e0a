// SPDX-License-Identifier: GPL-2.0
/*
 * vmem module entry: parameters, /dev/vmem and the init/exit order.
 *
 * /dev/vmem is a misc device (mode 0600); its ioctls answer the API version
 * and extensions and create VMs. Process context throughout.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "vmem.h"
#include "mm/pool.h"

unsigned int vmem_max_vms = 256;

static int max_vms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int r = kstrtouint(val, 0, &v);

	if (r)
		return r;
	if (v < 1 || v > VMEM_MAX_VMS_LIMIT)
		return -EINVAL;
	vmem_max_vms = v;
	return 0;
}

static const struct kernel_param_ops max_vms_ops = {
	.set = max_vms_set,
	.get = param_get_uint,
};
module_param_cb(max_vms, &max_vms_ops, &vmem_max_vms, 0444);
MODULE_PARM_DESC(max_vms, "Most VMs alive at once, 1..4096 (default 256; also in /sys/kernel/vmem/max_vms)");

static long vmem_check_extension(unsigned long cap)
{
	switch (cap) {
	case VMEM_CAP_SVM:
	case VMEM_CAP_VMX:
		return vmem_arch->cap == cap;
	case VMEM_CAP_MAX_VCPUS:
		return VMEM_MAX_VCPUS;
	case VMEM_CAP_MAX_MEM_SIZE_SHIFT:
		return ilog2(VMEM_MAX_MEM_SIZE);
	default:
		return 0;
	}
}

static long vmem_dev_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	/* No lock is held across the switch; each case takes its own. */
	switch (cmd) {
	case VMEM_GET_API_VERSION:
		return arg ? -EINVAL : VMEM_API_VERSION;
	case VMEM_CREATE_VM:	/* pool_lock; hw_lock; vmem_lock, share_vms_lock */
		return vmem_create_vm((struct vmem_vm_config __user *)arg);
	case VMEM_CHECK_EXTENSION:
		return vmem_check_extension(arg);
	case VMEM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : VMEM_RUN_PAGES * PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmem_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vmem_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vmem_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmem",
	.fops = &vmem_dev_fops,
	.mode = 0600,
};

static int __init vmem_init(void)
{
	int r;

	r = vmem_arch_select();
	if (r)
		return r;
	r = pool_init();
	if (r)
		goto err_arch;
	r = frame_init();
	if (r)
		goto err_arch;
	vmem_run_init();
	r = vmem_vm_init();
	if (r)
		goto err_frame;
	r = vmem_hw_init();
	if (r)
		goto err_vm;
	r = share_init();
	if (r)
		goto err_hw;
	r = vmem_sysfs_init();
	if (r)
		goto err_share;
	/* Must come last: after this, /dev/vmem is open to userspace. */
	r = misc_register(&vmem_dev);
	if (r)
		goto err_sysfs;
	pr_info("vmem: %s backend, pool %llu MiB, API version %d\n",
		vmem_arch->name, pool_size() >> (20 - PAGE_SHIFT),
		VMEM_API_VERSION);
	return 0;

err_sysfs:
	vmem_sysfs_exit();
err_share:
	share_exit();
err_hw:
	vmem_hw_exit();
err_vm:
	vmem_vm_exit();
err_frame:
	frame_exit();
err_arch:
	vmem_arch->unsetup();
	return r;
}

static void __exit vmem_exit(void)
{
	misc_deregister(&vmem_dev);
	/* No VM is left; stop the scanner before what it uses goes away. */
	share_exit();
	vmem_sysfs_exit();
	vmem_hw_exit();
	vmem_vm_exit();
	frame_exit();
	vmem_arch->unsetup();
	WARN(pool_allocated() || pool_overhead(),
	     "vmem: %llu guest and %llu overhead pages still allocated at unload\n",
	     pool_allocated(), pool_overhead());
}

module_init(vmem_init);
module_exit(vmem_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmem: a hypervisor with ESX-style memory resource management");
