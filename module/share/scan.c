// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Overview of content-based page sharing (paper §4)
 *
 * Guests often hold identical pages (the same kernel, libraries, zeroed
 * memory). vmem finds them by content, without any help from the guest,
 * keeps one machine page per content, maps it read-only into every guest
 * page that has it, and copies on write. The pipeline, file by file:
 *
 *  1. share/scan.c (here): the vmem-share kthread picks random guest pages
 *     of each VM (vmem_mm_random_ppn(), mm/pmap.c) within a rate budget.
 *  2. share/merge.c, share_scan_page(): hash the page (xxh64) without
 *     stopping the guest (vmem_mm_peek(), mm/freeze.c), then look the
 *     hash and the VM's salt up in share/table.c: a shared frame, a hint
 *     (a page seen once), or nothing (the page becomes a hint).
 *  3. mm/freeze.c: before content is trusted, the candidate page is frozen
 *     (write-protected in the second-level tables, then flushed from every
 *     vCPU, mm/tlb.c); the full page is compared with the frame's or the
 *     hinted page's, and the pmap entry moves to the frame
 *     (vmem_mm_share(), or vmem_mm_promote() to make a hinted page a new
 *     frame, or vmem_mm_zero() for the zero page). A guest write to a
 *     frozen page faults and ends the freeze, so the merge gives up.
 *  4. mm/frame.c: frames are reference-counted machine pages; mm/fault.c
 *     breaks copy on write when a guest writes one (the last sharer keeps
 *     the page without a copy), and releases references with the VM.
 *
 * docs/design.md ("Page sharing", "Page states", "The flush rule") has the
 * state diagram and the reasoning.
 *
 * The sharing scanner: one kthread that visits the VMs round-robin every
 * tick (20 ms) and examines random pages of each (paper §4.2: "pages are
 * scanned at random"), within a global budget (scan_rate pages per second)
 * and a per-VM one (vm_scan_rate), so that one large VM cannot starve the
 * others and the whole costs a bounded amount of CPU; like ksmd it runs at
 * nice 5. When a tick finds no private page anywhere there is nothing to
 * gain and it sleeps a second; while sharing is off or no VM exists it
 * sleeps until woken.
 *
 * Defaults: 5,000 pages/s in all (KSM's default, 100 pages every 20 ms)
 * and 2,000 pages/s per VM: on a real CPU, xxh64 over a page takes about
 * a microsecond, so the scanner costs well under 1% of one core, while a
 * 4 GiB guest is covered about once every nine minutes.
 *
 * share_vms_lock (spinlock) guards the VM list and each VM's marks. The
 * scanner marks the VM it works on (@scanning) and the VM of a hint it is
 * merging with (@pinned) instead of taking references; a VM's teardown
 * unlists it and waits for both marks to clear. So the last close of a VM
 * frees it at once, never later in the scanner. Process context.
 */
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "share_internal.h"

#define SHARE_TICK_MS	20

bool share_enabled = true;
module_param_named(share_enabled, share_enabled, bool, 0444);
MODULE_PARM_DESC(share_enabled, "Content-based page sharing on (default 1; also /sys/kernel/vmem/share/enabled)");
unsigned int share_scan_rate = 5000;
module_param_named(share_scan_rate, share_scan_rate, uint, 0444);
MODULE_PARM_DESC(share_scan_rate, "Pages examined per second, all VMs together (default 5000)");
unsigned int share_vm_scan_rate = 2000;
module_param_named(share_vm_scan_rate, share_vm_scan_rate, uint, 0444);
MODULE_PARM_DESC(share_vm_scan_rate, "Pages examined per second in one VM at most (default 2000)");
bool share_zero_across_salts = true;
module_param_named(share_zero_across_salts, share_zero_across_salts, bool, 0444);
MODULE_PARM_DESC(share_zero_across_salts, "Map zero pages of all VMs to one zero page regardless of salt (default 1)");
unsigned int share_debug_hash_bits;
module_param_named(share_debug_hash_bits, share_debug_hash_bits, uint, 0444);
MODULE_PARM_DESC(share_debug_hash_bits, "Debug only: keep this many hash bits (0: all 64) to force collisions");

static DEFINE_SPINLOCK(share_vms_lock);
static LIST_HEAD(share_vms);		/* share_vms_lock */
static DECLARE_WAIT_QUEUE_HEAD(share_wq);
static DECLARE_WAIT_QUEUE_HEAD(share_done_wq);	/* a VM's marks cleared */
static struct task_struct *share_thread;

/** share_wake() - a knob changed or a VM appeared: look again. */
void share_wake(void)
{
	wake_up_interruptible(&share_wq);
}

static bool share_vm_busy(struct vmem_share_vm *sv)
{
	bool busy;

	spin_lock(&share_vms_lock);
	busy = sv->scanning || sv->pinned;
	spin_unlock(&share_vms_lock);
	return busy;
}

/**
 * share_vm_pin() - keep a VM from being torn down while the scanner works
 * with one of its hinted pages. Any context up to share_lock.
 * @sv: the VM of a hint
 *
 * Return: false if the VM is already being torn down (unlisted).
 */
bool share_vm_pin(struct vmem_share_vm *sv)
{
	bool listed;

	spin_lock(&share_vms_lock);
	listed = !list_empty(&sv->node);
	if (listed)
		sv->pinned = true;
	spin_unlock(&share_vms_lock);
	return listed;
}

/**
 * share_vm_unpin() - undo share_vm_pin().
 * @sv: the VM
 */
void share_vm_unpin(struct vmem_share_vm *sv)
{
	spin_lock(&share_vms_lock);
	sv->pinned = false;
	spin_unlock(&share_vms_lock);
	wake_up_all(&share_done_wq);
}

/**
 * share_vm_add() - let the scanner visit a new VM.
 * @sv: the VM's part in sharing, its salt set
 * @mm: the VM's memory, fully constructed
 */
void share_vm_add(struct vmem_share_vm *sv, struct vmem_mm *mm)
{
	sv->mm = mm;
	xa_init(&sv->hints);
	spin_lock(&share_vms_lock);
	list_add_tail(&sv->node, &share_vms);
	spin_unlock(&share_vms_lock);
	share_wake();
}

/**
 * share_vm_remove() - a VM is being destroyed: stop visiting it and drop
 * its hints. Its frames are released with its pmap.
 * @sv: the VM, whose last reference is gone
 */
void share_vm_remove(struct vmem_share_vm *sv)
{
	spin_lock(&share_vms_lock);
	list_del_init(&sv->node);
	spin_unlock(&share_vms_lock);
	wait_event(share_done_wq, !share_vm_busy(sv));
	share_vm_forget_hints(sv);
}

/* The next VM in round-robin order, marked as being scanned, or NULL. */
static struct vmem_share_vm *share_next_vm(void)
{
	struct vmem_share_vm *sv = NULL, *v;

	spin_lock(&share_vms_lock);
	list_for_each_entry(v, &share_vms, node) {
		if (v->budget) {
			sv = v;
			break;
		}
	}
	if (sv) {
		sv->scanning = true;
		/* Rotate so that the next tick starts with someone else. */
		list_move_tail(&sv->node, &share_vms);
	}
	spin_unlock(&share_vms_lock);
	return sv;
}

static void share_vm_done(struct vmem_share_vm *sv)
{
	spin_lock(&share_vms_lock);
	sv->scanning = false;
	spin_unlock(&share_vms_lock);
	wake_up_all(&share_done_wq);
}

static void share_scan_vm(struct vmem_share_vm *sv, u64 n, u64 *examined)
{
	u64 i, held;

	for (i = 0; i < n; i++) {
		ppn_t ppn = vmem_mm_random_ppn(sv->mm);

		if (ppn == U64_MAX)
			break;
		if (share_scan_page(sv, ppn))
			(*examined)++;
		/* One full scan's worth: as many pages as the VM holds. */
		held = atomic64_read(&sv->mm->allocated) +
		       atomic64_read(&sv->mm->shared);
		if (++sv->scanned >= held && held) {
			sv->scanned = 0;
			atomic64_inc(&share_stats.full_scans);
		}
		cond_resched();
	}
}

/* One tick: returns the number of private pages examined. */
static u64 share_tick(void)
{
	u64 global = max(1U, READ_ONCE(share_scan_rate) * SHARE_TICK_MS / 1000);
	u64 per_vm = max(1U, READ_ONCE(share_vm_scan_rate) * SHARE_TICK_MS / 1000);
	struct vmem_share_vm *sv;
	u64 examined = 0, n;

	spin_lock(&share_vms_lock);
	list_for_each_entry(sv, &share_vms, node)
		sv->budget = per_vm;
	spin_unlock(&share_vms_lock);

	while (global && (sv = share_next_vm())) {
		n = min(global, sv->budget);
		sv->budget = 0;
		global -= n;
		share_scan_vm(sv, n, &examined);
		share_vm_done(sv);
	}
	return examined;
}

static bool share_has_work(void)
{
	bool work;

	spin_lock(&share_vms_lock);
	work = READ_ONCE(share_enabled) && !list_empty(&share_vms);
	spin_unlock(&share_vms_lock);
	return work;
}

static int share_thread_fn(void *unused)
{
	/* Background work, like ksmd: it yields to the guests' vCPU threads. */
	set_user_nice(current, 5);
	while (!kthread_should_stop()) {
		long sleep = msecs_to_jiffies(SHARE_TICK_MS);

		if (!share_has_work()) {
			wait_event_interruptible(share_wq, kthread_should_stop() ||
						 share_has_work());
			continue;
		}
		if (!share_tick())
			sleep = HZ;	/* nothing private to look at */
		wait_event_interruptible_timeout(share_wq,
						 kthread_should_stop(), sleep);
	}
	return 0;
}

/**
 * share_init() - create the table and start the scanner.
 * Return: 0 or -errno.
 */
int share_init(void)
{
	int r = share_table_init();

	if (r)
		return r;
	share_thread = kthread_run(share_thread_fn, NULL, "vmem-share");
	if (IS_ERR(share_thread)) {
		share_table_exit();
		return PTR_ERR(share_thread);
	}
	return 0;
}

/** share_exit() - stop the scanner; every VM is already gone. */
void share_exit(void)
{
	kthread_stop(share_thread);
	share_table_exit();
}
