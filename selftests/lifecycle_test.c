// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and process lifetime: a signal interrupts RUN and the guest
 * resumes; a process killed while its vCPU is in guest mode takes its VM
 * with it and every page goes back to the pool.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

static volatile __u64 stop_spinning;

static void guest_spin_until_told(void)
{
	__u64 n = 0;

	while (!stop_spinning)
		n++;
	GUEST_SYNC(n);
	GUEST_DONE();
}

static void on_usr1(int sig)
{
}

struct spin_run {
	struct vmem_test_vcpu *vcpu;
	int r;
	int err;
	__u32 reason;
};

static void *run_once(void *arg)
{
	struct spin_run *sr = arg;

	sr->r = ioctl(sr->vcpu->vcpu->fd, VMEM_RUN, 0);
	sr->err = errno;
	sr->reason = ((struct vmem_run *)sr->vcpu->vcpu->run)->exit_reason;
	return NULL;
}

TEST(run_interrupted_by_signal_then_resumes)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct spin_run sr = { 0 };
	pthread_t t;
	__u64 one = 1;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));	/* no SA_RESTART */
	vm = vm_create_with_one_vcpu(&vcpu, guest_spin_until_told);
	sr.vcpu = vcpu;
	ASSERT_EQ(0, pthread_create(&t, NULL, run_once, &sr));
	usleep(200 * 1000);
	ASSERT_EQ(0, pthread_kill(t, SIGUSR1));
	pthread_join(t, NULL);
	EXPECT_EQ(-1, sr.r);
	EXPECT_EQ(EINTR, sr.err);
	EXPECT_EQ(VMEM_EXIT_INTR, sr.reason);
	/* The guest was only paused: tell it to stop and let it finish. */
	vm_write_guest(vm, (__u64)(unsigned long)&stop_spinning, &one, sizeof(one));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
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

TEST(vm_killed_process_inside_run_frees_everything)
{
	long long pool_before = vmem_sysfs("pool_allocated_pages");
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, vmem_sysfs("nr_vms"));
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
		ioctl(vcpu->vcpu->fd, VMEM_RUN, 0);	/* spins until killed */
		_exit(2);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(1, vmem_sysfs("nr_vms"));
	EXPECT_LE(pool_before + 2048, vmem_sysfs("pool_allocated_pages"));
	usleep(100 * 1000);			/* well inside guest mode now */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, vmem_sysfs("nr_vms"));
	EXPECT_EQ(0, vmem_sysfs("nr_vcpus"));
	EXPECT_EQ(pool_before, vmem_sysfs("pool_allocated_pages"));
	EXPECT_EQ(0, vmem_sysfs("hw_enabled_cpus"));
}

TEST_HARNESS_MAIN
