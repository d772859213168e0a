// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware virtualization (SVM/VMX) and who holds it: vmem turns it on
 * only while it has VMs; while KVM holds it, creating a vmem VM fails with
 * -EBUSY (and nothing crashes), and the other way round. The coexistence
 * tests need /dev/kvm inside the sandbox and skip without it.
 */
#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "vmem_util.h"

FIXTURE(hw) {
	int dev;
};

FIXTURE_SETUP(hw)
{
	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, vmemsysfs_num("nr_vms"));
	ASSERT_EQ(0, vmemsysfs_num("nr_vcpus"));
}

FIXTURE_TEARDOWN(hw)
{
	close(self->dev);
}

TEST_F(hw, hw_enabled_only_while_vms_exist)
{
	struct vmem_vm_config cfg = vmem_config(8 * MiB);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int vm, vm2;

	EXPECT_EQ(0, vmemsysfs_num("hw_enabled_cpus"));
	vm = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, vm);
	EXPECT_EQ(cpus, vmemsysfs_num("hw_enabled_cpus"));
	cfg.name[0] = '\0';
	vm2 = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, vm2);
	close(vm);
	EXPECT_EQ(cpus, vmemsysfs_num("hw_enabled_cpus"));
	close(vm2);
	EXPECT_EQ(0, vmemsysfs_num("hw_enabled_cpus"));
}

FIXTURE(coexist) {
	int dev, kvm;
};

FIXTURE_SETUP(coexist)
{
	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	self->kvm = open("/dev/kvm", O_RDWR);
	if (self->kvm < 0)
		SKIP(return, "no /dev/kvm (kvm_amd/kvm_intel not loadable here)");
}

FIXTURE_TEARDOWN(coexist)
{
	if (self->kvm >= 0)
		close(self->kvm);
	close(self->dev);
}

TEST_F(coexist, hw_busy_while_kvm_has_vm)
{
	struct vmem_vm_config cfg = vmem_config(8 * MiB);
	int kvm_vm, vm;

	kvm_vm = vmemio_ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, kvm_vm) TH_LOG("KVM_CREATE_VM: %s", strerror(-kvm_vm));
	EXPECT_EQ(-EBUSY, vmemio_create_vm(self->dev, &cfg));
	EXPECT_EQ(0, vmemsysfs_num("hw_enabled_cpus"));
	close(kvm_vm);
	vm = vmemio_create_vm(self->dev, &cfg);
	EXPECT_LE(0, vm);
	close(vm);
}

TEST_F(coexist, hw_kvm_busy_while_vmem_has_vm)
{
	struct vmem_vm_config cfg = vmem_config(8 * MiB);
	int kvm_vm, vm;

	vm = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, vm);
	kvm_vm = vmemio_ioctl(self->kvm, KVM_CREATE_VM, 0);
	EXPECT_GT(0, kvm_vm);
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(vm);
	kvm_vm = vmemio_ioctl(self->kvm, KVM_CREATE_VM, 0);
	EXPECT_LE(0, kvm_vm);
	close(kvm_vm);
}

TEST_HARNESS_MAIN
