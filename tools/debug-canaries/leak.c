// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberate memory leak, to prove that `make check-debug` catches one:
 * allocations whose only pointers are dropped. kmemleak must report them
 * ("unreferenced object"; the hex dump shows the marker string).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define CANARY_MARK "vmem-canary-leak"

static noinline void canary_leak(void)
{
	char *p;
	int i;

	/* A few, so that one stray copy of a pointer cannot hide them all. */
	for (i = 0; i < 4; i++) {
		p = kmalloc(96, GFP_KERNEL);
		if (p)
			strscpy(p, CANARY_MARK, 96);
		/* ... and forget p. */
	}
}

static int __init canary_init(void)
{
	canary_leak();
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("vmem check-debug canary: leaks memory on purpose");
MODULE_LICENSE("GPL");
