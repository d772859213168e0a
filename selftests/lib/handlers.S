/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest entry and exception stubs of every test VM (guest code).
 *
 * vmem_guest_entry: where vCPUs start. RDI..R9 hold the guest function's
 * arguments (vcpu_args_set) and RBX the function itself (__vm_vcpu_add).
 * It aligns the stack, runs vmem_guest_cpu_init, calls the function and
 * treats a return as GUEST_DONE.
 *
 * vmem_idt_stubs: 256 stubs, 16 bytes apart (VMEM_GUEST_EXC_STUB_SIZE), the
 * IDT's targets. Each pushes a zero error code when the CPU pushes none,
 * then its vector, so every frame has the same shape (struct ex_regs), and
 * joins the common path. That saves the general registers and the SSE
 * state (handlers are C and may use XMM registers), calls route_exception
 * and returns with IRETQ. Frame: 5 words pushed by the CPU + error code +
 * vector + 15 registers = 176 bytes; the CPU aligns RSP to 16 first (AMD
 * APM vol. 2, 8.9.3), so the FXSAVE area and the call are 16-byte aligned.
 */

	.text

	.globl vmem_guest_entry
	.type vmem_guest_entry, @function
vmem_guest_entry:
	and $-16, %rsp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %r8
	push %r9
	call vmem_guest_cpu_init
	pop %r9
	pop %r8
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	call *%rbx
	call vmem_guest_code_returned
	.size vmem_guest_entry, . - vmem_guest_entry

	.type vmem_exception_common, @function
vmem_exception_common:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rdi
	push %rsi
	push %rbp
	push %rbx
	push %rdx
	push %rcx
	push %rax
	mov %rsp, %rdi
	sub $512, %rsp
	fxsave64 (%rsp)
	call route_exception
	fxrstor64 (%rsp)
	add $512, %rsp
	pop %rax
	pop %rcx
	pop %rdx
	pop %rbx
	pop %rbp
	pop %rsi
	pop %rdi
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp		/* vector and error code */
	iretq
	.size vmem_exception_common, . - vmem_exception_common

	.balign 16
	.globl vmem_idt_stubs
vmem_idt_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq $0
	.endif
	pushq $vector
	jmp vmem_exception_common
	vector = vector + 1
	.endr
	.size vmem_idt_stubs, . - vmem_idt_stubs

	.section .note.GNU-stack, "", @progbits
