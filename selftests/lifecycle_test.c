// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and process lifetime: a signal interrupts RUN and the guest
 * resumes; a process killed while its vCPU is in guest mode takes its VM
 * with it and every page goes back to the pool; a vCPU thread and another
 * thread taking turns on one CPU never see each other's SIMD registers.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/syscall.h>
#include <string.h>
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
	__u32 reason;
};

static void *run_once(void *arg)
{
	struct spin_run *sr = arg;

	sr->r = vmemio_run(sr->vcpu->vcpu->fd);
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
	EXPECT_EQ(-EINTR, sr.r);
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

/* ---- FPU state when the vCPU thread shares its CPU ---- */

#define FPU_SPIN	2000	/* PAUSEs between writing and checking */

static volatile __u64 fpu_stop;

/*
 * Writes XMM15, spins, checks it is still there, over and over: when the
 * vCPU thread is preempted in the middle, the register must come back.
 * Reports how many checks failed, and the rounds run.
 */
static void guest_fpu_owner(void)
{
	__u64 i, bad = 0, v, got;

	for (i = 0; !fpu_stop; i++) {
		v = 0x4755455354000000ULL | (i & 0xffffff);	/* "GUEST" */
		asm volatile("movq %1, %%xmm15\n\t"
			     "mov %2, %%ecx\n"
			     "1:\tpause\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b\n\t"
			     "movq %%xmm15, %0"
			     : "=r"(got) : "r"(v), "i"(FPU_SPIN) : "ecx", "xmm15");
		bad += got != v;
	}
	GUEST_SYNC(bad);
	GUEST_SYNC(i);
	GUEST_DONE();
}

struct fpu_guest {
	struct vmem_test_vcpu *vcpu;
	struct ucall uc;
	__u64 cmd;
};

/* The vCPU thread: runs the guest until its first ucall. */
static void *run_fpu_guest(void *arg)
{
	struct fpu_guest *g = arg;

	g->cmd = vcpu_run_ucall(g->vcpu, &g->uc);
	return NULL;
}

struct fpu_host {
	double end;
	__u64 rounds, bad;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The other task: the same with its own value, yielding the CPU each time. */
static void *host_fpu_user(void *arg)
{
	struct fpu_host *h = arg;
	__u64 v, got;

	while (now_s() < h->end) {
		v = 0x484f535400000000ULL | (h->rounds & 0xffffff);	/* "HOST" */
		asm volatile("movq %2, %%xmm15\n\t"
			     "syscall\n\t"
			     "movq %%xmm15, %0"
			     : "=r"(got), "+a"((long){ SYS_sched_yield })
			     : "r"(v) : "rcx", "r11", "memory", "xmm15");
		h->bad += got != v;
		h->rounds++;
	}
	return NULL;
}

TEST(fpu_isolated_from_another_task_on_the_cpu)
{
	struct fpu_host host = { .end = now_s() + 2 };
	struct fpu_guest g = { 0 };
	struct vmem_test_vm *vm;
	struct ucall uc;
	pthread_t vt, ht;
	cpu_set_t one;
	__u64 stop = 1;

	/* Both threads on one CPU: they preempt each other all the time. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	vm = vm_create_with_one_vcpu(&g.vcpu, guest_fpu_owner);
	ASSERT_EQ(0, pthread_create(&vt, NULL, run_fpu_guest, &g));
	ASSERT_EQ(0, pthread_create(&ht, NULL, host_fpu_user, &host));
	pthread_join(ht, NULL);
	/* Stop the guest: its RUN returns with the first SYNC. */
	vm_write_guest(vm, (__u64)(unsigned long)&fpu_stop, &stop, sizeof(stop));
	pthread_join(vt, NULL);
	ASSERT_EQ(UCALL_SYNC, g.cmd);
	EXPECT_EQ(0, g.uc.args[0]) TH_LOG("the guest lost XMM15 %llu times",
					  (unsigned long long)g.uc.args[0]);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(g.vcpu, &uc));
	TH_LOG("%llu guest rounds, %llu host rounds",
	       (unsigned long long)uc.args[0], (unsigned long long)host.rounds);
	EXPECT_EQ(0, host.bad) TH_LOG("the other task lost XMM15 %llu times",
				      (unsigned long long)host.bad);
	/* Both made progress, so they did take turns. */
	EXPECT_LT(10, uc.args[0]);
	EXPECT_LT(10, host.rounds);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(g.vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
