// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: VMEM_CREATE_VCPU and its ids, the run page mapping, ioctls a vCPU
 * does not know, and the reset state (real mode) running code directly.
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

/*
 * A vCPU starts in real mode (the x86 reset state); with CS pointed at
 * guest memory, 16-bit code runs directly: mov $0x42, %al; out %al, $0x10;
 * hlt.
 */
TEST(vcpu_real_mode_code_runs_from_reset_state)
{
	static const unsigned char code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
	struct vmem_vm_config cfg = vmem_config(1 * MiB);
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	struct vmem_run *run;
	int dev, vm, vcpu;

	dev = vmemio_open();
	ASSERT_LE(0, dev);
	vm = vmemio_create_vm(dev, &cfg);
	ASSERT_LE(0, vm);
	vcpu = vmemio_create_vcpu(vm, 0);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(0, vmemio_map_run(vcpu, 2 * 4096, &run));
	ASSERT_EQ(0, vmemio_write_guest(vm, 0x1000, code, sizeof(code)));

	ASSERT_EQ(0, vmemio_get_sregs(vcpu, &sregs));
	EXPECT_EQ(0, sregs.cr0 & 1);		/* PE clear: real mode */
	EXPECT_EQ(0xf000, sregs.cs.selector);
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	ASSERT_EQ(0, vmemio_set_sregs(vcpu, &sregs));
	ASSERT_EQ(0, vmemio_get_regs(vcpu, &regs));
	EXPECT_EQ(0xfff0, regs.rip);
	regs.rip = 0x1000;
	ASSERT_EQ(0, vmemio_set_regs(vcpu, &regs));

	ASSERT_EQ(0, vmemio_run(vcpu));
	ASSERT_EQ(VMEM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(VMEM_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x10, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ(0x42, *((unsigned char *)run + run->io.data_offset));
	ASSERT_EQ(0, vmemio_run(vcpu));
	EXPECT_EQ(VMEM_EXIT_HLT, run->exit_reason);
	ASSERT_EQ(0, vmemio_get_regs(vcpu, &regs));
	EXPECT_EQ(0x1005, regs.rip);

	munmap(run, 2 * 4096);
	close(vcpu);
	close(vm);
	close(dev);
}

TEST_HARNESS_MAIN
