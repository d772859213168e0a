// SPDX-License-Identifier: GPL-2.0
/*
 * vmemctl ls / stat / top against a made-up copy of /sys/kernel/vmem
 * ($VMEM_SYSFS): the numbers each column shows, sorting, unit conversion,
 * and the errors for a missing module or VM. Runs vmemctl from the tree
 * (userland/vmemctl/vmemctl, found relative to this program).
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static char vmemctl[PATH_MAX];

static void put(const char *dir, const char *name, const char *val)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "%s\n", val);
	fclose(f);
}

static void add_vm(const char *root, const char *name, const char *id,
		   const char *size, const char *allocated, const char *shared)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/vms/%s", root, name);
	if (mkdir(dir, 0755))
		abort();
	put(dir, "id", id);
	put(dir, "mem_size", size);
	put(dir, "min_size", "16777216");
	put(dir, "shares", "2000");
	put(dir, "nr_vcpus", "2");
	put(dir, "allocated", allocated);
	put(dir, "touched", "1024");
	put(dir, "shared", shared);
	put(dir, "zero", "256");
	put(dir, "cow_breaks", "7");
	put(dir, "salt", "0");
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
	char dir[PATH_MAX];

	ASSERT_LT(0, n);
	exe[n] = '\0';
	snprintf(vmemctl, sizeof(vmemctl), "%s/../../userland/vmemctl/vmemctl",
		 dirname(exe));
	if (access(vmemctl, X_OK))
		SKIP(return, "userland/vmemctl/vmemctl is not built");

	strcpy(self->root, "/tmp/vmemctl_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(dir, sizeof(dir), "%s/vms", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(dir, sizeof(dir), "%s/share", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	put(self->root, "backend", "vmx");
	put(self->root, "nr_vms", "2");
	put(self->root, "nr_vcpus", "4");
	put(self->root, "pool_mb", "1024");
	put(self->root, "pool_allocated_pages", "25600");
	put(self->root, "pool_reserved_pages", "8192");
	put(self->root, "pool_free_pages", "236544");
	put(dir, "enabled", "1");
	put(dir, "bytes_saved", "52428800");
	put(dir, "pages_shared", "1000");
	put(dir, "pages_sharing", "2000");
	put(dir, "zero_pages", "300");
	put(dir, "cow_breaks", "42");
	/* Created in reverse order: ls sorts by name. */
	add_vm(self->root, "zulu", "9", "134217728", "512", "128");
	add_vm(self->root, "alpha", "3", "67108864", "2560", "0");
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
