/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the C example guests. vmemctl starts every vCPU here with
 * RDI = vCPU id, RSI = number of vCPUs, RDX = memory size (the C calling
 * convention for guest_main's arguments). vCPU 0's return value becomes
 * vmemctl's exit status through port 0xf4; other vCPUs halt when done.
 */
#include <vmem/layout.h>

	.section .text.start, "ax"
	.globl _start
_start:
	and $-16, %rsp
	mov %rdi, %rbx
	call guest_main
	test %rbx, %rbx
	jnz 1f
	out %eax, $VMEM_PORT_EXIT
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
