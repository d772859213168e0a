/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 helpers for guest code in selftests: port I/O, MSRs, CPUID,
 * control registers, XCR0, and the exception handler interface. All are
 * inline and libc-free, so guest code may use them; the architectural
 * constants come from libvmem's <vmem/x86.h>.
 */
#ifndef SELFTEST_PROCESSOR_H
#define SELFTEST_PROCESSOR_H

#include <stdbool.h>
#include <linux/types.h>
#include <vmem/x86.h>

static inline void outb(__u16 port, __u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(__u16 port, __u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(__u16 port, __u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline __u8 inb(__u16 port)
{
	__u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline __u16 inw(__u16 port)
{
	__u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline __u32 inl(__u16 port)
{
	__u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline __u64 rdmsr(__u32 msr)
{
	__u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | (__u64)hi << 32;
}

static inline void wrmsr(__u32 msr, __u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((__u32)v), "d"((__u32)(v >> 32))
		     : "memory");
}

static inline void cpuid(__u32 leaf, __u32 subleaf, __u32 *eax, __u32 *ebx,
			 __u32 *ecx, __u32 *edx)
{
	asm volatile("cpuid"
		     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "a"(leaf), "c"(subleaf) : "memory");
}

static inline bool this_cpu_has_avx(void)
{
	__u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return (c & X86_CPUID1_ECX_AVX) && (c & X86_CPUID1_ECX_XSAVE);
}

#define DEFINE_READ_CR(n)						\
static inline __u64 read_cr##n(void)					\
{									\
	__u64 v;							\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v) : : "memory");	\
	return v;							\
}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline void write_cr4(__u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline __u64 xgetbv(__u32 index)
{
	__u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index) : "memory");
	return lo | (__u64)hi << 32;
}

static inline void xsetbv(__u32 index, __u64 v)
{
	asm volatile("xsetbv" : : "c"(index), "a"((__u32)v),
		     "d"((__u32)(v >> 32)) : "memory");
}

static inline __u64 read_rflags(void)
{
	__u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v) : : "memory");
	return v;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * struct ex_regs - the interrupted state an exception handler sees and may
 * change (e.g. advance @rip past a faulting instruction). The order is the
 * stack frame handlers.S builds.
 */
struct ex_regs {
	__u64 rax, rcx, rdx, rbx, rbp, rsi, rdi;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 vector;
	__u64 error_code;
	__u64 rip, cs, rflags, rsp, ss;
};

/*
 * Guest handler for one vector. Runs with interrupts off on the interrupted
 * code's stack; the interrupted code's SSE state is saved around it.
 */
typedef void (*exception_handler_t)(struct ex_regs *regs);

struct vmem_test_vm;

/* Host side: route @vector to @handler in @vm's guest (NULL: unhandled). */
void vm_install_exception_handler(struct vmem_test_vm *vm, int vector,
				  exception_handler_t handler);

/* Guest-visible table behind vm_install_exception_handler(). */
extern exception_handler_t vmem_exception_handlers[256];

#endif /* SELFTEST_PROCESSOR_H */
