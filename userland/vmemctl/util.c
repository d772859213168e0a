// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by vmemctl subcommands: error messages prefixed with the
 * program and subcommand name, and parsing of sizes ("64M") and numbers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmemctl.h"

const char *vmemctl_prog = "vmemctl";

/**
 * vmemctl_err() - print "vmemctl[ CMD]: message" to stderr.
 * @fmt: printf format, without the trailing newline.
 */
void vmemctl_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", vmemctl_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * parse_u64() - parse a decimal or 0x-prefixed number.
 * @s: the text.
 * @out: the value.
 *
 * Return: 0, or -EINVAL for anything but a whole number in range.
 */
int parse_u64(const char *s, __u64 *out)
{
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/**
 * parse_size() - parse a byte count with an optional K, M, G or T suffix
 * (powers of 1024; "KiB", "MB" and lower case are accepted too).
 * @s: the text, e.g. "64M", "2G", "4096".
 * @out: bytes.
 *
 * Return: 0, -EINVAL if malformed, -ERANGE on overflow.
 */
int parse_size(const char *s, __u64 *out)
{
	unsigned int shift = 0;
	__u64 v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -ERANGE;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end) {
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/**
 * format_size() - bytes as a short human-readable string ("64 MiB").
 * @bytes: the value.
 * @buf: destination.
 * @size: its size.
 */
void format_size(__u64 bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u < 4 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)bytes, unit[u]);
}
