// SPDX-License-Identifier: GPL-2.0
/*
 * Content-based page sharing. Most tests use bare VMs whose pages only the
 * host writes (VMEM_WRITE_GUEST), so every count is exact; the stress test
 * runs real vCPUs that keep writing checksummed pages while the scanner
 * shares them and their writes break the sharing again.
 *
 * The scanner is asynchronous: tests raise its rates, then poll the
 * counters until the expected state or a generous deadline.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

#define PAGE		4096
#define N		256		/* pages per VM */
#define DEADLINE_S	90

static const char *const knobs[] = { "enabled", "scan_rate", "vm_scan_rate",
				     "zero_across_salts", "debug_hash_bits" };
#define NR_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

static int knob_set(const char *knob, long long v)
{
	char path[128];

	snprintf(path, sizeof(path), "share/%s", knob);
	return vmemsysfs_write_num(path, v);
}

static long long share_counter(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "share/%s", name);
	return vmemsysfs_num(path);
}

FIXTURE(share) {
	int dev;
	long long saved[NR_KNOBS];
};

FIXTURE_SETUP(share)
{
	unsigned int i;

	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, vmemsysfs_num("nr_vms"));
	for (i = 0; i < NR_KNOBS; i++)
		self->saved[i] = share_counter(knobs[i]);
	ASSERT_EQ(0, knob_set("scan_rate", 200000));
	ASSERT_EQ(0, knob_set("vm_scan_rate", 200000));
	ASSERT_EQ(0, knob_set("enabled", 1));
}

FIXTURE_TEARDOWN(share)
{
	unsigned int i;

	for (i = 0; i < NR_KNOBS; i++)
		knob_set(knobs[i], self->saved[i]);
	close(self->dev);
}

struct bare_vm {
	int fd;
	char name[VMEM_NAME_LEN];
};

static int bare_vm(int dev, struct bare_vm *vm, __u64 salt)
{
	struct vmem_vm_config cfg = vmem_config(4 << 20);

	cfg.salt = salt;
	vm->fd = vmemio_create_vm(dev, &cfg);
	memcpy(vm->name, cfg.name, sizeof(vm->name));
	return vm->fd;
}

static struct vmem_vm_stats vm_stats(struct bare_vm *vm)
{
	struct vmem_vm_stats st;

	memset(&st, 0xff, sizeof(st));
	vmemio_get_vm_stats(vm->fd, &st);
	return st;
}

/* Page @i of a set: distinct, non-zero content derived from @seed. */
static void fill_page(unsigned char *p, unsigned int i, unsigned int seed)
{
	__u64 *q = (__u64 *)p, x = (seed + 1ULL) * 0x9e3779b97f4a7c15ULL + i;
	unsigned int w;

	for (w = 0; w < PAGE / 8; w++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		q[w] = x;
	}
}

static int write_pages(struct bare_vm *vm, unsigned int seed)
{
	static unsigned char buf[N * PAGE];
	unsigned int i;

	for (i = 0; i < N; i++)
		fill_page(buf + i * PAGE, i, seed);
	return vmemio_write_guest(vm->fd, 0, buf, sizeof(buf));
}

/* 1 if all N pages of @vm hold the content of @seed. */
static int pages_are(struct bare_vm *vm, unsigned int seed)
{
	static unsigned char buf[N * PAGE], want[PAGE];
	unsigned int i;

	if (vmemio_read_guest(vm->fd, 0, buf, sizeof(buf)))
		return 0;
	for (i = 0; i < N; i++) {
		fill_page(want, i, seed);
		if (memcmp(buf + i * PAGE, want, PAGE))
			return 0;
	}
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll @cond every 20 ms until true or the deadline; evaluates to it. */
/* The value that ended the wait: evaluated once per try, never re-read. */
#define WAIT_FOR(cond) ({						\
	double __end = now() + DEADLINE_S;				\
	bool __ok;							\
	while (!(__ok = (cond)) && now() < __end)			\
		usleep(20000);						\
	__ok;								\
})

/* Let the scanner look at every page several times over. */
static void let_scanner_run(unsigned long long pages)
{
	long long start = share_counter("pages_scanned");

	WAIT_FOR(share_counter("pages_scanned") >= start + (long long)pages);
}

TEST_F_TIMEOUT(share, share_identical_pages_across_vms, 200)
{
	struct bare_vm a, b;
	long long pool0;

	ASSERT_LE(0, bare_vm(self->dev, &a, 0));
	ASSERT_LE(0, bare_vm(self->dev, &b, 0));
	pool0 = vmemsysfs_num("pool_allocated_pages");
	ASSERT_EQ(0, write_pages(&a, 1));
	ASSERT_EQ(0, write_pages(&b, 1));
	EXPECT_EQ(pool0 + 2 * N, vmemsysfs_num("pool_allocated_pages"));
	ASSERT_TRUE(WAIT_FOR(vm_stats(&a).shared == N && vm_stats(&b).shared == N))
		TH_LOG("shared: %llu and %llu of %d", vm_stats(&a).shared,
		       vm_stats(&b).shared, N);
	EXPECT_EQ(0, vm_stats(&a).allocated);
	EXPECT_EQ(0, vm_stats(&b).allocated);
	EXPECT_EQ(N, share_counter("pages_shared"));
	EXPECT_EQ(2 * N, share_counter("pages_sharing"));
	EXPECT_EQ(N * PAGE, share_counter("bytes_saved"));
	EXPECT_EQ(pool0 + N, vmemsysfs_num("pool_allocated_pages"));
	EXPECT_TRUE(pages_are(&a, 1));
	EXPECT_TRUE(pages_are(&b, 1));
	close(a.fd);
	close(b.fd);
	EXPECT_EQ(pool0, vmemsysfs_num("pool_allocated_pages"));
	EXPECT_EQ(0, share_counter("pages_shared"));
	EXPECT_EQ(0, share_counter("pages_sharing"));
	EXPECT_EQ(0, share_counter("hints"));
}

TEST_F_TIMEOUT(share, share_write_after_sharing_is_private, 200)
{
	static unsigned char page[PAGE];
	struct vmem_vm_stats st;
	struct bare_vm a, b;
	long long pool;
	unsigned int i;

	ASSERT_LE(0, bare_vm(self->dev, &a, 0));
	ASSERT_LE(0, bare_vm(self->dev, &b, 0));
	ASSERT_EQ(0, write_pages(&a, 2));
	ASSERT_EQ(0, write_pages(&b, 2));
	ASSERT_TRUE(WAIT_FOR(vm_stats(&a).shared == N && vm_stats(&b).shared == N));
	ASSERT_EQ(0, knob_set("enabled", 0));	/* hold the state still */

	/* A rewrites the first half: each write copies, B keeps its data. */
	pool = vmemsysfs_num("pool_allocated_pages");
	for (i = 0; i < N / 2; i++) {
		fill_page(page, i, 3);
		ASSERT_EQ(0, vmemio_write_guest(a.fd, (__u64)i * PAGE, page,
						PAGE));
	}
	st = vm_stats(&a);
	EXPECT_EQ(N / 2, st.cow_breaks);
	EXPECT_EQ(N / 2, st.allocated);
	EXPECT_EQ(N / 2, st.shared);
	EXPECT_EQ(pool + N / 2, vmemsysfs_num("pool_allocated_pages"));
	EXPECT_TRUE(pages_are(&b, 2));

	/* B is now the last sharer of those frames: it gets them without a copy. */
	pool = vmemsysfs_num("pool_allocated_pages");
	for (i = 0; i < N / 2; i++) {
		fill_page(page, i, 4);
		ASSERT_EQ(0, vmemio_write_guest(b.fd, (__u64)i * PAGE, page,
						PAGE));
	}
	st = vm_stats(&b);
	EXPECT_EQ(N / 2, st.cow_breaks);
	EXPECT_EQ(pool, vmemsysfs_num("pool_allocated_pages"));
	EXPECT_EQ(N / 2, share_counter("pages_shared"));
	for (i = 0; i < N / 2; i++) {
		unsigned char got[PAGE];

		fill_page(page, i, 3);
		ASSERT_EQ(0, vmemio_read_guest(a.fd, (__u64)i * PAGE, got, PAGE));
		EXPECT_EQ(0, memcmp(got, page, PAGE));
		fill_page(page, i, 4);
		ASSERT_EQ(0, vmemio_read_guest(b.fd, (__u64)i * PAGE, got, PAGE));
		EXPECT_EQ(0, memcmp(got, page, PAGE));
	}
	close(a.fd);
	close(b.fd);
}

TEST_F_TIMEOUT(share, share_zero_pages_map_the_zero_page, 200)
{
	static unsigned char zeros[N * PAGE];
	unsigned char one = 1, got[PAGE];
	struct bare_vm a, b;
	long long pool0;

	ASSERT_LE(0, bare_vm(self->dev, &a, 1));
	ASSERT_LE(0, bare_vm(self->dev, &b, 2));	/* other salt */
	pool0 = vmemsysfs_num("pool_allocated_pages");
	ASSERT_EQ(0, knob_set("zero_across_salts", 1));
	ASSERT_EQ(0, vmemio_write_guest(a.fd, 0, zeros, sizeof(zeros)));
	ASSERT_EQ(0, vmemio_write_guest(b.fd, 0, zeros, sizeof(zeros)));
	ASSERT_TRUE(WAIT_FOR(vm_stats(&a).zero == N && vm_stats(&b).zero == N));
	EXPECT_EQ(0, vm_stats(&a).allocated);
	EXPECT_EQ(0, share_counter("pages_shared"));	/* no frame needed */
	EXPECT_EQ(2 * N * PAGE, share_counter("bytes_saved"));
	EXPECT_EQ(pool0, vmemsysfs_num("pool_allocated_pages"));
	ASSERT_EQ(0, vmemio_read_guest(a.fd, 7 * PAGE, got, PAGE));
	EXPECT_EQ(NULL, memchr(got, 1, PAGE));
	/* A write gives a fresh private page. */
	ASSERT_EQ(0, vmemio_write_guest(a.fd, 7 * PAGE + 9, &one, 1));
	EXPECT_EQ(1, vm_stats(&a).cow_breaks);
	EXPECT_EQ(N - 1, vm_stats(&a).zero);
	ASSERT_EQ(0, vmemio_read_guest(a.fd, 7 * PAGE, got, PAGE));
	EXPECT_EQ(1, got[9]);
	close(a.fd);
	close(b.fd);
	EXPECT_EQ(0, share_counter("zero_pages"));
}

TEST_F_TIMEOUT(share, share_zero_pages_stay_within_salt_when_switched_off, 200)
{
	static unsigned char zeros[N * PAGE];
	struct bare_vm a, b;

	ASSERT_EQ(0, knob_set("zero_across_salts", 0));
	ASSERT_LE(0, bare_vm(self->dev, &a, 1));
	ASSERT_LE(0, bare_vm(self->dev, &b, 2));
	ASSERT_EQ(0, vmemio_write_guest(a.fd, 0, zeros, sizeof(zeros)));
	ASSERT_EQ(0, vmemio_write_guest(b.fd, 0, zeros, sizeof(zeros)));
	/* Each salt gets its own frame of zeros. */
	ASSERT_TRUE(WAIT_FOR(vm_stats(&a).shared == N && vm_stats(&b).shared == N));
	EXPECT_EQ(0, vm_stats(&a).zero);
	EXPECT_EQ(2, share_counter("pages_shared"));
	close(a.fd);
	close(b.fd);
}

TEST_F_TIMEOUT(share, share_different_salts_never_share, 200)
{
	struct bare_vm a, b;
	char path[128];

	ASSERT_LE(0, bare_vm(self->dev, &a, 11));
	ASSERT_LE(0, bare_vm(self->dev, &b, 22));
	ASSERT_EQ(0, write_pages(&a, 5));
	ASSERT_EQ(0, write_pages(&b, 5));
	let_scanner_run(20 * 2 * N);
	EXPECT_EQ(0, vm_stats(&a).shared);
	EXPECT_EQ(0, vm_stats(&b).shared);
	EXPECT_EQ(0, share_counter("pages_shared"));
	/* Same salt from now on: the same pages are shared. */
	snprintf(path, sizeof(path), "vms/%s/salt", b.name);
	ASSERT_EQ(0, vmemsysfs_write(path, "11"));
	EXPECT_EQ(11, vmemsysfs_vm_num(b.name, "salt"));
	EXPECT_TRUE(WAIT_FOR(vm_stats(&a).shared == N && vm_stats(&b).shared == N));
	close(a.fd);
	close(b.fd);
}

TEST_F_TIMEOUT(share, share_stale_hint_is_not_shared, 200)
{
	struct bare_vm a, b;
	long long stale0 = share_counter("stale_hints");

	ASSERT_LE(0, bare_vm(self->dev, &a, 7));
	ASSERT_EQ(0, write_pages(&a, 6));
	/* Every page of A is hinted (none can match anything)... */
	ASSERT_TRUE(WAIT_FOR(share_counter("hints") == N));
	/* ...then A changes them, and B brings A's old content. */
	ASSERT_EQ(0, knob_set("enabled", 0));
	ASSERT_EQ(0, write_pages(&a, 8));
	ASSERT_LE(0, bare_vm(self->dev, &b, 7));
	ASSERT_EQ(0, write_pages(&b, 6));
	/*
	 * A few pages per VM and tick, so that B's pages are often looked at
	 * before A's changed ones are hinted again.
	 */
	ASSERT_EQ(0, knob_set("vm_scan_rate", 500));
	ASSERT_EQ(0, knob_set("enabled", 1));
	EXPECT_TRUE(WAIT_FOR(share_counter("stale_hints") > stale0));
	let_scanner_run(4 * 2 * N);
	EXPECT_EQ(0, vm_stats(&a).shared);
	EXPECT_EQ(0, vm_stats(&b).shared);
	EXPECT_TRUE(pages_are(&a, 8));
	EXPECT_TRUE(pages_are(&b, 6));
	close(a.fd);
	close(b.fd);
}

TEST_F_TIMEOUT(share, share_hash_collisions_never_share, 200)
{
	long long coll0 = share_counter("collisions");
	struct bare_vm a, b;

	/* One hash bit: every page collides with half of all others. */
	ASSERT_EQ(0, knob_set("debug_hash_bits", 1));
	ASSERT_LE(0, bare_vm(self->dev, &a, 0));
	ASSERT_LE(0, bare_vm(self->dev, &b, 0));
	ASSERT_EQ(0, write_pages(&a, 9));
	ASSERT_EQ(0, write_pages(&b, 10));
	let_scanner_run(20 * 2 * N);
	EXPECT_LT(coll0, share_counter("collisions"));
	EXPECT_EQ(0, vm_stats(&a).shared + vm_stats(&b).shared)
		TH_LOG("%llu + %llu pages shared despite different content",
		       vm_stats(&a).shared, vm_stats(&b).shared);
	EXPECT_TRUE(pages_are(&a, 9));
	EXPECT_TRUE(pages_are(&b, 10));
	close(a.fd);
	close(b.fd);
}

/* ---- stress: guests write while the scanner shares ---- */

#define STRESS_PAGES	32
#define STRESS_ROUNDS	60
#define STRESS_VCPUS	2

static __u64 stress_base;

/*
 * Every round each vCPU rewrites its pages with content that depends only
 * on (round, page), so both VMs hold identical pages between rounds and the
 * scanner shares them; the next round's writes must then break the sharing
 * without losing or tearing a single word.
 */
static void guest_stress(__u64 id)
{
	__u64 base = stress_base + id * STRESS_PAGES * PAGE, r, i, w;

	for (r = 1; r <= STRESS_ROUNDS; r++) {
		for (i = 0; i < STRESS_PAGES; i++) {
			volatile __u64 *p = (volatile __u64 *)(base + i * PAGE);
			__u64 x = (r << 40) | (id << 32) | (i << 16);

			for (w = 0; w < PAGE / 8; w++)
				p[w] = x + w;
		}
		GUEST_SYNC(r);	/* the host pauses: time to share */
		for (i = 0; i < STRESS_PAGES; i++) {
			volatile __u64 *p = (volatile __u64 *)(base + i * PAGE);
			__u64 x = (r << 40) | (id << 32) | (i << 16);

			for (w = 0; w < PAGE / 8; w++)
				GUEST_ASSERT_EQ(p[w], x + w);
		}
	}
	GUEST_DONE();
}

/*
 * After a round's GUEST_SYNC: hold the vCPU until the scanner has shared
 * something new (a hint hit), however slow the kernel is, so that the next
 * round's writes have sharing to break. Bounded: the test's final check on
 * the COW count says whether sharing happened at all.
 */
static void stress_wait_for_sharing(struct vcpu_runner *rn)
{
	long long hits = share_counter("hint_hits");
	double end = now() + 5;

	while (share_counter("hint_hits") == hits && now() < end)
		usleep(2000);
}

TEST_F_TIMEOUT(share, share_stress_no_lost_or_torn_write, 600)
{
	struct vcpu_runner rn[2 * STRESS_VCPUS];
	struct vmem_test_vm *vm[2];
	long long cow0 = share_counter("cow_breaks");
	int v, i;

	memset(rn, 0, sizeof(rn));
	for (v = 0; v < 2; v++) {
		vm[v] = vm_create(32 << 20, STRESS_VCPUS);
		stress_base = vm_alloc(vm[v], STRESS_VCPUS * STRESS_PAGES * PAGE);
		sync_global_to_guest(vm[v], stress_base);
		for (i = 0; i < STRESS_VCPUS; i++) {
			struct vcpu_runner *r = &rn[v * STRESS_VCPUS + i];

			r->vcpu = vm_vcpu_add(vm[v], i, guest_stress);
			r->on_sync = stress_wait_for_sharing;
			vcpu_args_set(r->vcpu, 1, (__u64)i);
		}
	}
	for (i = 0; i < 2 * STRESS_VCPUS; i++)
		ASSERT_EQ(0, vcpu_runner_start(&rn[i]));
	for (i = 0; i < 2 * STRESS_VCPUS; i++) {
		vcpu_runner_join(&rn[i]);
		EXPECT_TRUE(rn[i].ok) TH_LOG("vCPU %d: %s", i, rn[i].why);
	}
	TH_LOG("%lld copy-on-write breaks during the run",
	       share_counter("cow_breaks") - cow0);
	EXPECT_LT(cow0, share_counter("cow_breaks"));
	vm_free(vm[0]);
	vm_free(vm[1]);
}

TEST_HARNESS_MAIN
