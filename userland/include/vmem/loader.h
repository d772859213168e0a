/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loaders: ELF64 executables (each PT_LOAD segment at its
 * address, which is both GPA and GVA under the identity map) and flat
 * binaries (loaded at one address and entered at their first byte).
 *
 * Loading is three steps so that callers can explain problems before a VM
 * exists: read the file, parse it (format, entry, the span it occupies),
 * then load it into a VM. The loader relies on guest memory being fresh
 * (zero): it writes file bytes only and leaves .bss untouched, so no guest
 * page is allocated for it.
 */
#ifndef _VMEM_LOADER_H
#define _VMEM_LOADER_H

#include <stddef.h>
#include <linux/types.h>

struct vmem_vm;

enum vmem_image_format {
	VMEM_IMAGE_AUTO,	/* ELF if it starts with the ELF magic, else flat */
	VMEM_IMAGE_ELF,
	VMEM_IMAGE_FLAT,
};

/**
 * struct vmem_image - an image in host memory.
 * @buf:	file contents (owned when read by vmem_image_read()).
 * @len:	bytes in @buf.
 * @format:	VMEM_IMAGE_ELF or VMEM_IMAGE_FLAT once parsed.
 * @entry:	guest address of the first instruction.
 * @start:	lowest guest address the image occupies.
 * @end:	one past the highest, including .bss.
 * @err:	why parsing failed, for messages.
 */
struct vmem_image {
	void *buf;
	size_t len;
	int format;
	__u64 entry;
	__u64 start;
	__u64 end;
	char err[160];
};

int vmem_image_read(const char *path, struct vmem_image *img);
int vmem_image_parse(struct vmem_image *img, int format, __u64 flat_addr);
int vmem_image_load(struct vmem_vm *vm, const struct vmem_image *img);
void vmem_image_free(struct vmem_image *img);
const char *vmem_image_format_name(int format);

#endif /* _VMEM_LOADER_H */
