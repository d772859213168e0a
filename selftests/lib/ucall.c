// SPDX-License-Identifier: GPL-2.0
/*
 * ucall over port I/O (see ucall.h). ucall() and __ucall_assert() run in
 * the guest; get_ucall(), vcpu_run_ucall() and the reporting functions run
 * in the test process.
 */
#include <stdarg.h>
#include <string.h>

#include "vmem_test.h"

/**
 * ucall() - guest: send @cmd and @nargs __u64 arguments to the host.
 * @cmd: UCALL_*.
 * @nargs: number of arguments that follow (at most UCALL_MAX_ARGS).
 */
void ucall(__u64 cmd, int nargs, ...)
{
	struct ucall uc;
	va_list ap;
	int i;

	guest_memset(&uc, 0, offsetof(struct ucall, file_str));
	uc.cmd = cmd;
	if (nargs > UCALL_MAX_ARGS)
		nargs = UCALL_MAX_ARGS;
	va_start(ap, nargs);
	for (i = 0; i < nargs; i++)
		uc.args[i] = va_arg(ap, __u64);
	va_end(ap);
	asm volatile("outl %%eax, %%dx"
		     : : "a"(0), "d"(UCALL_PORT), "D"(&uc) : "memory");
}

/**
 * __ucall_assert() - guest: report a failed assertion; does not return
 * unless the host resumes the vCPU against all advice, then it halts.
 * @kind: UCALL_ASSERT_*.
 * @file: __FILE__.
 * @line: __LINE__.
 * @expr: the expression text, or GUEST_FAIL's message.
 * @a: left value (EQ/NE).
 * @b: right value (EQ/NE).
 */
void __ucall_assert(int kind, const char *file, __u64 line, const char *expr,
		    __u64 a, __u64 b)
{
	struct ucall uc;

	guest_memset(&uc, 0, offsetof(struct ucall, file_str));
	uc.cmd = UCALL_ABORT;
	uc.args[0] = a;
	uc.args[1] = b;
	uc.args[2] = kind;
	uc.file = (unsigned long)file;
	uc.expr = (unsigned long)expr;
	uc.line = line;
	asm volatile("outl %%eax, %%dx"
		     : : "a"(0), "d"(UCALL_PORT), "D"(&uc) : "memory");
	for (;;)
		asm volatile("cli; hlt");
}

/* Copy a NUL-terminated guest string, clipped to guest memory and @size. */
static void read_guest_str(struct vmem_test_vm *vm, __u64 gva, char *buf,
			   size_t size)
{
	size_t n = size - 1;

	buf[0] = '\0';
	if (!gva || gva >= vm->mem_size)
		return;
	if (n > vm->mem_size - gva)
		n = vm->mem_size - gva;
	if (__vm_read_guest(vm, gva, buf, n))
		buf[0] = '\0';
	buf[n] = '\0';
}

/**
 * get_ucall() - decode the vCPU's last exit as a ucall.
 * @vcpu: the vCPU, after vcpu_run_to_exit().
 * @uc: filled in (zeroed if the exit was no ucall); may be NULL.
 *
 * Return: UCALL_* (UCALL_NONE if the last exit was not a ucall).
 */
__u64 get_ucall(struct vmem_test_vcpu *vcpu, struct ucall *uc)
{
	const struct vmem_exit *e = &vcpu->exit;
	struct ucall tmp;
	struct vmem_regs regs;

	if (!uc)
		uc = &tmp;
	memset(uc, 0, sizeof(*uc));
	if (e->reason != VMEM_EXIT_IO || e->io.port != UCALL_PORT ||
	    e->io.direction != VMEM_EXIT_IO_OUT)
		return UCALL_NONE;
	vcpu_regs_get(vcpu, &regs);
	vm_read_guest(vcpu->vm, regs.rdi, uc, offsetof(struct ucall, file_str));
	if (uc->cmd == UCALL_ABORT) {
		read_guest_str(vcpu->vm, uc->file, uc->file_str,
			       sizeof(uc->file_str));
		read_guest_str(vcpu->vm, uc->expr, uc->expr_str,
			       sizeof(uc->expr_str));
	}
	return uc->cmd;
}

/**
 * ucall_format() - describe an abort or unhandled exception in one line.
 * @uc: a decoded ucall.
 * @buf: where to write.
 * @size: its size.
 */
void ucall_format(const struct ucall *uc, char *buf, size_t size)
{
	const char *file = strrchr(uc->file_str, '/');

	file = file ? file + 1 : uc->file_str;
	switch (uc->cmd) {
	case UCALL_ABORT:
		switch (uc->args[2]) {
		case UCALL_ASSERT_EQ:
		case UCALL_ASSERT_NE:
			snprintf(buf, size,
				 "guest assertion failed at %s:%llu: %s (0x%llx vs 0x%llx)",
				 file, (unsigned long long)uc->line,
				 uc->expr_str, (unsigned long long)uc->args[0],
				 (unsigned long long)uc->args[1]);
			break;
		case UCALL_ASSERT_FAIL:
			snprintf(buf, size, "guest failure at %s:%llu: %s",
				 file, (unsigned long long)uc->line,
				 uc->expr_str);
			break;
		default:
			snprintf(buf, size,
				 "guest assertion failed at %s:%llu: %s",
				 file, (unsigned long long)uc->line,
				 uc->expr_str);
		}
		break;
	case UCALL_UNHANDLED:
		snprintf(buf, size,
			 "unhandled guest exception: vector %llu, error code 0x%llx, RIP 0x%llx, CR2 0x%llx",
			 (unsigned long long)uc->args[0],
			 (unsigned long long)uc->args[1],
			 (unsigned long long)uc->args[2],
			 (unsigned long long)uc->args[3]);
		break;
	default:
		snprintf(buf, size, "ucall %llu", (unsigned long long)uc->cmd);
	}
}

/**
 * report_guest_failure() - fail the test with the guest's message (for
 * UCALL_ABORT: file:line, expression and values). Does not return.
 * @uc: the ucall.
 */
void report_guest_failure(const struct ucall *uc)
{
	char msg[UCALL_STR_MAX * 2 + 128];

	ucall_format(uc, msg, sizeof(msg));
	fprintf(stderr, "# %s\n", msg);
	fflush(NULL);
	exit(1);
}

/**
 * vcpu_run_ucall() - run until the guest makes a ucall that the test must
 * see: UCALL_SYNC or UCALL_DONE. Aborts and unhandled exceptions fail the
 * test with the guest's message; any exit that is not a ucall fails it too.
 * @vcpu: the vCPU.
 * @uc: filled in; may be NULL.
 *
 * Return: UCALL_SYNC or UCALL_DONE.
 */
__u64 vcpu_run_ucall(struct vmem_test_vcpu *vcpu, struct ucall *uc)
{
	struct ucall tmp;
	char buf[160];
	__u64 cmd;

	if (!uc)
		uc = &tmp;
	vcpu_run_to_exit(vcpu);
	cmd = get_ucall(vcpu, uc);
	switch (cmd) {
	case UCALL_SYNC:
	case UCALL_DONE:
		return cmd;
	case UCALL_ABORT:
	case UCALL_UNHANDLED:
		report_guest_failure(uc);
	case UCALL_NONE:
		TEST_FAIL("vCPU %u: unexpected exit %s", vcpu->id,
			  vcpu_exit_describe(vcpu, buf, sizeof(buf)));
	default:
		TEST_FAIL("vCPU %u: unknown ucall %llu", vcpu->id,
			  (unsigned long long)cmd);
	}
}
