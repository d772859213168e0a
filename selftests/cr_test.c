// SPDX-License-Identifier: GPL-2.0
/*
 * Control registers: the guest owns CR0.NE and CR8 whatever the hardware
 * keeps in the real ones, and cannot set CR4.VMXE (no VMX for guests).
 */
#include <cpuid.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"

/*
 * The guest owns its control registers whatever the hardware keeps in the
 * real ones: VT-x forces CR0.NE and CR4.VMXE to 1 (vmem shadows both), and
 * CR8 must not reach the host's TPR.
 */
#define CR0_NE		(1ULL << 5)
#define CR4_VMXE	(1ULL << 13)

static void guest_cr0_ne(void)
{
	__u64 cr0 = read_cr0();

	asm volatile("mov %0, %%cr0" : : "r"(cr0 & ~CR0_NE) : "memory");
	GUEST_ASSERT_EQ(read_cr0(), cr0 & ~CR0_NE);
	asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	GUEST_ASSERT_EQ(read_cr0(), cr0);
	GUEST_DONE();
}

TEST(cr_guest_owns_cr0_ne)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cr0_ne);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static volatile __u64 cr_gp_count;

static void cr_gp_handler(struct ex_regs *regs)
{
	cr_gp_count++;
	regs->rip += 3;		/* skip the faulting MOV to CR4 (0f 22 e0) */
}

static void guest_cr4_vmxe(void)
{
	__u64 cr4 = read_cr4();

	asm volatile("mov %0, %%cr4" : : "a"(cr4 | CR4_VMXE) : "memory");
	GUEST_ASSERT_EQ(cr_gp_count, 1);
	GUEST_ASSERT_EQ(read_cr4(), cr4);
	GUEST_DONE();
}

/* The host's hypervisor signature is QEMU's TCG. */
static bool host_is_qemu_tcg(void)
{
	__u32 a, sig[3];

	__cpuid(0x40000000, a, sig[0], sig[1], sig[2]);
	return !memcmp(sig, "TCGTCGTCGTCG", 12);
}

/* No VMX for guests: setting CR4.VMXE is #GP, as on a CPU without it. */
TEST(cr_setting_cr4_vmxe_is_gp)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_sregs sregs;

	if (host_is_qemu_tcg())
		SKIP(return, "QEMU TCG fails the nested VMRUN instead of raising #GP for a reserved CR4 bit");
	vm = vm_create_with_one_vcpu(&vcpu, guest_cr4_vmxe);
	vm_install_exception_handler(vm, 13, cr_gp_handler);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(0, sregs.cr4 & CR4_VMXE);
	vm_free(vm);
}

static void guest_cr8(void)
{
	__u64 cr8;

	asm volatile("mov %0, %%cr8" : : "r"(5ULL) : "memory");
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	GUEST_ASSERT_EQ(cr8, 5);
	asm volatile("mov %0, %%cr8" : : "r"(0ULL) : "memory");
	GUEST_DONE();
}

TEST(cr_guest_owns_cr8_tpr)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cr8);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
