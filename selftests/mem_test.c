// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: first-touch population (on VT-x: one EPT violation per
 * page), the read/write ioctls, large sparse guests, MMIO beyond memory,
 * dropping second-level mappings, and running out of pool memory.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

#define PAGE		4096ULL
#define TOUCH_PAGES	1024
#define MMIO_GPA	0xd0000000ULL

/*
 * These tests count pages exactly; the sharing scanner would legitimately
 * merge identical pages under them. Hold it off for this program.
 */
static long long share_was_enabled = -1;
static pid_t share_owner;

__attribute__((constructor)) static void share_off(void)
{
	share_owner = getpid();
	share_was_enabled = vmemsysfs_num("share/enabled");
	vmemsysfs_write("share/enabled", "0");
}

__attribute__((destructor)) static void share_restore(void)
{
	/* Only the harness process, not a test child calling exit(). */
	if (share_was_enabled == 1 && getpid() == share_owner)
		vmemsysfs_write("share/enabled", "1");
}

static struct vmem_vm_stats stats(struct vmem_test_vm *vm)
{
	struct vmem_vm_stats st;

	memset(&st, 0, sizeof(st));
	if (vmemio_get_vm_stats(vm->vm->fd, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

static void guest_touch(__u64 base, __u64 pages)
{
	__u64 i;

	GUEST_SYNC(0);
	for (i = 0; i < pages; i++)
		*(volatile __u8 *)(base + i * PAGE) = 1;
	GUEST_SYNC(1);
	for (i = 0; i < pages; i++)	/* touching again costs nothing */
		*(volatile __u8 *)(base + i * PAGE + 8) = 2;
	GUEST_DONE();
}

TEST(mem_first_touch_populates_exactly)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b, c;
	long long pool0, pool1;
	__u64 base;

	vm = vm_create_with_one_vcpu(&vcpu, guest_touch);
	base = vm_alloc(vm, TOUCH_PAGES * PAGE);
	vcpu_args_set(vcpu, 2, base, (__u64)TOUCH_PAGES);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	a = stats(vm);
	pool0 = vmemsysfs_num("pool_allocated_pages");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	b = stats(vm);
	pool1 = vmemsysfs_num("pool_allocated_pages");
	EXPECT_EQ(TOUCH_PAGES, b.allocated - a.allocated);
	EXPECT_EQ(TOUCH_PAGES, b.touched - a.touched);
	EXPECT_EQ(TOUCH_PAGES, pool1 - pool0);
	EXPECT_LE(TOUCH_PAGES, b.npt_faults - a.npt_faults);
	EXPECT_EQ(b.allocated, b.touched);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	c = stats(vm);
	EXPECT_EQ(b.allocated, c.allocated);
	vm_free(vm);
}

/* Whether vmem runs on the VT-x backend (second level = EPT). */
static bool backend_is_vmx(void)
{
	int fd = vmemio_open();
	bool vmx = fd >= 0 && vmemio_check_extension(fd, VMEM_CAP_VMX) > 0;

	if (fd >= 0)
		close(fd);
	return vmx;
}

/*
 * On VT-x the guest's accesses go through EPT: the first write to each
 * fresh page is exactly one EPT-violation exit (the stats count it as a
 * second-level fault), and writing the same pages again costs none.
 */
TEST(mem_vmx_one_ept_violation_per_first_touch)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b, c;
	__u64 base;

	if (!backend_is_vmx())
		SKIP(return, "vmem is not on the VMX backend: no EPT here");
	vm = vm_create_with_one_vcpu(&vcpu, guest_touch);
	base = vm_alloc(vm, TOUCH_PAGES * PAGE);
	vcpu_args_set(vcpu, 2, base, (__u64)TOUCH_PAGES);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	a = stats(vm);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	b = stats(vm);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	c = stats(vm);
	EXPECT_EQ(TOUCH_PAGES, b.npt_faults - a.npt_faults);
	/* Each of them was a VM exit, and the SYNC one more. */
	EXPECT_LE(TOUCH_PAGES + 1, b.exits - a.exits);
	EXPECT_EQ(0, c.npt_faults - b.npt_faults);
	EXPECT_EQ(TOUCH_PAGES, c.allocated - a.allocated);
	vm_free(vm);
}

static void guest_sum(__u64 gpa, __u64 len)
{
	__u64 i, sum = 0;

	for (i = 0; i < len; i++)
		sum += *(volatile __u8 *)(gpa + i) * (i + 1);
	GUEST_SYNC(sum);
	for (i = 0; i < len; i++)
		*(volatile __u8 *)(gpa + i) = (__u8)(i ^ 0x5a);
	GUEST_DONE();
}

TEST(mem_rw_ioctls_round_trip)
{
	const __u64 len = 3 * PAGE + 123;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	unsigned char *buf = malloc(len);
	__u64 gpa, i, sum = 0;
	struct ucall uc;

	ASSERT_NE(NULL, buf);
	vm = vm_create_with_one_vcpu(&vcpu, guest_sum);
	gpa = vm_alloc(vm, 4 * PAGE + PAGE) + 777;	/* unaligned, crossing pages */
	for (i = 0; i < len; i++) {
		buf[i] = (unsigned char)(i * 13 + 5);
		sum += buf[i] * (i + 1);
	}
	vm_write_guest(vm, gpa, buf, len);
	vcpu_args_set(vcpu, 2, gpa, len);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	EXPECT_EQ(sum, uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_read_guest(vm, gpa, buf, len);
	for (i = 0; i < len; i++) {
		ASSERT_EQ((unsigned char)(i ^ 0x5a), buf[i]) TH_LOG("byte %llu", i);
	}
	vm_free(vm);
	free(buf);
}

TEST(mem_rw_ioctls_reject_bad_arguments)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_guest_rw rw;
	char buf[64];
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_sum);
	fd = vm->vm->fd;
	memset(&rw, 0, sizeof(rw));
	rw.buf = (unsigned long)buf;
	rw.len = sizeof(buf);
	rw.gpa = vm->mem_size;				/* just past the end */
	EXPECT_EQ(-EINVAL, __vmemio_read_guest(fd, &rw));
	rw.gpa = vm->mem_size - 10;			/* crosses the end */
	EXPECT_EQ(-EINVAL, __vmemio_write_guest(fd, &rw));
	rw.gpa = ~0ULL - 5;				/* wraps */
	EXPECT_EQ(-EINVAL, __vmemio_read_guest(fd, &rw));
	rw.gpa = 0x100000;
	rw.flags = 1;
	EXPECT_EQ(-EINVAL, __vmemio_read_guest(fd, &rw));
	rw.flags = 0;
	rw.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, __vmemio_read_guest(fd, &rw));
	rw.reserved[2] = 0;
	rw.len = (16 << 20) + 1;
	EXPECT_EQ(-EINVAL, __vmemio_read_guest(fd, &rw));
	rw.len = sizeof(buf);
	rw.buf = 8;					/* unmapped user address */
	EXPECT_EQ(-EFAULT, __vmemio_read_guest(fd, &rw));
	EXPECT_EQ(-EFAULT, __vmemio_write_guest(fd, &rw));
	EXPECT_EQ(-EFAULT, __vmemio_read_guest(fd, NULL));
	vm_free(vm);
}

TEST(mem_untouched_reads_zero_without_allocating)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b;
	__u64 gpa, i;
	unsigned char *buf = malloc(1 << 20);

	ASSERT_NE(NULL, buf);
	memset(buf, 0xaa, 1 << 20);
	vm = vm_create_with_one_vcpu(&vcpu, guest_sum);
	gpa = vm_alloc(vm, 1 << 20);
	a = stats(vm);
	vm_read_guest(vm, gpa, buf, 1 << 20);
	b = stats(vm);
	for (i = 0; i < (1 << 20); i++)
		if (buf[i])
			break;
	EXPECT_EQ(1 << 20, i);
	EXPECT_EQ(a.allocated, b.allocated);
	vm_free(vm);
	free(buf);
}

static void guest_sparse(__u64 a, __u64 b, __u64 c)
{
	*(volatile __u64 *)a = a;
	*(volatile __u64 *)b = b;
	*(volatile __u64 *)c = c;
	GUEST_DONE();
}

TEST(mem_64g_guest_allocates_only_touched)
{
	struct vm_params p = { .mem_size = 64ULL << 30 };
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b;
	__u64 addr[3] = { 1ULL << 30, 32ULL << 30, (64ULL << 30) - PAGE }, v;
	int i;

	ASSERT_EQ(0, __vm_create(&p, &vm));
	vcpu = vm_vcpu_add(vm, 0, guest_sparse);
	vcpu_args_set(vcpu, 3, addr[0], addr[1], addr[2]);
	a = stats(vm);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	b = stats(vm);
	EXPECT_EQ((64ULL << 30) / PAGE, b.mem_pages);
	/* The three pages, plus at most the ucall's stack and descriptors. */
	EXPECT_LE(3, b.allocated - a.allocated);
	EXPECT_GE(8, b.allocated - a.allocated);
	EXPECT_GT(64 << 10, b.allocated) TH_LOG("a sparse 64 GiB guest holds %llu pages",
					       b.allocated);
	for (i = 0; i < 3; i++) {
		vm_read_guest(vm, addr[i], &v, sizeof(v));
		EXPECT_EQ(addr[i], v);
	}
	vm_free(vm);
}

static void guest_mmio_forms(void)
{
	volatile __u8 *b = (volatile __u8 *)MMIO_GPA;
	volatile __u64 *q = (volatile __u64 *)(MMIO_GPA + 8);
	__u64 v;

	*q = 0x0123456789abcdefULL;		/* 64-bit store */
	v = *b;					/* byte load, zero-extended */
	GUEST_ASSERT_EQ(v, 0xfe);
	GUEST_DONE();
}

TEST(mem_mmio_beyond_memory_64bit_and_byte)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u64 v = 0;

	vm = vm_create_with_one_vcpu(&vcpu, guest_mmio_forms);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA + 8, vcpu->exit.mmio.gpa);
	EXPECT_EQ(8, vcpu->exit.mmio.len);
	EXPECT_TRUE(vcpu->exit.mmio.is_write);
	memcpy(&v, vcpu->exit.mmio.data, 8);
	EXPECT_EQ(0x0123456789abcdefULL, v);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_MMIO);
	EXPECT_EQ(MMIO_GPA, vcpu->exit.mmio.gpa);
	EXPECT_EQ(1, vcpu->exit.mmio.len);
	EXPECT_FALSE(vcpu->exit.mmio.is_write);
	vcpu->exit.mmio.data[0] = 0xfe;
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

#define DROP_PAGES	256

static void guest_pattern(__u64 base)
{
	__u64 i;

	for (i = 0; i < DROP_PAGES; i++)
		*(volatile __u64 *)(base + i * PAGE) = i * 0x9e3779b97f4a7c15ULL;
	GUEST_SYNC(0);
	for (i = 0; i < DROP_PAGES; i++)
		GUEST_ASSERT_EQ(*(volatile __u64 *)(base + i * PAGE),
				i * 0x9e3779b97f4a7c15ULL);
	GUEST_DONE();
}

TEST(mem_drop_mappings_keeps_data_and_refaults)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b, c;
	__u64 base;

	vm = vm_create_with_one_vcpu(&vcpu, guest_pattern);
	base = vm_alloc(vm, DROP_PAGES * PAGE);
	vcpu_args_set(vcpu, 1, base);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	a = stats(vm);
	EXPECT_LT(1, a.slpt_pages);
	ASSERT_EQ(0, vmemio_drop_mappings(vm->vm->fd));
	b = stats(vm);
	EXPECT_EQ(1, b.slpt_pages);		/* only the root is left */
	EXPECT_EQ(a.allocated, b.allocated);	/* memory is not touched */
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	c = stats(vm);
	EXPECT_LE(DROP_PAGES, c.npt_faults - b.npt_faults);
	EXPECT_EQ(a.allocated, c.allocated);
	EXPECT_EQ(-EINVAL, vmemio_ioctl(vm->vm->fd, VMEM_DROP_MAPPINGS, 1));
	vm_free(vm);
}

static void guest_touch_forever(__u64 base, __u64 pages)
{
	__u64 i;

	for (i = 0; i < pages; i++)
		*(volatile __u8 *)(base + i * PAGE) = 1;
	GUEST_DONE();
}

TEST(mem_pool_exhaustion_is_an_exit_not_a_crash)
{
	long long old = vmemsysfs_num("pool_mb");
	long long used = vmemsysfs_num("pool_allocated_pages");
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u64 base;

	vm = vm_create_with_one_vcpu(&vcpu, guest_touch_forever);
	base = vm_alloc(vm, 32 << 20);
	vcpu_args_set(vcpu, 2, base, (__u64)(32 << 20) / PAGE);
	/* Leave a pool only a few MiB larger than what is in use. */
	ASSERT_EQ(0, vmemsysfs_write_num("pool_mb", used / 256 + 8));
	vcpu_run_to_exit(vcpu);
	ASSERT_EQ(0, vmemsysfs_write_num("pool_mb", old));
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(VMEM_INTERNAL_ERROR_NOMEM, vcpu->exit.internal.suberror);
	/* With the pool back, the same guest finishes. */
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

#define SPARSE_BASE	(1ULL << 30)
#define SPARSE_STRIDE	(2ULL << 20)	/* one pmap chunk and one table each */

static void guest_sparse_touch(__u64 base, __u64 n)
{
	__u64 i;

	for (i = 0; i < n; i++)
		*(volatile __u8 *)(base + i * SPARSE_STRIDE) = 1;
	GUEST_DONE();
}

/*
 * One byte every 2 MiB costs a data page, a pmap chunk and a last-level
 * table page: the last two are the VM's overhead, shown per VM and charged
 * to the pool like guest pages.
 */
TEST(mem_overhead_is_charged_to_the_vm_and_the_pool)
{
	struct vm_params p = { .mem_size = 64ULL << 30 };
	long long pool_over0, pool_over1, size, used, over, free_pages;
	const __u64 n = 256;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b;

	ASSERT_EQ(0, __vm_create(&p, &vm));
	vcpu = vm_vcpu_add(vm, 0, guest_sparse_touch);
	vcpu_args_set(vcpu, 2, SPARSE_BASE, n);
	a = stats(vm);
	pool_over0 = vmemsysfs_num("pool_overhead_pages");
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	b = stats(vm);
	pool_over1 = vmemsysfs_num("pool_overhead_pages");
	/*
	 * n chunks and n tables, plus a few more: upper-level tables, and
	 * the chunk and tables of the ucall's own pages.
	 */
	EXPECT_LE(2 * n, b.overhead - a.overhead);
	EXPECT_GE(2 * n + 8, b.overhead - a.overhead);
	EXPECT_LE(n, b.touched - a.touched);
	EXPECT_EQ(b.overhead, vmemsysfs_vm_num(vm->vm->name, "overhead_pages"));
	EXPECT_EQ(b.overhead - a.overhead, pool_over1 - pool_over0);
	size = vmemsysfs_num("pool_mb") * 256;
	used = vmemsysfs_num("pool_allocated_pages");
	over = vmemsysfs_num("pool_overhead_pages");
	free_pages = vmemsysfs_num("pool_free_pages");
	EXPECT_EQ(size - used - over, free_pages);
	vm_free(vm);
	EXPECT_EQ(pool_over0 - a.overhead, vmemsysfs_num("pool_overhead_pages"));
}

/*
 * A guest touching one byte per 2 MiB of a 64 GiB space runs into the pool
 * for its overhead as for its data: the exit is the usual NOMEM, and what
 * it holds never goes past the pool by more than the tables of one fault.
 */
TEST(mem_sparse_toucher_cannot_exceed_the_pool)
{
	struct vm_params p = { .mem_size = 64ULL << 30 };
	long long old = vmemsysfs_num("pool_mb");
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b;
	long long budget, held;
	int r;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, __vm_create(&p, &vm));
	vcpu = vm_vcpu_add(vm, 0, guest_sparse_touch);
	vcpu_args_set(vcpu, 2, SPARSE_BASE,
		      ((64ULL << 30) - SPARSE_BASE) / SPARSE_STRIDE);
	a = stats(vm);
	/* 4 MiB beyond what is in use now, whole MiB as pool_mb wants. */
	held = vmemsysfs_num("pool_allocated_pages") +
	       vmemsysfs_num("pool_overhead_pages");
	budget = (held + 255) / 256 + 4;
	ASSERT_EQ(0, vmemsysfs_write_num("pool_mb", budget));
	vcpu_run_to_exit(vcpu);
	b = stats(vm);
	held = vmemsysfs_num("pool_allocated_pages") +
	       vmemsysfs_num("pool_overhead_pages");
	r = vmemsysfs_write_num("pool_mb", old);
	ASSERT_EQ(0, r);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(VMEM_INTERNAL_ERROR_NOMEM, vcpu->exit.internal.suberror);
	EXPECT_GE(budget * 256 + 3, held);
	/* The overhead stayed about two pages per populated page. */
	EXPECT_GE(2 * (b.touched - a.touched) + 8, b.overhead - a.overhead);
	EXPECT_LT(0, b.touched - a.touched);
	vm_free(vm);
}

TEST_HARNESS_MAIN
