// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it: the default table (vmem's signature, the
 * hypervisor bit, neither VMX nor SVM), a table set by userspace with
 * VMEM_SET_CPUID (indexed leaves, leaves it lacks read as zero), and the
 * errors for a bad table, which leave the old one in force.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

static void guest_cpuid_default(void)
{
	__u32 a, b, c, d;

	cpuid(0x40000000, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(b, 0x6d656d76);	/* "vmem" */
	GUEST_ASSERT_EQ(c, 0x6d656d76);
	GUEST_ASSERT_EQ(d, 0x6d656d76);
	cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(c & (1u << 31));	/* hypervisor present */
	GUEST_ASSERT(!(c & (1u << 5)));	/* no VMX */
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	GUEST_ASSERT(!(c & (1u << 2)));	/* no SVM */
	GUEST_DONE();
}

TEST(cpuid_default_hides_virtualization)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_default);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static void guest_cpuid_custom(void)
{
	__u32 a, b, c, d;

	cpuid(0x4000abcd, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a, 1);
	GUEST_ASSERT_EQ(b, 2);
	GUEST_ASSERT_EQ(c, 3);
	GUEST_ASSERT_EQ(d, 4);
	cpuid(7, 1, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a, 0x77);
	cpuid(7, 0, &a, &b, &c, &d);	/* other index: not in the table */
	GUEST_ASSERT_EQ(a | b | c | d, 0);
	cpuid(0, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a | b | c | d, 0);
	GUEST_DONE();
}

TEST(cpuid_table_set_by_userspace)
{
	struct {
		struct vmem_cpuid hdr;
		struct vmem_cpuid_entry e[2];
	} t;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_custom);
	fd = vcpu->vcpu->fd;
	memset(&t, 0, sizeof(t));
	t.hdr.nent = 2;
	t.e[0] = (struct vmem_cpuid_entry){ .function = 0x4000abcd,
					    .eax = 1, .ebx = 2, .ecx = 3, .edx = 4 };
	t.e[1] = (struct vmem_cpuid_entry){ .function = 7, .index = 1,
					    .flags = VMEM_CPUID_FLAG_INDEXED,
					    .eax = 0x77 };
	ASSERT_EQ(0, vmemio_set_cpuid(fd, &t.hdr));
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST(cpuid_table_rejects_bad_input)
{
	struct {
		struct vmem_cpuid hdr;
		struct vmem_cpuid_entry e[1];
	} t;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_default);
	fd = vcpu->vcpu->fd;
	memset(&t, 0, sizeof(t));
	t.hdr.nent = VMEM_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-E2BIG, vmemio_set_cpuid(fd, &t.hdr));
	t.hdr.nent = 1;
	t.hdr.flags = 1;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	t.hdr.flags = 0;
	t.e[0].flags = 2;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	t.e[0].flags = 0;
	t.e[0].reserved[1] = 9;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	EXPECT_EQ(-EFAULT, vmemio_set_cpuid(fd, NULL));
	/* The default table is still in force. */
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
