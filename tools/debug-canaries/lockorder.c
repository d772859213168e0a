// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberate lock-order inversion, to prove that `make check-debug`
 * catches one: A then B, later B then A, in one thread (so it cannot
 * deadlock here). lockdep must report "possible circular locking
 * dependency" naming canary_lock_a and canary_lock_b.
 */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(canary_lock_a);
static DEFINE_MUTEX(canary_lock_b);

static int __init canary_init(void)
{
	mutex_lock(&canary_lock_a);
	mutex_lock(&canary_lock_b);
	mutex_unlock(&canary_lock_b);
	mutex_unlock(&canary_lock_a);

	mutex_lock(&canary_lock_b);
	mutex_lock(&canary_lock_a);
	mutex_unlock(&canary_lock_a);
	mutex_unlock(&canary_lock_b);
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("vmem check-debug canary: takes two mutexes in both orders");
MODULE_LICENSE("GPL");
