/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest general-purpose register indices, in x86 encoding order, shared by
 * C and the backends' entry assembly (which addresses vcpu->regs[] as an
 * array of 8-byte slots).
 */
#ifndef VMEM_REGS_H
#define VMEM_REGS_H

#define VCPU_REGS_RAX	0
#define VCPU_REGS_RCX	1
#define VCPU_REGS_RDX	2
#define VCPU_REGS_RBX	3
#define VCPU_REGS_RSP	4
#define VCPU_REGS_RBP	5
#define VCPU_REGS_RSI	6
#define VCPU_REGS_RDI	7
#define VCPU_REGS_R8	8
#define VCPU_REGS_R9	9
#define VCPU_REGS_R10	10
#define VCPU_REGS_R11	11
#define VCPU_REGS_R12	12
#define VCPU_REGS_R13	13
#define VCPU_REGS_R14	14
#define VCPU_REGS_R15	15
#define VCPU_NR_REGS	16

#endif /* VMEM_REGS_H */
