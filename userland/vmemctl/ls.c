// SPDX-License-Identifier: GPL-2.0
/*
 * `vmemctl ls`, `vmemctl stat` and `vmemctl top`: what vmem is doing, read
 * through <vmem/sysfs.h> from /sys/kernel/vmem (or from $VMEM_SYSFS, a copy
 * of that tree, which is how the unit test feeds them). ls is one line per VM; stat is every
 * counter of the module or of the named VMs; top is ls with the pool and
 * page-sharing summary, refreshed.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmem/sysfs.h>

#include "vmemctl.h"

#define PAGE		4096ULL

static long long max0(long long v)
{
	return v < 0 ? 0 : v;
}

/* Bytes as "123.4M"-style text in a fixed width; "-" when unknown. */
static const char *mib(long long bytes, char *buf, size_t size)
{
	if (bytes < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1fM", (double)bytes / (1 << 20));
	return buf;
}

static int no_vmem(int err)
{
	vmemctl_err("cannot read %s/vms: %s (is vmem.ko loaded?)", vmemsysfs_root(),
		    strerror(-err));
	return 1;
}

static void print_vm_line(const char *name)
{
	char b[6][32];

	printf("%-16s %5lld %5lld %9s %9s %6lld %9s %9s %9s %9s %8lld\n", name,
	       vmemsysfs_vm_num(name, "id"), vmemsysfs_vm_num(name, "nr_vcpus"),
	       mib(vmemsysfs_vm_num(name, "mem_size"), b[0], sizeof(b[0])),
	       mib(vmemsysfs_vm_num(name, "min_size"), b[1], sizeof(b[1])),
	       vmemsysfs_vm_num(name, "shares"),
	       mib(vmemsysfs_vm_num(name, "touched") * (long long)PAGE, b[2],
		   sizeof(b[2])),
	       mib(vmemsysfs_vm_num(name, "allocated") * (long long)PAGE, b[3],
		   sizeof(b[3])),
	       mib(vmemsysfs_vm_num(name, "shared") * (long long)PAGE, b[4],
		   sizeof(b[4])),
	       mib(vmemsysfs_vm_num(name, "zero") * (long long)PAGE, b[5],
		   sizeof(b[5])),
	       vmemsysfs_vm_num(name, "cow_breaks"));
}

/* The table of VMs; returns non-zero if vmem is not there. */
static int print_table(void)
{
	char **names;
	int n, i;

	n = vmemsysfs_vm_names(&names);
	if (n < 0)
		return no_vmem(n);
	printf("%-16s %5s %5s %9s %9s %6s %9s %9s %9s %9s %8s\n", "NAME", "ID",
	       "VCPUS", "SIZE", "MIN", "SHARES", "TOUCHED", "PRIVATE", "SHARED",
	       "ZERO", "COW");
	for (i = 0; i < n; i++)
		print_vm_line(names[i]);
	vmemsysfs_free_names(names, n);
	return 0;
}

static void ls_usage(FILE *f)
{
	fprintf(f,
"usage: vmemctl ls\n"
"\n"
"One line per VM, sorted by name. Sizes in MiB:\n"
"  SIZE     configured guest memory       MIN      reservation\n"
"  TOUCHED  guest pages ever written      PRIVATE  machine pages of its own\n"
"  SHARED   pages mapped to a shared frame ZERO    pages on the zero page\n"
"  SHARES   proportional share             COW     copy-on-write breaks\n"
"Reads /sys/kernel/vmem (or $VMEM_SYSFS).\n");
}

/** cmd_ls() - `vmemctl ls`. */
int cmd_ls(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		ls_usage(stdout);
		return 0;
	}
	if (argc != 1) {
		ls_usage(stderr);
		return 1;
	}
	return print_table();
}

/* Every attribute file in ROOT/REL as "name: value", sorted. */
static int print_dir(const char *rel, const char *indent)
{
	char path[512], attr[512], val[256];
	struct dirent **ents;
	int n, i;

	n = vmemsysfs_path(rel, path, sizeof(path));
	if (n)
		return n;
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(attr, sizeof(attr), "%s%s%s", rel, *rel ? "/" : "",
			 ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && ents[i]->d_type != DT_DIR &&
		    !vmemsysfs_read(attr, val, sizeof(val)))
			printf("%s%-22s %s\n", indent, ents[i]->d_name, val);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

static void stat_usage(FILE *f)
{
	fprintf(f,
"usage: vmemctl stat [NAME...]\n"
"\n"
"Without NAME: the module's state (backend, pool, page sharing). With\n"
"NAMEs: every counter of those VMs (pages, unless the name says bytes).\n"
"Reads /sys/kernel/vmem (or $VMEM_SYSFS).\n");
}

/** cmd_stat() - `vmemctl stat [NAME...]`. */
int cmd_stat(int argc, char **argv)
{
	char rel[300];
	int i, r, status = 0;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		stat_usage(stdout);
		return 0;
	}
	if (argc == 1) {
		r = print_dir("", "");
		if (r)
			return no_vmem(r);
		printf("share:\n");
		print_dir("share", "  ");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strchr(argv[i], '/') || !strcmp(argv[i], ".") ||
		    !strcmp(argv[i], "..")) {
			vmemctl_err("'%s' is not a VM name", argv[i]);
			status = 1;
			continue;
		}
		snprintf(rel, sizeof(rel), "vms/%s", argv[i]);
		if (vmemsysfs_vm_num(argv[i], "id") < 0) {
			vmemctl_err("no VM named '%s'", argv[i]);
			status = 1;
			continue;
		}
		printf("%s:\n", argv[i]);
		print_dir(rel, "  ");
	}
	return status;
}

static void top_usage(FILE *f)
{
	fprintf(f,
"usage: vmemctl top [-d SECS] [-n COUNT]\n"
"\n"
"The pool, page sharing and `vmemctl ls`, refreshed every SECS seconds\n"
"(default 2) until interrupted, or COUNT times.\n"
"  -d, --delay SECS   seconds between refreshes (1..3600)\n"
"  -n, --count COUNT  stop after COUNT screens\n");
}

static void print_summary(void)
{
	char b[4][32];
	long long pool = vmemsysfs_num("pool_mb");
	long long used = vmemsysfs_num("pool_allocated_pages");

	printf("vmem: %s backend, %lld VMs, %lld vCPUs\n",
	       vmemsysfs_read("backend", b[3], sizeof(b[3])) ? "?" : b[3],
	       vmemsysfs_num("nr_vms"), vmemsysfs_num("nr_vcpus"));
	printf("pool: %s, used %s, reserved %s, free %s\n",
	       mib(pool < 0 ? -1 : pool << 20, b[0], sizeof(b[0])),
	       mib(used < 0 ? -1 : used * (long long)PAGE, b[1], sizeof(b[1])),
	       mib(vmemsysfs_num("pool_reserved_pages") * (long long)PAGE, b[2],
		   sizeof(b[2])),
	       mib(vmemsysfs_num("pool_free_pages") * (long long)PAGE, b[3],
		   sizeof(b[3])));
	printf("sharing: %s, saved %s, %lld frames, %lld sharers, %lld zero pages, %lld COW breaks\n\n",
	       vmemsysfs_num("share/enabled") == 1 ? "on" : "off",
	       mib(vmemsysfs_num("share/bytes_saved"), b[0], sizeof(b[0])),
	       max0(vmemsysfs_num("share/pages_shared")),
	       max0(vmemsysfs_num("share/pages_sharing")),
	       max0(vmemsysfs_num("share/zero_pages")),
	       max0(vmemsysfs_num("share/cow_breaks")));
}

/** cmd_top() - `vmemctl top`. */
int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 delay = 2, count = 0, i;
	bool tty = isatty(STDOUT_FILENO);
	int c;

	while ((c = getopt_long(argc, argv, "d:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_u64(optarg, &delay) || !delay || delay > 3600) {
				vmemctl_err("--delay wants 1..3600 seconds, not '%s'",
					    optarg);
				return 1;
			}
			break;
		case 'n':
			if (parse_u64(optarg, &count) || !count) {
				vmemctl_err("--count wants a positive number, not '%s'",
					    optarg);
				return 1;
			}
			break;
		case 'h':
			top_usage(stdout);
			return 0;
		default:
			top_usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		top_usage(stderr);
		return 1;
	}
	for (i = 0; !count || i < count; i++) {
		if (i)
			sleep(delay);
		if (tty)
			printf("\033[H\033[J");	/* home, clear the screen */
		print_summary();
		if (print_table())
			return 1;
		fflush(stdout);
	}
	return 0;
}
