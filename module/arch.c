// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing the hardware backend at module load. Process context.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>

#include "arch_ops.h"

const struct vmem_arch_ops *vmem_arch;

static const struct vmem_arch_ops *const vmem_backends[] = {
	&vmem_svm_ops,
	&vmem_vmx_ops,
};

/*
 * Every op of the X-macro list must be filled in, and the optional ones come
 * in pairs: checked once, at load.
 */
static bool vmem_arch_complete(const struct vmem_arch_ops *ops)
{
#define VMEM_ARCH_OP_CHECK(ret, op, args)				\
	if (!ops->op) {							\
		pr_err("vmem: %s backend lacks op %s\n", ops->name, #op);	\
		return false;						\
	}
	VMEM_ARCH_OPS(VMEM_ARCH_OP_CHECK)
#undef VMEM_ARCH_OP_CHECK
	if (!ops->vcpu_load != !ops->vcpu_put) {
		pr_err("vmem: %s backend has only one of vcpu_load/vcpu_put\n",
		       ops->name);
		return false;
	}
	return true;
}

/**
 * vmem_arch_select() - pick the first backend whose probe accepts this CPU.
 *
 * Return: 0, or -ENODEV after logging each backend's reason for refusing
 * (only then: on an Intel CPU the SVM backend's refusal is no news).
 */
int vmem_arch_select(void)
{
	const char *why[ARRAY_SIZE(vmem_backends)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmem_backends); i++) {
		const struct vmem_arch_ops *ops = vmem_backends[i];

		why[i] = "incomplete ops table";
		if (!vmem_arch_complete(ops))
			continue;
		why[i] = "unknown reason";
		if (!ops->probe(&why[i])) {
			vmem_arch = ops;
			return 0;
		}
	}
	for (i = 0; i < ARRAY_SIZE(vmem_backends); i++)
		pr_err("vmem: %s backend unusable: %s\n",
		       vmem_backends[i]->name, why[i]);
	pr_err("vmem: no usable hardware virtualization; not loading\n");
	return -ENODEV;
}
