// SPDX-License-Identifier: GPL-2.0
/*
 * Test failure and skip reporting for library and test code (host side).
 * Messages go to stderr as TAP diagnostics ("# ..."); the process exits,
 * which the kselftest harness counts as a failed or skipped test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmem_test.h"

/**
 * __test_assert_fail() - report a failed TEST_ASSERT and exit(1).
 * @file: source file.
 * @line: source line.
 * @expr: the failed expression.
 * @fmt: printf format of the explanation.
 */
void __test_assert_fail(const char *file, int line, const char *expr,
			const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# %s:%d: assertion failed: %s: ", file, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(NULL);
	exit(1);
}

/**
 * __test_skip() - skip the running test with a reason.
 * @fmt: printf format of the reason.
 */
void __test_skip(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# SKIP: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(NULL);
	exit(VMEM_TEST_SKIP_STATUS);
}
