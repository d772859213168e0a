/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmem umbrella header: the thin ioctl layer, the backend-neutral VM
 * interface, x86-64 guest setup, the image loaders and the sysfs
 * attributes.
 */
#ifndef _VMEM_VMEM_H
#define _VMEM_VMEM_H

#include <vmem/ioctl.h>
#include <vmem/backend.h>
#include <vmem/layout.h>
#include <vmem/x86.h>
#include <vmem/loader.h>
#include <vmem/sysfs.h>

#endif /* _VMEM_VMEM_H */
