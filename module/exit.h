/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct vmem_exit: what a backend reports after one guest entry, in terms
 * that do not depend on the vendor. The core (exit.c) decides what is handled
 * in the kernel and what goes to userspace. A backend never makes policy
 * decisions; it only translates (AMD APM vol. 2 appendix C exit codes, Intel
 * SDM vol. 3 appendix C basic exit reasons). What the guest gets for an
 * instruction it may not use (VX_RDPMC, VX_MONITOR, VX_VIRT_INSN) or one
 * vmem completes without effect (VX_CACHE_FLUSH) is decided in exit.c, the
 * same on both backends; VX_INJECT_* and VX_NOP are for what only the
 * backend can decode (e.g. VT-x's CR-access qualification).
 */
#ifndef VMEM_EXIT_H
#define VMEM_EXIT_H

#include <linux/types.h>

enum vmem_exit_kind {
	VX_NONE,		/* host interrupt/NMI, nothing to do */
	VX_IO,			/* IN/OUT/INS/OUTS */
	VX_SLPT_FAULT,		/* NPF / EPT violation */
	VX_CPUID,
	VX_RDMSR,
	VX_WRMSR,
	VX_HLT,
	VX_HYPERCALL,		/* VMMCALL / VMCALL */
	VX_XSETBV,
	VX_DR_ACCESS,		/* MOV to/from DRn: needs decoding */
	VX_SHUTDOWN,		/* triple fault */
	VX_FAIL_ENTRY,		/* the CPU refused the guest state */
	VX_INJECT_UD,		/* backend-decoded: raise #UD */
	VX_INJECT_GP,		/* backend-decoded: raise #GP(0) */
	VX_NOP,			/* backend-decoded: complete, no effect */
	VX_INTERNAL,		/* backend-detected error: see internal */
	VX_RDPMC,
	VX_CACHE_FLUSH,		/* INVD, WBINVD */
	VX_MONITOR,		/* MONITOR, MWAIT and their variants */
	VX_VIRT_INSN,		/* SVM or VMX instructions, INVLPGA/INVEPT... */
};

/**
 * struct vmem_exit - one guest exit.
 * @kind:	what happened.
 * @insn_len:	length of the exiting instruction when the backend knows it
 *		(0 otherwise); the core advances RIP by it when it completes
 *		the instruction, and only the core advances RIP.
 * @hw_reason:	the raw exit code, for error reports.
 * @io:		VX_IO: @port, @size (1/2/4), @in, @string, @rep.
 * @fault:	VX_SLPT_FAULT: guest-physical address and access type.
 * @internal:	VX_INTERNAL: a VMEM_INTERNAL_ERROR_* and raw data.
 */
struct vmem_exit {
	enum vmem_exit_kind kind;
	u32 insn_len;
	u64 hw_reason;
	union {
		struct {
			u16 port;
			u8 size;
			bool in;
			bool string;
			bool rep;
		} io;
		struct {
			u64 gpa;
			bool write;
			bool fetch;
			bool present;
		} fault;
		struct {
			u32 suberror;
			u32 ndata;
			u64 data[4];
		} internal;
	};
};

void vmem_machine_check(void);

#endif /* VMEM_EXIT_H */
