/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucall: how guest code talks to its test. The guest builds a struct ucall
 * on its stack and executes "out %eax, %dx" with DX = UCALL_PORT and
 * RDI = the struct's address (GVA == GPA); the host sees a port I/O exit,
 * reads RDI and copies the struct out of guest memory. The guest resumes
 * after the OUT on the next run.
 *
 * Guest side: GUEST_SYNC(v), GUEST_ASSERT*(...), GUEST_FAIL(msg),
 * GUEST_DONE(). Host side: get_ucall() after any exit, or vcpu_run_ucall()
 * which runs and turns aborts and stray exits into test failures.
 */
#ifndef SELFTEST_UCALL_H
#define SELFTEST_UCALL_H

#include <stddef.h>
#include <linux/types.h>

/* Port 0x1000: not a console (0xe9, 0x3f8) nor a vmemctl port. */
#define UCALL_PORT		0x1000
#define UCALL_MAX_ARGS		6
#define UCALL_STR_MAX		256

enum {
	UCALL_NONE,		/* the last exit was not a ucall */
	UCALL_SYNC,		/* GUEST_SYNC: args[0] is the value */
	UCALL_ABORT,		/* GUEST_ASSERT* / GUEST_FAIL failed */
	UCALL_DONE,		/* GUEST_DONE, or guest code returned */
	UCALL_UNHANDLED,	/* no handler: vector, error code, RIP, CR2 */
};

/* How an UCALL_ABORT is to be printed (args[2]). */
enum {
	UCALL_ASSERT_PLAIN,	/* expr */
	UCALL_ASSERT_EQ,	/* expr, args[0] vs args[1] */
	UCALL_ASSERT_NE,
	UCALL_ASSERT_FAIL,	/* expr is a message */
};

/**
 * struct ucall - one guest-to-host call.
 * @cmd:	UCALL_*.
 * @args:	arguments (see the UCALL_* values).
 * @file:	guest address of __FILE__ (aborts).
 * @expr:	guest address of the expression text or message (aborts).
 * @line:	__LINE__ (aborts).
 * @file_str:	host only: @file read back from the guest.
 * @expr_str:	host only: @expr read back from the guest.
 */
struct ucall {
	__u64 cmd;
	__u64 args[UCALL_MAX_ARGS];
	__u64 file;
	__u64 expr;
	__u64 line;
	/* filled in by get_ucall(); the guest does not send these */
	char file_str[UCALL_STR_MAX];
	char expr_str[UCALL_STR_MAX];
};

/* ---- guest side ---- */

void ucall(__u64 cmd, int nargs, ...);
void __ucall_assert(int kind, const char *file, __u64 line,
		    const char *expr, __u64 a, __u64 b);

#define GUEST_SYNC(v)		ucall(UCALL_SYNC, 1, (__u64)(v))
#define GUEST_DONE()		ucall(UCALL_DONE, 0)

#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		__ucall_assert(UCALL_ASSERT_PLAIN, __FILE__, __LINE__,	\
			       #cond, 0, 0);				\
} while (0)

#define __GUEST_ASSERT_CMP(kind, op, a, b) do {				\
	__u64 __a = (__u64)(a), __b = (__u64)(b);			\
	if (!(__a op __b))						\
		__ucall_assert(kind, __FILE__, __LINE__,		\
			       #a " " #op " " #b, __a, __b);		\
} while (0)

#define GUEST_ASSERT_EQ(a, b)	__GUEST_ASSERT_CMP(UCALL_ASSERT_EQ, ==, a, b)
#define GUEST_ASSERT_NE(a, b)	__GUEST_ASSERT_CMP(UCALL_ASSERT_NE, !=, a, b)
#define GUEST_FAIL(msg)							\
	__ucall_assert(UCALL_ASSERT_FAIL, __FILE__, __LINE__, msg, 0, 0)

/* ---- host side ---- */

struct vmem_test_vcpu;

__u64 get_ucall(struct vmem_test_vcpu *vcpu, struct ucall *uc);
__u64 vcpu_run_ucall(struct vmem_test_vcpu *vcpu, struct ucall *uc);
void ucall_format(const struct ucall *uc, char *buf, size_t size);
void report_guest_failure(const struct ucall *uc);

/* Turn an UCALL_ABORT or UCALL_UNHANDLED into a test failure (exits). */
#define REPORT_GUEST_ASSERT(uc)	report_guest_failure(&(uc))

#endif /* SELFTEST_UCALL_H */
