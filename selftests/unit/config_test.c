// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/config.c: VM name and configuration validation.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "config.h"

static struct vmem_vm_config good(void)
{
	struct vmem_vm_config c;

	memset(&c, 0, sizeof(c));
	c.mem_size = 1 << 20;
	return c;
}

TEST(config_name_accepts_allowed_characters)
{
	char n[VMEM_NAME_LEN] = "Az09-_.x";

	EXPECT_TRUE(vmem_name_valid(n, sizeof(n)));
	EXPECT_TRUE(vmem_name_valid("", 1));	/* empty: core picks one */
	memset(n, 'z', sizeof(n) - 1);
	n[sizeof(n) - 1] = '\0';
	EXPECT_TRUE(vmem_name_valid(n, sizeof(n)));	/* 31 chars */
}

TEST(config_name_rejects_bad_characters)
{
	const char *bad[] = { " ", "a/b", "..", ".x", "\n", "a*", "\x80" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_FALSE(vmem_name_valid(bad[i], strlen(bad[i]) + 1))
			TH_LOG("accepted \"%s\"", bad[i]);
	}
}

TEST(config_name_needs_terminator_inside_buffer)
{
	char n[4] = { 'a', 'b', 'c', 'd' };

	EXPECT_FALSE(vmem_name_valid(n, sizeof(n)));
	n[3] = '\0';
	EXPECT_TRUE(vmem_name_valid(n, sizeof(n)));
}

TEST(config_check_accepts_sane_config)
{
	struct vmem_vm_config c = good();

	EXPECT_EQ(0, vmem_config_check(&c));
	c.mem_size = VMEM_MAX_MEM_SIZE;
	c.min_size = VMEM_MAX_MEM_SIZE;
	c.shares = VMEM_MAX_SHARES;
	c.id = 99;		/* output field: ignored */
	EXPECT_EQ(0, vmem_config_check(&c));
}

TEST(config_check_rejects_each_bad_field)
{
	struct vmem_vm_config c;
	unsigned int i;

	c = good(); c.mem_size = 0;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.mem_size = 4097;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.mem_size = VMEM_MAX_MEM_SIZE + 4096;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.min_size = c.mem_size + 4096;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.min_size = 100;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.shares = VMEM_MAX_SHARES + 1;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.flags = 1;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	c = good(); c.pad = 1;
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	for (i = 0; i < 8; i++) {
		c = good();
		c.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, vmem_config_check(&c));
	}
	c = good(); strcpy(c.name, "bad name");
	EXPECT_EQ(-EINVAL, vmem_config_check(&c));
}

TEST_HARNESS_MAIN
