// SPDX-License-Identifier: GPL-2.0
/*
 * VMEM_CREATE_VCPU and the run page mapping.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vmem_util.h"

FIXTURE(vcpu) {
	int dev, vm;
	struct vmem_vm_config cfg;
};

FIXTURE_SETUP(vcpu)
{
	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	self->cfg = vmem_config(16 * MiB);
	self->vm = vmemio_create_vm(self->dev, &self->cfg);
	ASSERT_LE(0, self->vm);
}

FIXTURE_TEARDOWN(vcpu)
{
	close(self->vm);
	close(self->dev);
}

TEST_F(vcpu, vcpu_create_returns_fd)
{
	long long before = vmemsysfs_num("nr_vcpus");
	int fd = vmemio_create_vcpu(self->vm, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(before + 1, vmemsysfs_num("nr_vcpus"));
	EXPECT_EQ(1, vmemsysfs_vm_num(self->cfg.name, "nr_vcpus"));
	close(fd);
}

TEST_F(vcpu, vcpu_create_rejects_bad_id)
{
	EXPECT_EQ(-EINVAL, vmemio_create_vcpu(self->vm, VMEM_MAX_VCPUS));
	EXPECT_EQ(-EINVAL, vmemio_create_vcpu(self->vm, 1000));
	EXPECT_EQ(-EINVAL, vmemio_create_vcpu(self->vm, ~0UL));
	EXPECT_EQ(0, vmemsysfs_vm_num(self->cfg.name, "nr_vcpus"));
}

TEST_F(vcpu, vcpu_create_rejects_duplicate_id)
{
	int fd = vmemio_create_vcpu(self->vm, 3);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, vmemio_create_vcpu(self->vm, 3));
	/* A closed vCPU keeps its id until the VM dies, as in KVM. */
	close(fd);
	EXPECT_EQ(-EEXIST, vmemio_create_vcpu(self->vm, 3));
}

TEST_F(vcpu, vcpu_create_up_to_max)
{
	int fds[VMEM_MAX_VCPUS], i;

	for (i = VMEM_MAX_VCPUS - 1; i >= 0; i--) {
		fds[i] = vmemio_create_vcpu(self->vm, i);
		ASSERT_LE(0, fds[i]) TH_LOG("vCPU %d: %s", i, strerror(-fds[i]));
	}
	EXPECT_EQ(VMEM_MAX_VCPUS, vmemsysfs_vm_num(self->cfg.name, "nr_vcpus"));
	for (i = 0; i < VMEM_MAX_VCPUS; i++)
		close(fds[i]);
}

TEST_F(vcpu, vcpu_run_page_maps_zeroed)
{
	long size = vmemio_get_vcpu_mmap_size(self->dev);
	int fd = vmemio_create_vcpu(self->vm, 0);
	unsigned char *p;
	long i;

	ASSERT_LE(0, fd);
	ASSERT_LT(0, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < size; i++)
		if (p[i])
			break;
	EXPECT_EQ(size, i) TH_LOG("run page byte %ld is not zero", i);
	/* Writable and persistent across mappings. */
	p[100] = 0x5a;
	munmap(p, size);
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0x5a, p[100]);
	munmap(p, size);
	close(fd);
}

TEST_F(vcpu, vcpu_run_page_rejects_oversized_map)
{
	long size = vmemio_get_vcpu_mmap_size(self->dev);
	int fd = vmemio_create_vcpu(self->vm, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size + getpagesize(), PROT_READ,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED,
				   fd, size));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(vcpu, vcpu_unknown_ioctl_is_enotty)
{
	int fd = vmemio_create_vcpu(self->vm, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, vmemio_ioctl(fd, _IO(VMEMIO, 0xff), 0));
	EXPECT_EQ(-ENOTTY, vmemio_ioctl(self->vm, _IO(VMEMIO, 0xff), 0));
	/* A device-level ioctl is not a vCPU ioctl. */
	EXPECT_EQ(-ENOTTY, vmemio_get_api_version(fd));
	close(fd);
}

TEST_HARNESS_MAIN
