// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs the guest reads and writes: values of the MSRs vmem keeps for it
 * round-trip, and an invalid value or an unknown MSR raises #GP in the
 * guest without changing anything.
 */
#include "kselftest_harness.h"
#include "vmem_test.h"

static volatile __u64 gp_count;

static void gp_handler(struct ex_regs *regs)
{
	gp_count++;
	regs->rip += 2;		/* skip the faulting RDMSR/WRMSR */
}

#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_CR_PAT		0x277

#define LSTAR_VALUE		0xffffffff81000000ULL

static void guest_msr_round_trip(void)
{
	wrmsr(MSR_LSTAR, LSTAR_VALUE);
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), LSTAR_VALUE);
	wrmsr(MSR_STAR, 0x0023001000000000ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_STAR), 0x0023001000000000ULL);
	wrmsr(MSR_SYSCALL_MASK, 0x47700);
	GUEST_ASSERT_EQ(rdmsr(MSR_SYSCALL_MASK), 0x47700);
	wrmsr(MSR_KERNEL_GS_BASE, 0x12345000);
	GUEST_ASSERT_EQ(rdmsr(MSR_KERNEL_GS_BASE), 0x12345000);
	wrmsr(MSR_IA32_CR_PAT, 0x0007040600070406ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_CR_PAT), 0x0007040600070406ULL);
	GUEST_DONE();
}

TEST(msr_values_round_trip)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_msr_round_trip);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

/* Invalid values and unknown MSRs raise #GP and change nothing. */
static void guest_msr_bad(void)
{
	__u64 before;

	wrmsr(MSR_LSTAR, LSTAR_VALUE);
	before = gp_count;
	wrmsr(MSR_LSTAR, 0x8000000000000000ULL);	/* non-canonical */
	GUEST_ASSERT_EQ(gp_count, before + 1);
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), LSTAR_VALUE);
	wrmsr(MSR_IA32_CR_PAT, 0x02);			/* reserved type */
	GUEST_ASSERT_EQ(gp_count, before + 2);
	wrmsr(0x12345678, 1);
	GUEST_ASSERT_EQ(gp_count, before + 3);
	GUEST_DONE();
}

TEST(msr_bad_values_and_unknown_msrs_gp)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_msr_bad);
	vm_install_exception_handler(vm, 13, gp_handler);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
