// SPDX-License-Identifier: GPL-2.0
/*
 * ELF64 and flat-binary guest loaders (see <vmem/loader.h>). Every header
 * field that sizes or places something is checked against the file before
 * use: images are untrusted input. Process context.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <vmem/backend.h>
#include <vmem/loader.h>

static int fail(struct vmem_image *img, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(img->err, sizeof(img->err), fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/**
 * vmem_image_read() - read a whole image file into memory.
 * @path: file name.
 * @img: zeroed, then @buf and @len set.
 *
 * Return: 0, -errno from open/read, -EISDIR for a directory, -ENOEXEC for
 * an empty file.
 */
int vmem_image_read(const char *path, struct vmem_image *img)
{
	struct stat st;
	size_t done = 0;
	int fd, r = 0;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (st.st_size == 0) {
		r = fail(img, "the file is empty");
		goto out;
	}
	img->buf = malloc(st.st_size);
	if (!img->buf) {
		r = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)img->buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out;
		}
		done += n;
	}
	img->len = done;
out:
	close(fd);
	if (r)
		vmem_image_free(img);
	return r;
}

static int parse_elf(struct vmem_image *img)
{
	const Elf64_Ehdr *eh = img->buf;
	const Elf64_Phdr *ph;
	__u64 start = ~0ULL, end = 0;
	int i, entry_ok = 0;

	if (img->len < sizeof(*eh))
		return fail(img, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return fail(img, "not an x86-64 ELF64 file");
	if (eh->e_type == ET_DYN)
		return fail(img, "position-independent ELF: link it at a fixed address (-no-pie, or a linker script)");
	if (eh->e_type != ET_EXEC)
		return fail(img, "not an ELF executable (e_type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(*ph) || !eh->e_phnum ||
	    eh->e_phoff > img->len ||
	    (__u64)eh->e_phnum * sizeof(*ph) > img->len - eh->e_phoff)
		return fail(img, "bad program header table");

	ph = (const Elf64_Phdr *)((const char *)img->buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_filesz > ph->p_memsz ||
		    ph->p_offset > img->len ||
		    ph->p_filesz > img->len - ph->p_offset)
			return fail(img, "segment %d lies outside the file", i);
		if (ph->p_paddr != ph->p_vaddr)
			return fail(img, "segment %d: physical address 0x%llx differs from virtual 0x%llx (guests run identity-mapped)",
				    i, (unsigned long long)ph->p_paddr,
				    (unsigned long long)ph->p_vaddr);
		if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
			return fail(img, "segment %d wraps around", i);
		if (ph->p_vaddr < start)
			start = ph->p_vaddr;
		if (ph->p_vaddr + ph->p_memsz > end)
			end = ph->p_vaddr + ph->p_memsz;
		if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
		    eh->e_entry < ph->p_vaddr + ph->p_memsz)
			entry_ok = 1;
	}
	if (!end)
		return fail(img, "no loadable segment");
	if (!entry_ok)
		return fail(img, "entry point 0x%llx is not in an executable segment",
			    (unsigned long long)eh->e_entry);
	img->entry = eh->e_entry;
	img->start = start;
	img->end = end;
	return 0;
}

/**
 * vmem_image_parse() - determine format, entry and span of an image.
 * @img: an image with @buf and @len set.
 * @format: VMEM_IMAGE_AUTO, _ELF or _FLAT.
 * @flat_addr: where a flat image goes (usually VMEM_GUEST_LOAD_ADDR).
 *
 * Return: 0, or -ENOEXEC with the reason in @img->err.
 */
int vmem_image_parse(struct vmem_image *img, int format, __u64 flat_addr)
{
	int is_elf = img->len >= SELFMAG && !memcmp(img->buf, ELFMAG, SELFMAG);

	img->err[0] = '\0';
	if (format == VMEM_IMAGE_AUTO)
		format = is_elf ? VMEM_IMAGE_ELF : VMEM_IMAGE_FLAT;
	img->format = format;
	if (format == VMEM_IMAGE_ELF) {
		if (!is_elf)
			return fail(img, "no ELF magic");
		return parse_elf(img);
	}
	if (format != VMEM_IMAGE_FLAT)
		return fail(img, "unknown format %d", format);
	if (!img->len)
		return fail(img, "the image is empty");
	img->entry = flat_addr;
	img->start = flat_addr;
	img->end = flat_addr + img->len;
	return 0;
}

/**
 * vmem_image_load() - copy a parsed image into fresh guest memory.
 * @vm: the VM.
 * @img: a parsed image.
 *
 * Return: 0, -EFAULT if the image does not fit in guest memory, or -errno.
 */
int vmem_image_load(struct vmem_vm *vm, const struct vmem_image *img)
{
	const Elf64_Ehdr *eh = img->buf;
	const Elf64_Phdr *ph;
	int i, r;

	if (img->end > vm->mem_size || img->start > img->end)
		return -EFAULT;
	if (img->format == VMEM_IMAGE_FLAT)
		return vmem_vm_write(vm, img->start, img->buf, img->len);

	ph = (const Elf64_Phdr *)((const char *)img->buf + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_filesz)
			continue;
		r = vmem_vm_write(vm, ph->p_vaddr,
				  (const char *)img->buf + ph->p_offset,
				  ph->p_filesz);
		if (r)
			return r;
	}
	return 0;
}

/**
 * vmem_image_free() - release what vmem_image_read() allocated.
 * @img: the image.
 */
void vmem_image_free(struct vmem_image *img)
{
	free(img->buf);
	img->buf = NULL;
	img->len = 0;
}

/**
 * vmem_image_format_name() - "elf", "flat" or "auto".
 * @format: a VMEM_IMAGE_* value.
 *
 * Return: a static string.
 */
const char *vmem_image_format_name(int format)
{
	switch (format) {
	case VMEM_IMAGE_ELF:
		return "elf";
	case VMEM_IMAGE_FLAT:
		return "flat";
	default:
		return "auto";
	}
}
