/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's general-purpose registers in and out of the CPU around a VM
 * entry: assembler macros shared by svm/vmenter.S and vmx/vmenter.S, so
 * that the load, save and clear sequences exist once. vcpu->regs[] is an
 * array of 8-byte slots indexed by VCPU_REGS_* (regs.h). RSP never goes
 * through these macros (the VMCB or VMCS holds it), and on SVM neither
 * does RAX (the VMCB holds it too).
 *
 * Assembler only; used on the VM-entry path, interrupts disabled, in
 * .noinstr.text.
 */
#ifndef VMEM_ENTRY_REGS_H
#define VMEM_ENTRY_REGS_H

#ifndef __ASSEMBLY__
#error "entry_regs.h is for the backends' entry assembly only"
#endif

#include "regs.h"

/* Offset of guest register @r in vcpu->regs[]. */
#define REG(r)	(VCPU_REGS_##r * 8)

/*
 * Load the guest's GPRs from the array at %rdi: all but RSP and, unless
 * rax=1, RAX; RDI itself last, since it is the base.
 */
.macro VMEM_LOAD_GUEST_GPRS rax=0
	mov	REG(RCX)(%rdi), %rcx
	mov	REG(RDX)(%rdi), %rdx
	mov	REG(RBX)(%rdi), %rbx
	mov	REG(RBP)(%rdi), %rbp
	mov	REG(RSI)(%rdi), %rsi
	mov	REG(R8)(%rdi), %r8
	mov	REG(R9)(%rdi), %r9
	mov	REG(R10)(%rdi), %r10
	mov	REG(R11)(%rdi), %r11
	mov	REG(R12)(%rdi), %r12
	mov	REG(R13)(%rdi), %r13
	mov	REG(R14)(%rdi), %r14
	mov	REG(R15)(%rdi), %r15
	.if \rax
	mov	REG(RAX)(%rdi), %rax
	.endif
	mov	REG(RDI)(%rdi), %rdi
.endm

/* Store the guest's GPRs but RAX and RSP into the array at %rax. */
.macro VMEM_SAVE_GUEST_GPRS
	mov	%rcx, REG(RCX)(%rax)
	mov	%rdx, REG(RDX)(%rax)
	mov	%rbx, REG(RBX)(%rax)
	mov	%rbp, REG(RBP)(%rax)
	mov	%rsi, REG(RSI)(%rax)
	mov	%rdi, REG(RDI)(%rax)
	mov	%r8, REG(R8)(%rax)
	mov	%r9, REG(R9)(%rax)
	mov	%r10, REG(R10)(%rax)
	mov	%r11, REG(R11)(%rax)
	mov	%r12, REG(R12)(%rax)
	mov	%r13, REG(R13)(%rax)
	mov	%r14, REG(R14)(%rax)
	mov	%r15, REG(R15)(%rax)
.endm

/*
 * Zero every GPR but RSP and RBX after the exit, so that no guest value
 * feeds speculation: not even those about to be popped from the stack, as
 * a cache miss on the pop would let speculation run on with the guest's
 * value. RBX is the caller's: callee-saved, it can carry a result past
 * this point, and a caller without one clears it itself.
 */
.macro VMEM_CLEAR_GPRS
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
.endm

#endif /* VMEM_ENTRY_REGS_H */
