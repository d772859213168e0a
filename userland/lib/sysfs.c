// SPDX-License-Identifier: GPL-2.0
/*
 * vmem's sysfs attributes from userspace: path resolution against the root
 * ($VMEM_SYSFS or /sys/kernel/vmem), reading the first line of an attribute
 * as text or as a number, writing one, and listing the VMs under vms/.
 * Also creating attributes, which only a stand-in tree allows (sysfs itself
 * has no create). Process context, no state of its own: thread-safe as long
 * as nobody changes $VMEM_SYSFS meanwhile.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <vmem/sysfs.h>

/* Bounds the VM list, so that a runaway stand-in tree cannot exhaust memory. */
#define MAX_VM_NAMES	4096

/**
 * vmemsysfs_root() - the directory relative paths are resolved against.
 *
 * Return: $VMEM_SYSFS when set and non-empty, else VMEM_SYSFS_ROOT.
 */
const char *vmemsysfs_root(void)
{
	const char *root = getenv(VMEM_SYSFS_ENV);

	return root && *root ? root : VMEM_SYSFS_ROOT;
}

/**
 * vmemsysfs_path() - the file name of an attribute.
 * @rel: path relative to the root ("" for the root itself), or absolute.
 * @buf: where to put it.
 * @size: size of @buf.
 *
 * Return: 0, or -ENAMETOOLONG if it does not fit.
 */
int vmemsysfs_path(const char *rel, char *buf, size_t size)
{
	int n;

	if (rel[0] == '/')
		n = snprintf(buf, size, "%s", rel);
	else
		n = snprintf(buf, size, "%s%s%s", vmemsysfs_root(),
			     *rel ? "/" : "", rel);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/**
 * vmemsysfs_read() - the first line of an attribute, without its newline.
 * @rel: the attribute (see vmemsysfs_path()).
 * @buf: where to put it; a longer line is cut to fit.
 * @size: size of @buf, at least 2.
 *
 * Return: 0, -ENODATA for an empty file, or the -errno of open/read
 * (-ENOENT: no such attribute, or vmem is not loaded).
 */
int vmemsysfs_read(const char *rel, char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd, r;

	if (size < 2)
		return -EINVAL;
	r = vmemsysfs_path(rel, path, sizeof(path));
	if (r)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	r = n < 0 ? -errno : n == 0 ? -ENODATA : 0;
	close(fd);
	if (r)
		return r;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/**
 * vmemsysfs_read_num() - an attribute holding one decimal number.
 * @rel: the attribute (see vmemsysfs_path()).
 * @val: set to the number.
 *
 * Return: 0, -EINVAL if the first line is not a whole number, -ERANGE if it
 * does not fit, or an error of vmemsysfs_read().
 */
int vmemsysfs_read_num(const char *rel, long long *val)
{
	char buf[64], *end;
	long long v;
	int r;

	r = vmemsysfs_read(rel, buf, sizeof(buf));
	if (r)
		return r;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || *end)
		return -EINVAL;
	if (errno)
		return -errno;
	*val = v;
	return 0;
}

/**
 * vmemsysfs_num() - an attribute's number, for callers to whom "absent"
 * and "unreadable" are the same.
 * @rel: the attribute (see vmemsysfs_path()).
 *
 * Return: the number, or -1 if vmemsysfs_read_num() fails.
 */
long long vmemsysfs_num(const char *rel)
{
	long long v;

	return vmemsysfs_read_num(rel, &v) ? -1 : v;
}

/**
 * vmemsysfs_vm_num() - a number of one VM, vms/@vm/@attr.
 * @vm: the VM's name.
 * @attr: the attribute, e.g. "allocated".
 *
 * Return: the number, or -1 (no such VM or attribute, not a number).
 */
long long vmemsysfs_vm_num(const char *vm, const char *attr)
{
	char rel[256];
	int n;

	n = snprintf(rel, sizeof(rel), "vms/%s/%s", vm, attr);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -1;
	return vmemsysfs_num(rel);
}

/**
 * vmemsysfs_write() - write @val to an existing attribute.
 * @rel: the attribute (see vmemsysfs_path()).
 * @val: the text; sysfs takes it with or without a newline.
 *
 * Return: 0, or -errno: of open (-ENOENT: no such attribute), or of write,
 * which is how sysfs rejects a value (-EINVAL).
 */
int vmemsysfs_write(const char *rel, const char *val)
{
	size_t len = strlen(val);
	char path[512];
	ssize_t n;
	int fd, r;

	r = vmemsysfs_path(rel, path, sizeof(path));
	if (r)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return r;
}

/**
 * vmemsysfs_write_num() - write a decimal number to an existing attribute.
 * @rel: the attribute (see vmemsysfs_path()).
 * @val: the number.
 *
 * Return: as vmemsysfs_write().
 */
int vmemsysfs_write_num(const char *rel, long long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", val);
	return vmemsysfs_write(rel, buf);
}

/**
 * vmemsysfs_create() - create an attribute in a stand-in tree, with the
 * directories leading to it, holding @val and a newline as sysfs shows it.
 * @rel: the attribute (see vmemsysfs_path()).
 * @val: its content.
 *
 * Sysfs itself refuses (its attributes are the module's to create); this
 * is for tests that point $VMEM_SYSFS at a tree of their own.
 *
 * Return: 0 or -errno.
 */
int vmemsysfs_create(const char *rel, const char *val)
{
	char path[512], *slash;
	FILE *f;
	int r;

	r = vmemsysfs_path(rel, path, sizeof(path));
	if (r)
		return r;
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
		*slash = '/';
		if (r)
			return r;
	}
	f = fopen(path, "we");
	if (!f)
		return -errno;
	r = fprintf(f, "%s\n", val) < 0 ? -EIO : 0;
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * vmemsysfs_vm_names() - the names of the VMs under vms/, sorted.
 * @names: set to a malloc'ed array of malloc'ed names (NULL when there are
 *	   none); free it with vmemsysfs_free_names().
 *
 * Return: how many (at most 4096), or -errno: -ENOENT when vms/ is missing
 * (vmem is not loaded), -ENOMEM.
 */
int vmemsysfs_vm_names(char ***names)
{
	char path[512];
	struct dirent *d;
	char **v = NULL;
	int n = 0, r;
	DIR *dir;

	r = vmemsysfs_path("vms", path, sizeof(path));
	if (r)
		return r;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && n < MAX_VM_NAMES) {
		char **nv, *name = NULL;

		if (d->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv) {
			v = nv;
			name = strdup(d->d_name);
		}
		if (!name) {
			vmemsysfs_free_names(v, n);
			closedir(dir);
			return -ENOMEM;
		}
		v[n++] = name;
	}
	closedir(dir);
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return n;
}

/**
 * vmemsysfs_free_names() - free what vmemsysfs_vm_names() returned.
 * @names: the array, or NULL.
 * @n: how many names it holds.
 */
void vmemsysfs_free_names(char **names, int n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}
