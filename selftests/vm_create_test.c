// SPDX-License-Identifier: GPL-2.0
/*
 * VMEM_CREATE_VM: success, the values written back, the sysfs view, and a
 * documented errno for every kind of bad argument.
 */
#include <limits.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "vmem_util.h"

FIXTURE(vm) {
	int dev;
};

FIXTURE_SETUP(vm)
{
	self->dev = vmemio_open();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, vmemsysfs_num("nr_vms")) TH_LOG("a VM leaked from a previous test");
}

FIXTURE_TEARDOWN(vm)
{
	close(self->dev);
}

/* Create with @cfg and expect failure with errno @err. */
#define EXPECT_CREATE_FAILS(err, cfg)					\
	do {								\
		int __fd = vmemio_create_vm(self->dev, &(cfg));		\
		EXPECT_EQ(-(err), __fd);				\
		if (__fd >= 0)						\
			close(__fd);					\
	} while (0)

TEST_F(vm, vm_create_writes_back_id_and_name)
{
	struct vmem_vm_config cfg = vmem_config(16 * MiB);
	char expect[VMEM_NAME_LEN];
	int fd;

	cfg.id = 12345;		/* ignored on input */
	fd = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, fd);
	snprintf(expect, sizeof(expect), "vm%u", cfg.id);
	EXPECT_STREQ(expect, cfg.name);
	EXPECT_EQ(cfg.id, vmemsysfs_vm_num(cfg.name, "id"));
	EXPECT_EQ(16 * MiB, vmemsysfs_vm_num(cfg.name, "mem_size"));
	EXPECT_EQ(VMEM_DEFAULT_SHARES, vmemsysfs_vm_num(cfg.name, "shares"));
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	close(fd);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
	EXPECT_EQ(-1, vmemsysfs_vm_num(cfg.name, "id"));
}

TEST_F(vm, vm_create_keeps_given_parameters)
{
	struct vmem_vm_config cfg = vmem_config(64 * MiB);
	int fd;

	strcpy(cfg.name, "guest-A_1.x");
	cfg.shares = 2500;
	cfg.salt = 77;
	cfg.min_size = 4 * MiB;
	fd = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, fd);
	EXPECT_STREQ("guest-A_1.x", cfg.name);
	EXPECT_EQ(2500, vmemsysfs_vm_num("guest-A_1.x", "shares"));
	EXPECT_EQ(77, vmemsysfs_vm_num("guest-A_1.x", "salt"));
	EXPECT_EQ(4 * MiB, vmemsysfs_vm_num("guest-A_1.x", "min_size"));
	close(fd);
}

TEST_F(vm, vm_create_rejects_nonzero_reserved)
{
	unsigned int i;

	for (i = 0; i < sizeof(((struct vmem_vm_config *)0)->reserved) / 8; i++) {
		struct vmem_vm_config cfg = vmem_config(16 * MiB);

		cfg.reserved[i] = 1ULL << (i * 7);
		EXPECT_CREATE_FAILS(EINVAL, cfg);
	}
	{
		struct vmem_vm_config cfg = vmem_config(16 * MiB);

		cfg.pad = 1;
		EXPECT_CREATE_FAILS(EINVAL, cfg);
	}
}

TEST_F(vm, vm_create_rejects_unknown_flags)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		struct vmem_vm_config cfg = vmem_config(16 * MiB);

		cfg.flags = 1u << bit;
		EXPECT_CREATE_FAILS(EINVAL, cfg);
	}
}

TEST_F(vm, vm_create_rejects_absurd_sizes)
{
	const __u64 bad[] = { 0, 1, 4095, 4097, 16 * MiB + 512,
			      VMEM_MAX_MEM_SIZE + 4096, 1ULL << 63, ~0ULL };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vmem_vm_config cfg = vmem_config(bad[i]);

		EXPECT_CREATE_FAILS(EINVAL, cfg);
	}
}

TEST_F(vm, vm_create_accepts_max_size_without_allocating)
{
	struct vmem_vm_config cfg = vmem_config(VMEM_MAX_MEM_SIZE);
	long long before = vmemsysfs_num("pool_allocated_pages");
	int fd = vmemio_create_vm(self->dev, &cfg);

	ASSERT_LE(0, fd);
	EXPECT_EQ(before, vmemsysfs_num("pool_allocated_pages"));
	close(fd);
}

TEST_F(vm, vm_create_rejects_bad_min)
{
	struct vmem_vm_config cfg = vmem_config(16 * MiB);

	cfg.min_size = 16 * MiB + 4096;
	EXPECT_CREATE_FAILS(EINVAL, cfg);
	cfg.min_size = 4096 + 1;
	EXPECT_CREATE_FAILS(EINVAL, cfg);
}

TEST_F(vm, vm_create_rejects_bad_shares)
{
	struct vmem_vm_config cfg = vmem_config(16 * MiB);

	cfg.shares = VMEM_MAX_SHARES + 1;
	EXPECT_CREATE_FAILS(EINVAL, cfg);
	cfg.shares = UINT_MAX;
	EXPECT_CREATE_FAILS(EINVAL, cfg);
}

TEST_F(vm, vm_create_rejects_bad_names)
{
	const char *bad[] = { "a b", "../up", "x/y", ".hidden", "tab\t",
			      "caf\xc3\xa9", "semi;colon" };
	struct vmem_vm_config cfg;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = vmem_config(16 * MiB);
		strcpy(cfg.name, bad[i]);
		EXPECT_CREATE_FAILS(EINVAL, cfg);
	}
	/* No terminating NUL inside the field. */
	cfg = vmem_config(16 * MiB);
	memset(cfg.name, 'a', sizeof(cfg.name));
	EXPECT_CREATE_FAILS(EINVAL, cfg);
}

TEST_F(vm, vm_create_rejects_duplicate_name)
{
	struct vmem_vm_config cfg = vmem_config(16 * MiB);
	int fd, fd2;

	strcpy(cfg.name, "twin");
	fd = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, fd);
	EXPECT_CREATE_FAILS(EEXIST, cfg);
	EXPECT_EQ(1, vmemsysfs_num("nr_vms"));
	close(fd);
	/* The name is free again once the VM is gone. */
	fd2 = vmemio_create_vm(self->dev, &cfg);
	EXPECT_LE(0, fd2);
	close(fd2);
}

/*
 * A user may name a VM like an automatic name. The VM that would have got
 * that name automatically gets another one instead of failing.
 */
TEST_F(vm, vm_create_automatic_name_avoids_a_users_vmN)
{
	struct vmem_vm_config a = vmem_config(16 * MiB);
	struct vmem_vm_config b = vmem_config(16 * MiB);
	struct vmem_vm_config c = vmem_config(16 * MiB);
	char taken[VMEM_NAME_LEN];
	int fa, fb, fc;

	fa = vmemio_create_vm(self->dev, &a);
	ASSERT_LE(0, fa);
	/* Ids are the lowest free: b takes a.id + 1, c would be "vm<a.id+2>". */
	snprintf(taken, sizeof(taken), "vm%u", a.id + 2);
	strcpy(b.name, taken);
	fb = vmemio_create_vm(self->dev, &b);
	ASSERT_LE(0, fb);
	ASSERT_EQ(a.id + 1, b.id);
	fc = vmemio_create_vm(self->dev, &c);
	EXPECT_LE(0, fc);
	EXPECT_EQ(a.id + 2, c.id);
	EXPECT_STRNE(taken, c.name);
	EXPECT_EQ(0, strncmp(c.name, taken, strlen(taken))) TH_LOG("got %s", c.name);
	EXPECT_EQ(c.id, vmemsysfs_vm_num(c.name, "id"));
	EXPECT_EQ(3, vmemsysfs_num("nr_vms"));
	if (fc >= 0)
		close(fc);
	close(fb);
	close(fa);
}

TEST_F(vm, vm_create_rejects_bad_pointer)
{
	EXPECT_EQ(-EFAULT, vmemio_create_vm(self->dev, NULL));
	EXPECT_EQ(-EFAULT, vmemio_create_vm(self->dev,
					    (struct vmem_vm_config *)8));
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
}

TEST_F(vm, vm_create_admission_control)
{
	long long pool = vmemsysfs_num("pool_mb") * MiB;
	long long reserved = vmemsysfs_num("pool_reserved_pages");
	struct vmem_vm_config cfg = vmem_config(VMEM_MAX_MEM_SIZE);
	int fd;

	ASSERT_LT(0, pool);
	/* A reservation bigger than the pool is refused... */
	cfg.min_size = pool + 4096;
	EXPECT_CREATE_FAILS(ENOMEM, cfg);
	/* ...one that fits is accounted... */
	cfg.min_size = pool / 2;
	fd = vmemio_create_vm(self->dev, &cfg);
	ASSERT_LE(0, fd);
	EXPECT_EQ(reserved + pool / 2 / 4096, vmemsysfs_num("pool_reserved_pages"));
	/* ...and the next one must fit in what is left. */
	cfg.min_size = pool / 2 + 4096;
	cfg.name[0] = '\0';
	EXPECT_CREATE_FAILS(ENOMEM, cfg);
	close(fd);
	EXPECT_EQ(reserved, vmemsysfs_num("pool_reserved_pages"));
}

TEST_F(vm, vm_create_limited_by_max_vms)
{
	long long old = vmemsysfs_num("max_vms");
	struct vmem_vm_config cfg = vmem_config(16 * MiB);
	int fds[3], i;

	ASSERT_EQ(0, vmemsysfs_write("max_vms", "2"));
	for (i = 0; i < 2; i++) {
		cfg.name[0] = '\0';
		fds[i] = vmemio_create_vm(self->dev, &cfg);
		EXPECT_LE(0, fds[i]);
	}
	cfg.name[0] = '\0';
	EXPECT_CREATE_FAILS(ENOSPC, cfg);
	for (i = 0; i < 2; i++)
		close(fds[i]);
	EXPECT_EQ(-EINVAL, vmemsysfs_write("max_vms", "0"));
	EXPECT_EQ(-EINVAL, vmemsysfs_write("max_vms", "100000"));
	EXPECT_EQ(0, vmemsysfs_write_num("max_vms", old));
}

TEST_HARNESS_MAIN
