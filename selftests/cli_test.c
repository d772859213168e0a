// SPDX-License-Identifier: GPL-2.0
/*
 * vmemctl ls and stat against the real /sys/kernel/vmem: the VMs this test
 * creates appear with the memory the module accounts to them. (The output
 * format itself is checked on the host, selftests/unit/vmemctl_test.c.)
 * Runs ./vmemctl from the payload.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmem_util.h"

#define PAGES	100

static int run(const char *args, char *out, size_t size)
{
	char cmd[256];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "./vmemctl %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A VM named @name with @pages pages written through VMEM_WRITE_GUEST. */
static int vm_with_pages(int dev, const char *name, int pages)
{
	struct vmem_vm_config cfg = vmem_config(64 * MiB);
	static char page[4096];
	int vm, i;

	strcpy(cfg.name, name);
	vm = vmemio_create_vm(dev, &cfg);
	for (i = 0; vm >= 0 && i < pages; i++) {
		/* Unlike each other and not zero: nothing for the scanner. */
		snprintf(page, sizeof(page), "%s page %d", name, i);
		if (vmemio_write_guest(vm, (__u64)i * 4096, page, sizeof(page)))
			return -1;
	}
	return vm;
}

static const char *backend(void)
{
	static char buf[32];

	if (vmemsysfs_read("backend", buf, sizeof(buf)))
		strcpy(buf, "?");
	return buf;
}

TEST(cli_ls_and_stat_show_the_vms)
{
	char out[8192], want[128];
	int dev, a, b;

	if (access("./vmemctl", X_OK))
		SKIP(return, "no ./vmemctl in the payload");
	dev = vmemio_open();
	ASSERT_LE(0, dev);
	a = vm_with_pages(dev, "cli-a", PAGES);
	b = vm_with_pages(dev, "cli-b", PAGES / 2);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);

	ASSERT_EQ(0, run("ls", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\ncli-a ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\ncli-b ")) TH_LOG("%s", out);
	EXPECT_LT(strstr(out, "\ncli-a "), strstr(out, "\ncli-b "));

	ASSERT_EQ(0, run("stat cli-a cli-b", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "cli-a:\n  allocated              %lld\n",
		 vmemsysfs_vm_num("cli-a", "allocated"));
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_LE(PAGES, vmemsysfs_vm_num("cli-a", "allocated"));
	EXPECT_NE(NULL, strstr(out, "  mem_size               67108864\n"));

	ASSERT_EQ(0, run("top -n 1", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "vmem: %s backend, ", backend());
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\ncli-b ")) TH_LOG("%s", out);

	close(a);
	close(b);
	/* Gone as soon as their fds are. */
	ASSERT_EQ(1, run("stat cli-a", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "no VM named 'cli-a'"));
	close(dev);
}

TEST_HARNESS_MAIN
