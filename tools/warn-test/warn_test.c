// SPDX-License-Identifier: GPL-2.0
/*
 * warn_test - a throwaway module for tools/sandbox-selfcheck.
 *
 * Its init function fires one WARN() and then fails with -EAGAIN, so the
 * module never stays loaded: loading it is a way for a userspace command to
 * put a WARN splat into the kernel log, which tools/sandbox must catch.
 * Runs in process context (insmod) and may sleep.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init warn_test_init(void)
{
	WARN(1, "vmem sandbox selfcheck");
	return -EAGAIN;
}
module_init(warn_test_init);

MODULE_DESCRIPTION("WARN once on load, for the vmem sandbox self-check");
MODULE_LICENSE("GPL");
