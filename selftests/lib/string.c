// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding string functions, usable by guest code (guest_string.h).
 * The same bodies are exported as memset, memcpy, memmove, memcmp and
 * strlen so that calls the compiler generates in guest code resolve to
 * this archive instead of libc (which does not exist in the guest). Host
 * code of the test binary uses them too (e.g. the kvm backend's copies into
 * guest memory), so the copies use REP MOVSB / REP STOSB, which are fast on
 * CPUs with ERMS and need no SSE state. Built with -fno-builtin
 * -fno-tree-loop-distribute-patterns so that the remaining loops are not
 * turned back into calls to themselves.
 */
#include <stddef.h>

#include "guest_string.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/**
 * guest_memset() - fill @n bytes at @s with @c.
 * @s: destination.
 * @c: byte value.
 * @n: count.
 *
 * Return: @s.
 */
void *guest_memset(void *s, int c, size_t n)
{
	void *d = s;

	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return s;
}

/**
 * guest_memcpy() - copy @n bytes, overlapping ranges allowed.
 * @dst: destination.
 * @src: source.
 * @n: count.
 *
 * Return: @dst.
 */
void *guest_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		asm volatile("rep movsb"
			     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	} else {
		/* Overlapping, destination above: copy backwards. */
		d += n - 1;
		s += n - 1;
		asm volatile("std; rep movsb; cld"
			     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	}
	return dst;
}

/**
 * guest_memcmp() - compare @n bytes.
 * @a: first buffer.
 * @b: second buffer.
 * @n: count.
 *
 * Return: <0, 0 or >0 like memcmp().
 */
int guest_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/**
 * guest_strlen() - length of a NUL-terminated string.
 * @s: the string.
 *
 * Return: bytes before the NUL.
 */
size_t guest_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void *memset(void *s, int c, size_t n)
{
	return guest_memset(s, c, n);
}

void *memcpy(void *dst, const void *src, size_t n)
{
	return guest_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return guest_memcpy(dst, src, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return guest_memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	return guest_strlen(s);
}
