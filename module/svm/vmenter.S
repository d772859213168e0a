/* SPDX-License-Identifier: GPL-2.0 */
/*
 * __svm_vmenter - enter the guest once and come back.
 *
 * Called with interrupts disabled and GIF clear (CLGI). Saves the host's
 * VMSAVE-class state (FS/GS/TR/LDTR bases, KernelGSBase, STAR/LSTAR/CSTAR/
 * SFMASK, SYSENTER MSRs) in a per-CPU page, loads the guest's from its VMCB,
 * runs VMRUN (which itself switches RAX, RSP, RIP, RFLAGS, CRs, EFER, segment
 * registers and descriptor tables, AMD APM vol. 2, 15.5), then does the
 * reverse. Guest GPRs other than RAX/RSP live in the array @regs.
 *
 * After #VMEXIT and before the first RET or indirect branch the return
 * stack buffer is refilled and, where the host mitigates RETBleed/SRSO, the
 * return predictor is untrained, exactly as the host's mitigations expect
 * of any guest exit. GPRs are cleared so no guest value feeds speculation.
 *
 * A fault on VMLOAD/VMRUN/VMSAVE (SVM disabled under us by an emergency
 * reboot) is skipped via the exception table; the caller notices through
 * vmem's rebooting flag.
 *
 * @regs (RDI):		u64[16] guest GPRs, indexed by VCPU_REGS_*
 * @vmcb_pa (RSI):	physical address of the guest VMCB
 * @host_pa (RDX):	physical address of this CPU's host save page
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "../entry_regs.h"

.section .noinstr.text, "ax"

SYM_FUNC_START(__svm_vmenter)
	push	%rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx

	/* Needed after #VMEXIT, in the order they are popped. */
	push	%rdx			/* host save page */
	push	%rdi			/* guest regs */

	/* Host VMSAVE-class state into the host save page. */
	mov	%rdx, %rax
1:	vmsave	%rax
2:
	/* Guest VMSAVE-class state from its VMCB. */
	mov	%rsi, %rax
3:	vmload	%rax
4:
	VMEM_LOAD_GUEST_GPRS

	/* Clobbers EFLAGS.ZF. */
	VM_CLEAR_CPU_BUFFERS

	/* RAX = VMCB pa; restored to this value by #VMEXIT. */
5:	vmrun	%rax
6:
	/* Guest VMSAVE-class state back into its VMCB. */
7:	vmsave	%rax
8:
	/* Guest GPRs into the array; RAX is in the VMCB. */
	mov	(%rsp), %rax
	VMEM_SAVE_GUEST_GPRS

	/* Host state back: restores GS base, so per-CPU data works again. */
	pop	%rax			/* discard guest regs pointer */
	pop	%rax			/* host save page */
9:	vmload	%rax
10:

	/* Before any RET: refill the RSB, untrain returns, IBPB if asked. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	/* No guest value may reach speculation through a stale register. */
	VMEM_CLEAR_GPRS
	xor	%ebx, %ebx		/* no result to carry in RBX here */

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(5b, 6b)
	_ASM_EXTABLE(7b, 8b)
	_ASM_EXTABLE(9b, 10b)
SYM_FUNC_END(__svm_vmenter)
