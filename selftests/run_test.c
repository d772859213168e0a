// SPDX-License-Identifier: GPL-2.0
/*
 * VMEM_RUN itself: a triple fault ends in a shutdown exit, immediate_exit
 * and a signal each interrupt it with -EINTR (and the guest resumes after
 * the signal), and it rejects a non-zero argument and bad register state.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

static void guest_triple_fault(void)
{
	struct {
		__u16 limit;
		__u64 base;
	} __attribute__((packed)) empty = { 0, 0 };

	/* With no IDT, #UD cannot be delivered, nor the #DF: shutdown. */
	asm volatile("lidt %0; ud2" : : "m"(empty));
}

TEST(run_triple_fault_is_shutdown_exit)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_triple_fault);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_SHUTDOWN);
	vm_free(vm);
}

static void guest_spin(void)
{
	for (;;)
		asm volatile("pause");
}

TEST(run_immediate_exit_returns_eintr)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	run = vcpu->vcpu->run;
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vmemio_run(vcpu->vcpu->fd));
	EXPECT_EQ(VMEM_EXIT_INTR, run->exit_reason);
	run->immediate_exit = 0;
	vm_free(vm);
}

TEST(run_rejects_bad_arguments)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	fd = vcpu->vcpu->fd;
	EXPECT_EQ(-EINVAL, vmemio_ioctl(fd, VMEM_RUN, 1));

	ASSERT_EQ(0, vmemio_get_regs(fd, &regs));
	regs.rflags |= 1ULL << 40;		/* reserved */
	EXPECT_EQ(-EINVAL, vmemio_set_regs(fd, &regs));

	ASSERT_EQ(0, vmemio_get_sregs(fd, &sregs));
	sregs.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	sregs.reserved[3] = 0;
	sregs.cr0 &= ~(1ULL << 31);		/* paging off while LMA=1 */
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	ASSERT_EQ(0, vmemio_get_sregs(fd, &sregs));
	sregs.efer |= 1ULL << 30;		/* reserved EFER bit */
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	EXPECT_EQ(-EFAULT, vmemio_get_sregs(fd, NULL));
	vm_free(vm);
}

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

TEST_HARNESS_MAIN
