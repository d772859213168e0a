// SPDX-License-Identifier: GPL-2.0
/*
 * The few instructions the core decodes itself.
 *
 * Without decode assists (QEMU's SVM has none) an exit tells us *that* the
 * guest touched memory outside its RAM, or a debug register, but not with
 * which register. So we fetch the instruction through the guest's page
 * tables and decode just the forms compilers emit for such accesses:
 * MOV r/m,r (88/89), MOV r,r/m (8A/8B), MOV r/m,imm (C6/C7 /0), MOV
 * AL/eAX <-> moffs (A0-A3), MOVZX (0F B6/B7), and MOV to/from DRn (0F 21/23). Anything else ends the run
 * with VMEM_INTERNAL_ERROR_EMULATION and the instruction bytes.
 * Intel SDM vol. 2, chapter 2 (instruction format). Process context.
 */
#include <asm/traps.h>

#include "emulate.h"

#define INSN_MAX	15

/**
 * struct vinsn - a decoded instruction (only what we need of it).
 * @len:	total length in bytes.
 * @opsize:	operand size in bytes (1 for byte forms).
 * @rex:	the REX prefix, or 0.
 * @op:		opcode byte.
 * @twobyte:	@op followed 0F.
 * @mod:	ModRM.mod.
 * @reg:	ModRM.reg, without the REX extension.
 * @rm:		ModRM.rm, without the REX extension.
 * @imm:	immediate, sign-extended to 64 bits.
 */
struct vinsn {
	u8 len;
	u8 opsize;
	u8 rex;
	u8 op;
	bool twobyte;
	u8 mod, reg, rm;
	s64 imm;
};

static bool vinsn_decode(struct vinsn *in, const u8 *b, int n, bool mode64)
{
	bool opsize16 = false;
	int i = 0, disp = 0, imm = 0;
	u8 modrm;

	memset(in, 0, sizeof(*in));
	for (; i < n; i++) {
		switch (b[i]) {
		case 0x66:
			opsize16 = true;
			continue;
		case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64:
		case 0x65: case 0xf0:
			continue;
		case 0x67:		/* 16-bit addressing: not supported */
			return false;
		}
		break;
	}
	if (mode64 && i < n && (b[i] & 0xf0) == 0x40)
		in->rex = b[i++];
	if (i >= n)
		return false;
	in->op = b[i++];
	if (in->op == 0x0f) {
		if (i >= n)
			return false;
		in->twobyte = true;
		in->op = b[i++];
	}
	if (!in->twobyte && in->op >= 0xa0 && in->op <= 0xa3) {
		/* MOV AL/eAX <-> moffs: no ModRM, an absolute address. */
		in->opsize = !(in->op & 1) ? 1 : (in->rex & 8) ? 8 :
			     opsize16 ? 2 : 4;
		in->len = i + (mode64 ? 8 : 4);
		return in->len <= n;
	}
	if (i >= n)
		return false;
	modrm = b[i++];
	in->mod = modrm >> 6;
	in->reg = (modrm >> 3) & 7;
	in->rm = modrm & 7;
	if (in->twobyte && (in->op == 0x21 || in->op == 0x23))
		in->mod = 3;	/* MOV DR: ModRM.mod is ignored (always a GPR) */
	if (in->mod != 3 && in->rm == 4) {	/* SIB */
		if (i >= n)
			return false;
		if (in->mod == 0 && (b[i] & 7) == 5)
			disp = 4;
		i++;
	}
	if (in->mod == 1)
		disp = 1;
	else if (in->mod == 2 || (in->mod == 0 && in->rm == 5))
		disp = 4;

	if (!in->twobyte && (in->op == 0x88 || in->op == 0x8a || in->op == 0xc6))
		in->opsize = 1;
	else if (in->rex & 8)
		in->opsize = 8;
	else
		in->opsize = opsize16 ? 2 : 4;
	if (!in->twobyte && in->op == 0xc6)
		imm = 1;
	else if (!in->twobyte && in->op == 0xc7)
		imm = in->opsize == 2 ? 2 : 4;

	i += disp;
	if (i + imm > n)
		return false;
	if (imm == 1)
		in->imm = (s8)b[i];
	else if (imm == 2)
		in->imm = (s16)(b[i] | b[i + 1] << 8);
	else if (imm == 4)
		in->imm = (s32)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 |
				(u32)b[i + 3] << 24);
	in->len = i + imm;
	return true;
}

/* Fetch up to INSN_MAX bytes at RIP; returns how many could be read. */
static int vinsn_fetch(struct vmem_vcpu *vcpu, u8 *buf, bool *mode64)
{
	struct vmem_sregs s;
	u64 rip;
	int n = 0;

	vmem_arch->get_sregs(vcpu, &s);
	*mode64 = (s.efer & EFER_LMA) && s.cs.l;
	if (!*mode64 && !((s.cr0 & X86_CR0_PE) && s.cs.db))
		return 0;	/* real or 16-bit mode: not decoded */
	rip = *mode64 ? vcpu->rip : (u32)(s.cs.base + vcpu->rip);
	while (n < INSN_MAX) {
		int chunk = min_t(int, INSN_MAX - n,
				  PAGE_SIZE - offset_in_page(rip + n));

		if (vcpu_read_gva(vcpu, rip + n, buf + n, chunk))
			break;
		n += chunk;
	}
	return n;
}

/* Not decodable: RIP, the address and up to 16 instruction bytes. */
static int emulation_failed(struct vmem_vcpu *vcpu, const u8 *bytes, int n,
			    u64 gpa)
{
	u64 data[4] = { vcpu->rip, gpa };

	memcpy(&data[2], bytes, min(n, 16));
	return vcpu_internal_error(vcpu, VMEM_INTERNAL_ERROR_EMULATION, 4,
				   data);
}

/* Register operand value of the given width (AH..BH without REX). */
static u64 vinsn_reg_read(struct vmem_vcpu *vcpu, const struct vinsn *in,
			 u8 width)
{
	u8 r = in->reg | ((in->rex & 4) << 1);

	if (width == 1 && !in->rex && r >= 4)
		return (vcpu->regs[r - 4] >> 8) & 0xff;
	return vcpu->regs[r];
}

/**
 * vcpu_emulate_mmio() - the guest accessed @gpa outside its memory:
 * decode the access and hand it to userspace as VMEM_EXIT_MMIO.
 * @vcpu: the vCPU
 * @gpa: guest-physical address of the access
 *
 * Return: 0 (to userspace) always; undecodable instructions become an
 * internal-error exit.
 */
int vcpu_emulate_mmio(struct vmem_vcpu *vcpu, gpa_t gpa)
{
	struct vmem_run *run = vcpu->run;
	u8 bytes[INSN_MAX];
	bool mode64, write;
	struct vinsn in;
	u64 value = 0;
	u8 len;
	int n = vinsn_fetch(vcpu, bytes, &mode64);

	if (!n || !vinsn_decode(&in, bytes, n, mode64) || in.mod == 3)
		return emulation_failed(vcpu, bytes, n, gpa);

	if (!in.twobyte && (in.op == 0xa2 || in.op == 0xa3 ||
			    in.op == 0x88 || in.op == 0x89)) {
		write = true;
		len = in.opsize;
		value = vinsn_reg_read(vcpu, &in, len);
	} else if (!in.twobyte && (in.op == 0xc6 || in.op == 0xc7) && !in.reg) {
		write = true;
		len = in.opsize;
		value = in.imm;
	} else if (!in.twobyte && (in.op == 0xa0 || in.op == 0xa1 ||
				   in.op == 0x8a || in.op == 0x8b)) {
		write = false;
		len = in.opsize;
	} else if (in.twobyte && (in.op == 0xb6 || in.op == 0xb7)) {
		write = false;
		len = in.op == 0xb6 ? 1 : 2;
	} else {
		return emulation_failed(vcpu, bytes, n, gpa);
	}

	run->exit_reason = VMEM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write) {
		memcpy(run->mmio.data, &value, len);
	} else {
		u8 r = in.reg | ((in.rex & 4) << 1);

		vcpu->mmio_reg.high8 = in.opsize == 1 && !in.rex && r >= 4;
		vcpu->mmio_reg.reg = vcpu->mmio_reg.high8 ? r - 4 : r;
		vcpu->mmio_reg.width = in.opsize;
		vcpu->pending = VCPU_PENDING_MMIO_READ;
	}
	vcpu_skip_insn(vcpu, in.len);
	return 0;
}

/**
 * vcpu_complete_mmio_read() - put the value userspace read into the
 * destination register (x86 rules: 8/16-bit writes merge, 32-bit writes
 * zero-extend, MOVZX zero-extends the loaded value).
 * @vcpu: the vCPU
 */
void vcpu_complete_mmio_read(struct vmem_vcpu *vcpu)
{
	u64 v = 0, *reg = &vcpu->regs[vcpu->mmio_reg.reg];

	memcpy(&v, vcpu->run->mmio.data, min_t(u32, vcpu->run->mmio.len, 8));
	switch (vcpu->mmio_reg.width) {
	case 1:
		if (vcpu->mmio_reg.high8)
			*reg = (*reg & ~0xff00ULL) | ((v & 0xff) << 8);
		else
			*reg = (*reg & ~0xffULL) | (v & 0xff);
		break;
	case 2:
		*reg = (*reg & ~0xffffULL) | (v & 0xffff);
		break;
	case 4:
		*reg = (u32)v;
		break;
	default:
		*reg = v;
		break;
	}
}

/**
 * vcpu_emulate_dr() - MOV to/from DR0-7 against the vCPU's virtual debug
 * registers. The hardware debug registers are never the guest's, so guest
 * breakpoints do not fire, but a guest that saves and restores them (Linux
 * does at boot) runs, and nothing leaks between guests or to the host.
 * @vcpu: the vCPU
 *
 * Return: 1 (re-enter) or 0 (internal error to userspace).
 */
int vcpu_emulate_dr(struct vmem_vcpu *vcpu)
{
	u8 bytes[INSN_MAX];
	struct vmem_sregs s;
	struct vinsn in;
	bool mode64;
	int n = vinsn_fetch(vcpu, bytes, &mode64);
	u8 dr, gpr;
	u64 *slot;

	if (!n || !vinsn_decode(&in, bytes, n, mode64) || !in.twobyte ||
	    (in.op != 0x21 && in.op != 0x23))
		return emulation_failed(vcpu, bytes, n, 0);
	/*
	 * MOV DRn is privileged (#GP(0) at CPL > 0, SDM vol. 2 "MOV—Move
	 * to/from Debug Registers"); VT-x exits before the CPU checks it.
	 */
	if (vcpu_cpl(vcpu)) {
		vcpu_inject_gp(vcpu);
		return 1;
	}
	vmem_arch->get_sregs(vcpu, &s);
	dr = in.reg;
	gpr = in.rm | ((in.rex & 1) << 3);
	if ((in.rex & 4) || ((dr == 4 || dr == 5) && (s.cr4 & X86_CR4_DE))) {
		vcpu_inject_ud(vcpu);
		return 1;
	}
	if (dr >= 4)
		dr = dr == 4 || dr == 6 ? 6 : 7;
	slot = &vcpu->dr[dr < 4 ? dr : dr - 2];
	if (in.op == 0x21) {
		vcpu->regs[gpr] = mode64 ? *slot : (u32)*slot;
	} else {
		u64 v = mode64 ? vcpu->regs[gpr] : (u32)vcpu->regs[gpr];

		if (dr >= 6 && (v >> 32)) {
			vcpu_inject_gp(vcpu);
			return 1;
		}
		*slot = v;
	}
	vcpu_skip_insn(vcpu, in.len);
	return 1;
}
