/* SPDX-License-Identifier: GPL-2.0 */
/*
 * __vmx_vmenter - enter the guest once and come back.
 *
 * Called with interrupts disabled, the vCPU's VMCS current. Records the
 * stack pointer in HOST_RSP, loads the guest GPRs (the VMCS switches RSP,
 * RIP, RFLAGS, control and segment registers, Intel SDM vol. 3, 27.3 and
 * 28.5), then VMLAUNCH or VMRESUME. The VM exit lands at vmx_vmexit (the
 * VMCS's HOST_RIP) with the stack as it was; the guest GPRs go back into
 * the array.
 *
 * Speculation hygiene, as the host's mitigations expect of any VM exit:
 * before the first RET the return stack buffer is refilled (the guest may
 * have filled it), IBRS is rewritten where the kernel uses it (a VM exit
 * leaves a less privileged predictor mode), branch history is cleared and
 * an IBPB issued where asked for; every GPR is zeroed so that no guest
 * value feeds speculation. CPU buffers are cleared right before entry.
 *
 * A fault on VMWRITE/VMLAUNCH/VMRESUME (VMX switched off under us by an
 * emergency reboot) is treated like a VM-instruction failure.
 *
 * @regs (RDI):		u64[16] guest GPRs, indexed by VCPU_REGS_*; RSP is
 *			in the VMCS
 * @launched (RSI):	VMRESUME rather than VMLAUNCH
 *
 * Return: 0 after a VM exit, 1 if the instruction failed or faulted.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "../entry_regs.h"

/* The HOST_RSP field (SDM vol. 3, appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

.section .noinstr.text, "ax"

SYM_FUNC_START(__vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* @regs, for after the exit */

	/* The exit resumes with exactly this stack. */
	mov	$VMCS_HOST_RSP, %eax
1:	vmwrite	%rsp, %rax
	jna	.Lvmfail

	/* CF = @launched; nothing below changes CF. */
	bt	$0, %esi

	VMEM_LOAD_GUEST_GPRS rax=1

	/* VERW where the host mitigates MDS and friends; clobbers ZF only. */
	CLEAR_CPU_BUFFERS

	jc	.Lvmresume

	/* Control comes back at vmx_vmexit, not after the instruction. */
	UNWIND_HINT_SAVE
2:	vmlaunch
	jmp	.Lvmfail
.Lvmresume:
3:	vmresume
	jmp	.Lvmfail

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	/* Guest GPRs into the array; its address is on top of the stack. */
	push	%rax
	mov	8(%rsp), %rax
	pop	REG(RAX)(%rax)
	VMEM_SAVE_GUEST_GPRS
	xor	%ebx, %ebx		/* return 0: a VM exit */

.Lclear_regs:
	pop	%rax			/* discard @regs */
	VMEM_CLEAR_GPRS

	/* Before any RET: refill the RSB. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/* Legacy IBRS must be written again after a less privileged mode. */
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	mov	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	mov	PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
	lfence
.Lspec_ctrl_done:

	CLEAR_BRANCH_HISTORY_VMEXIT
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT

	mov	%rbx, %rax
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	mov	$1, %ebx
	jmp	.Lclear_regs

	_ASM_EXTABLE(1b, .Lvmfail)
	_ASM_EXTABLE(2b, .Lvmfail)
	_ASM_EXTABLE(3b, .Lvmfail)
SYM_FUNC_END(__vmx_vmenter)

.section .text, "ax"

/*
 * vmx_do_interrupt_irqoff - run the host's handler @entry (RDI) for the
 * interrupt or NMI that caused the exit, as if it had arrived here: on an
 * interrupt frame, whose IRET (for an NMI) also ends the NMI blocking that
 * the VM exit left in place. Interrupts disabled.
 */
SYM_FUNC_START(vmx_do_interrupt_irqoff)
	push	%rbp
	mov	%rsp, %rbp
	/* Like the CPU: align the stack, then SS, RSP, RFLAGS, CS, RIP. */
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	CALL_NOSPEC rdi
	/* IRET restored RSP already; say so for objtool. */
	mov	%rbp, %rsp
	pop	%rbp
	RET
SYM_FUNC_END(vmx_do_interrupt_irqoff)
