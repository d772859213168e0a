// SPDX-License-Identifier: GPL-2.0
/*
 * vmemctl ls / stat / top against a made-up copy of /sys/kernel/vmem
 * ($VMEM_SYSFS, built with libvmem's vmemsysfs_create()): the numbers each
 * column shows, sorting, unit conversion, and the errors for a missing
 * module or VM. Runs vmemctl from the tree (userland/vmemctl/vmemctl, found
 * relative to this program).
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmem/sysfs.h>

#include "kselftest_harness.h"

static char vmemctl[PATH_MAX];

/* The module's own attributes, as the fixture's tree shows them. */
static const char *const module_attrs[][2] = {
	{ "backend", "vmx" },
	{ "nr_vms", "2" },
	{ "nr_vcpus", "4" },
	{ "pool_mb", "1024" },
	{ "pool_allocated_pages", "25600" },
	{ "pool_reserved_pages", "8192" },
	{ "pool_free_pages", "236544" },
	{ "share/enabled", "1" },
	{ "share/bytes_saved", "52428800" },
	{ "share/pages_shared", "1000" },
	{ "share/pages_sharing", "2000" },
	{ "share/zero_pages", "300" },
	{ "share/cow_breaks", "42" },
};

/* VM @name in the tree under $VMEM_SYSFS; returns 0 or -errno. */
static int add_vm(const char *name, const char *id, const char *size,
		  const char *allocated, const char *shared)
{
	const char *const attrs[][2] = {
		{ "id", id },
		{ "mem_size", size },
		{ "min_size", "16777216" },
		{ "shares", "2000" },
		{ "nr_vcpus", "2" },
		{ "allocated", allocated },
		{ "touched", "1024" },
		{ "shared", shared },
		{ "zero", "256" },
		{ "cow_breaks", "7" },
		{ "salt", "0" },
	};
	char rel[128];
	unsigned int i;
	int r;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(rel, sizeof(rel), "vms/%s/%s", name, attrs[i][0]);
		r = vmemsysfs_create(rel, attrs[i][1]);
		if (r)
			return r;
	}
	return 0;
}

/* Runs "vmemctl ARGS" with VMEM_SYSFS=root; returns its exit status. */
static int run(const char *root, const char *args, char *out, size_t size)
{
	char cmd[2 * PATH_MAX + 256];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "VMEM_SYSFS='%s' '%s' %s 2>&1", root,
		 vmemctl, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

FIXTURE(tree) {
	char root[64];
	char out[8192];
};

FIXTURE_SETUP(tree)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	unsigned int i;

	ASSERT_LT(0, n);
	exe[n] = '\0';
	snprintf(vmemctl, sizeof(vmemctl), "%s/../../userland/vmemctl/vmemctl",
		 dirname(exe));
	if (access(vmemctl, X_OK))
		SKIP(return, "userland/vmemctl/vmemctl is not built");

	strcpy(self->root, "/tmp/vmemctl_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, setenv(VMEM_SYSFS_ENV, self->root, 1));
	for (i = 0; i < sizeof(module_attrs) / sizeof(module_attrs[0]); i++)
		ASSERT_EQ(0, vmemsysfs_create(module_attrs[i][0],
					      module_attrs[i][1]));
	/* Created in reverse order: ls sorts by name. */
	ASSERT_EQ(0, add_vm("zulu", "9", "134217728", "512", "128"));
	ASSERT_EQ(0, add_vm("alpha", "3", "67108864", "2560", "0"));
}

FIXTURE_TEARDOWN(tree)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->root);
	if (system(cmd))
		TH_LOG("could not remove %s", self->root);
}

TEST_F(tree, vmemctl_ls_one_sorted_line_per_vm)
{
	char *alpha, *zulu;
	const char *want;

	ASSERT_EQ(0, run(self->root, "ls", self->out, sizeof(self->out)));
	ASSERT_EQ(0, strncmp(self->out, "NAME", 4)) TH_LOG("%s", self->out);
	alpha = strstr(self->out, "\nalpha ");
	zulu = strstr(self->out, "\nzulu ");
	ASSERT_NE(NULL, alpha);
	ASSERT_NE(NULL, zulu);
	EXPECT_LT(alpha, zulu);
	/* id, vCPUs, 64 MiB, 16 MiB min, 2000 shares, 4 MiB touched,
	 * 10 MiB private (2560 pages), nothing shared, 1 MiB zero, 7 COW. */
	want = "alpha                3     2     64.0M     16.0M   2000      4.0M     10.0M      0.0M      1.0M        7\n";
	EXPECT_EQ(0, strncmp(alpha + 1, want, strlen(want))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(zulu, "  128.0M ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(zulu, "  2.0M      0.5M ")) TH_LOG("%s", self->out);
}

TEST_F(tree, vmemctl_stat_shows_every_counter)
{
	ASSERT_EQ(0, run(self->root, "stat zulu", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "zulu:\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  allocated              512\n"));
	EXPECT_NE(NULL, strstr(self->out, "  mem_size               134217728\n"));
	EXPECT_NE(NULL, strstr(self->out, "  salt                   0\n"));
	ASSERT_EQ(0, run(self->root, "stat", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "backend                vmx\n"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "share:\n  bytes_saved            52428800\n"));
}

TEST_F(tree, vmemctl_stat_unknown_or_bad_name_fails)
{
	EXPECT_EQ(1, run(self->root, "stat alpha nosuch", self->out,
			 sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "no VM named 'nosuch'"));
	EXPECT_NE(NULL, strstr(self->out, "alpha:\n"));
	EXPECT_EQ(1, run(self->root, "stat ../share", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "is not a VM name"));
}

TEST_F(tree, vmemctl_top_summarizes_pool_and_sharing)
{
	ASSERT_EQ(0, run(self->root, "top -n 1", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "vmem: vmx backend, 2 VMs, 4 vCPUs\n"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out,
			       "pool: 1024.0M, used 100.0M, reserved 32.0M, free 924.0M\n"));
	EXPECT_NE(NULL, strstr(self->out,
			       "sharing: on, saved 50.0M, 1000 frames, 2000 sharers, 300 zero pages, 42 COW breaks\n"));
	EXPECT_NE(NULL, strstr(self->out, "\nalpha "));
	EXPECT_EQ(1, run(self->root, "top -d 0", self->out, sizeof(self->out)));
	EXPECT_EQ(1, run(self->root, "top extra", self->out, sizeof(self->out)));
}

TEST_F(tree, vmemctl_ls_without_vmem_says_so)
{
	EXPECT_EQ(1, run("/nonexistent", "ls", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "is vmem.ko loaded?")) TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
