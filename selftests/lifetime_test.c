// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime: fds closed in every order, mappings that outlive fds,
 * fds inherited across fork, many create/destroy cycles, and a process
 * killed while its vCPU is in guest mode, whose VM goes with it and every
 * page back to the pool.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

FIXTURE(life) {
	int dev;
};

FIXTURE_SETUP(life)
{
	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, vmemsysfs_num("nr_vms"));
	ASSERT_EQ(0, vmemsysfs_num("nr_vcpus"));
}

FIXTURE_TEARDOWN(life)
{
	close(self->dev);
}

static int make_vm(int dev, int *vcpus, int n)
{
	struct vmem_vm_config cfg = vmem_config(8 * MiB);
	int vm = vmemio_create_vm(dev, &cfg), i;

	for (i = 0; vm >= 0 && i < n; i++)
		vcpus[i] = vmemio_create_vcpu(vm, i);
	return vm;
}

TEST_F(life, lifetime_close_vm_before_vcpus)
{
	int vcpus[2], vm = make_vm(self->dev, vcpus, 2);

	ASSERT_LE(0, vm);
	ASSERT_LE(0, vcpus[0]);
	ASSERT_LE(0, vcpus[1]);
	close(vm);
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));	/* kept alive by the vCPUs */
	close(vcpus[0]);
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	close(vcpus[1]);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(0, vmemsysfs_num("nr_vcpus"));
}

TEST_F(life, lifetime_close_vcpus_before_vm)
{
	int vcpus[2], vm = make_vm(self->dev, vcpus, 2);

	ASSERT_LE(0, vm);
	close(vcpus[1]);
	close(vcpus[0]);
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(2, vmemsysfs_num("nr_vcpus"));	/* freed with the VM */
	close(vm);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(0, vmemsysfs_num("nr_vcpus"));
}

TEST_F(life, lifetime_close_dev_first)
{
	int vcpus[1], vm = make_vm(self->dev, vcpus, 1);

	ASSERT_LE(0, vm);
	close(self->dev);
	self->dev = vmemio_open();	/* for the teardown */
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	close(vm);
	close(vcpus[0]);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
}

TEST_F(life, lifetime_mapping_outlives_fds)
{
	int vcpus[1], vm = make_vm(self->dev, vcpus, 1);
	long size = vmemio_get_vcpu_mmap_size(self->dev);
	volatile unsigned char *run;

	ASSERT_LE(0, vm);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpus[0], 0);
	ASSERT_NE(MAP_FAILED, run);
	close(vcpus[0]);
	close(vm);
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));	/* the mapping pins it */
	run[0] = 1;				/* and it is still usable */
	munmap((void *)run, size);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
}

TEST_F(life, lifetime_fds_inherited_by_child)
{
	int vcpus[1], vm = make_vm(self->dev, vcpus, 1), status;
	pid_t pid;

	ASSERT_LE(0, vm);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(vm);
		close(vcpus[0]);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	close(vcpus[0]);
	close(vm);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
}

TEST_F_TIMEOUT(life, lifetime_create_destroy_1000_cycles, 600)
{
	int i, vcpus[2];

	for (i = 0; i < 1000; i++) {
		int vm = make_vm(self->dev, vcpus, 2);

		ASSERT_LE(0, vm) TH_LOG("cycle %d", i);
		ASSERT_LE(0, vcpus[0]);
		ASSERT_LE(0, vcpus[1]);
		/* Vary the close order from cycle to cycle. */
		if (i & 1) {
			close(vm);
			close(vcpus[0]);
			close(vcpus[1]);
		} else {
			close(vcpus[1]);
			close(vcpus[0]);
			close(vm);
		}
	}
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(0, vmemsysfs_num("nr_vcpus"));
	EXPECT_EQ(0, vmemsysfs_num("pool_allocated_pages"));
}

static void guest_touch_and_spin(__u64 base, __u64 pages)
{
	__u64 i;

	for (i = 0; i < pages; i++)
		*(volatile __u8 *)(base + i * 4096) = 1;
	GUEST_SYNC(0);
	for (;;)
		;
}

TEST(lifetime_process_killed_inside_run_frees_everything)
{
	long long pool_before = vmemsysfs_num("pool_allocated_pages");
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, vmemsysfs_num("nr_vms"));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vmem_test_vcpu *vcpu;
		struct vmem_test_vm *vm;
		__u64 base;

		vm = vm_create_with_one_vcpu(&vcpu, guest_touch_and_spin);
		base = vm_alloc(vm, 8 << 20);
		vcpu_args_set(vcpu, 2, base, (__u64)(8 << 20) / 4096);
		if (vcpu_run_ucall(vcpu, NULL) != UCALL_SYNC)
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		vmemio_run(vcpu->vcpu->fd);	/* spins until killed */
		_exit(2);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	EXPECT_LE(pool_before + 2048, vmemsysfs_num("pool_allocated_pages"));
	usleep(100 * 1000);			/* well inside guest mode now */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(0, vmemsysfs_num("nr_vcpus"));
	EXPECT_EQ(pool_before, vmemsysfs_num("pool_allocated_pages"));
	EXPECT_EQ(0, vmemsysfs_num("hw_enabled_cpus"));
}

TEST_HARNESS_MAIN
