/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello.bin: a flat binary. vmemctl loads it at 0x400000 and enters it at
 * its first byte; it prints through port 0xe9 and exits with status 0
 * through port 0xf4. Position-independent, so it would run anywhere.
 *	vmemctl run hello.bin
 */
#include <vmem/layout.h>

	.section .text.start, "ax"
	.globl _start
_start:
	lea msg(%rip), %rsi
	mov $VMEM_PORT_DEBUGCON, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	xor %eax, %eax
	out %al, $VMEM_PORT_EXIT
3:	cli
	hlt
	jmp 3b

msg:	.asciz "hello from a flat binary\n"

	.section .note.GNU-stack, "", @progbits
