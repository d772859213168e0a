// SPDX-License-Identifier: GPL-2.0
/*
 * hello: every vCPU greets through the emulated 8250 UART, taking turns
 * with a spinlock; vCPU 0 waits for all of them and exits with status 0.
 *	vmemctl run --cpus 4 hello.elf
 */
#include "guest.h"

static volatile int console_lock;
static volatile u64 greeted;

int guest_main(u64 id, u64 nr_cpus, u64 mem_size)
{
	use_uart = 1;
	spin_lock(&console_lock);
	puts("hello from vCPU ");
	putdec(id);
	puts(" of ");
	putdec(nr_cpus);
	puts(" (");
	putdec(mem_size >> 20);
	puts(" MiB of guest memory)\n");
	spin_unlock(&console_lock);
	__atomic_add_fetch(&greeted, 1, __ATOMIC_RELEASE);

	if (id == 0) {
		wait_for(&greeted, nr_cpus);
		puts("all vCPUs said hello\n");
	}
	return 0;
}
