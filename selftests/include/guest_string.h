/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding string functions for guest code. libvmemtest.a also
 * defines memset, memcpy, memmove, memcmp and strlen with these bodies, so
 * calls the compiler emits on its own (structure copies, zeroing) bind to
 * code that exists in the guest instead of to libc's.
 */
#ifndef SELFTEST_GUEST_STRING_H
#define SELFTEST_GUEST_STRING_H

#include <stddef.h>

void *guest_memset(void *s, int c, size_t n);
void *guest_memcpy(void *dst, const void *src, size_t n);
int guest_memcmp(const void *a, const void *b, size_t n);
size_t guest_strlen(const char *s);

#endif /* SELFTEST_GUEST_STRING_H */
