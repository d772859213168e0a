// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmem itself: API version, extensions, mmap size, permissions and
 * unknown ioctls.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "vmem_util.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = vmemio_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", VMEM_DEV_PATH,
				      strerror(-self->fd));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, api_version_is_current)
{
	EXPECT_EQ(VMEM_API_VERSION, vmemio_get_api_version(self->fd));
	EXPECT_EQ(VMEM_API_VERSION, vmemsysfs_num("api_version"));
}

TEST_F(dev, api_version_rejects_argument)
{
	EXPECT_EQ(-EINVAL, vmemio_ioctl(self->fd, VMEM_GET_API_VERSION, 1));
}

TEST_F(dev, api_check_extension_matches_backend)
{
	char backend[16] = "";
	int svm, vmx;

	ASSERT_EQ(0, vmemsysfs_read("backend", backend, sizeof(backend)));
	svm = vmemio_check_extension(self->fd, VMEM_CAP_SVM);
	vmx = vmemio_check_extension(self->fd, VMEM_CAP_VMX);
	EXPECT_EQ(!strcmp(backend, "svm"), svm);
	EXPECT_EQ(!strcmp(backend, "vmx"), vmx);
	EXPECT_EQ(1, svm + vmx);
	EXPECT_EQ(VMEM_MAX_VCPUS,
		  vmemio_check_extension(self->fd, VMEM_CAP_MAX_VCPUS));
	EXPECT_EQ(40, vmemio_check_extension(self->fd,
					     VMEM_CAP_MAX_MEM_SIZE_SHIFT));
	EXPECT_EQ(0, vmemio_check_extension(self->fd, 0x7fffffffUL));
}

TEST_F(dev, api_vcpu_mmap_size_is_two_pages)
{
	EXPECT_EQ(2 * getpagesize(), vmemio_get_vcpu_mmap_size(self->fd));
	EXPECT_EQ(-EINVAL, vmemio_ioctl(self->fd, VMEM_GET_VCPU_MMAP_SIZE, 5));
}

TEST_F(dev, api_unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-ENOTTY, vmemio_ioctl(self->fd, _IO(VMEMIO, 0x3f), 0));
	EXPECT_EQ(-ENOTTY, vmemio_ioctl(self->fd, _IO('Q', 0x01), 0));
	/* A VM-fd ioctl on the device fd is not understood either. */
	EXPECT_EQ(-ENOTTY, vmemio_create_vcpu(self->fd, 0));
}

TEST(api_dev_node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(VMEM_DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
}

TEST_HARNESS_MAIN
