// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits to userspace (VMEM_EXIT_IO), KVM style: the data of the
 * access lives in the second run page, run->io.data_offset bytes into the
 * mapping. OUT data is there when RUN returns; IN data is put there by
 * userspace and moved into the guest by the next RUN.
 *
 * String I/O (INS/OUTS, with or without REP) moves at most one page of
 * data per exit; a REP instruction that is not finished is re-executed, so
 * a long transfer is a series of exits. Segment bases are taken as zero
 * (true in 64-bit mode and for flat protected-mode guests).
 * vCPU thread, process context.
 */
#include <linux/mm.h>

#include "emulate.h"

#define PIO_DATA_OFFSET	PAGE_SIZE	/* the second run page */
#define RFLAGS_DF	BIT(10)

static void *pio_data(struct vmem_vcpu *vcpu)
{
	return page_address(vcpu->run_pages[1]);
}

static int pio_string_fault(struct vmem_vcpu *vcpu, u64 gva)
{
	u64 data[2] = { vcpu->rip, gva };

	return vcpu_internal_error(vcpu, VMEM_INTERNAL_ERROR_EMULATION, 2,
				   data);
}

/* Advance RSI/RDI and RCX past @count elements; finish the insn if done. */
static void pio_string_advance(struct vmem_vcpu *vcpu, int addr_reg)
{
	u64 bytes = (u64)vcpu->pio.count * vcpu->pio.size;

	if (vcpu->pio.down)
		vcpu->regs[addr_reg] -= bytes;
	else
		vcpu->regs[addr_reg] += bytes;
	if (vcpu->pio.rep)
		vcpu->regs[VCPU_REGS_RCX] -= vcpu->pio.count;
	if (!vcpu->pio.rep || !vcpu->regs[VCPU_REGS_RCX])
		vcpu_skip_insn(vcpu, vcpu->pio.insn_len);
}

/* Copy @count elements between guest memory at @gva and the data page. */
static int pio_string_copy(struct vmem_vcpu *vcpu, u64 gva, bool to_guest)
{
	u8 *data = pio_data(vcpu);
	u32 i, size = vcpu->pio.size;
	int r;

	for (i = 0; i < vcpu->pio.count; i++) {
		u64 a = vcpu->pio.down ? gva - (u64)i * size : gva + (u64)i * size;

		r = to_guest ? vcpu_write_gva(vcpu, a, data + i * size, size) :
			       vcpu_read_gva(vcpu, a, data + i * size, size);
		if (r)
			return r;
	}
	return 0;
}

/**
 * vcpu_pio() - a port I/O exit.
 * @vcpu: the vCPU
 * @exit: the backend's description (port, size, direction, string, rep)
 *
 * Return: 0 (to userspace), or 1 when a REP string has a zero count.
 */
int vcpu_pio(struct vmem_vcpu *vcpu, struct vmem_exit *exit)
{
	struct vmem_run *run = vcpu->run;
	u8 size = exit->io.size;

	run->exit_reason = VMEM_EXIT_IO;
	run->io.direction = exit->io.in ? VMEM_EXIT_IO_IN : VMEM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = exit->io.port;
	run->io.count = 1;
	run->io.data_offset = PIO_DATA_OFFSET;

	vcpu->pio.size = size;
	if (!exit->io.string) {
		if (exit->io.in)
			vcpu->pending = VCPU_PENDING_IO_IN;
		else
			memcpy(pio_data(vcpu), &vcpu->regs[VCPU_REGS_RAX], size);
		vcpu_skip_insn(vcpu, exit->insn_len);
		return 0;
	}

	vcpu->pio.rep = exit->io.rep;
	vcpu->pio.down = vcpu->rflags & RFLAGS_DF;
	vcpu->pio.insn_len = exit->insn_len;
	vcpu->pio.count = 1;
	if (exit->io.rep) {
		if (!vcpu->regs[VCPU_REGS_RCX]) {
			vcpu_skip_insn(vcpu, exit->insn_len);
			return 1;
		}
		vcpu->pio.count = min_t(u64, vcpu->regs[VCPU_REGS_RCX],
					PAGE_SIZE / size);
	}
	run->io.count = vcpu->pio.count;

	if (exit->io.in) {
		vcpu->pio.gva = vcpu->regs[VCPU_REGS_RDI];
		vcpu->pending = VCPU_PENDING_STRING_IN;
		return 0;
	}
	vcpu->pio.gva = vcpu->regs[VCPU_REGS_RSI];
	if (pio_string_copy(vcpu, vcpu->pio.gva, false))
		return pio_string_fault(vcpu, vcpu->pio.gva);
	pio_string_advance(vcpu, VCPU_REGS_RSI);
	return 0;
}

/**
 * vcpu_complete_io_in() - put the data userspace supplied for IN into RAX.
 * @vcpu: the vCPU
 *
 * 8- and 16-bit results replace the low bits only; 32-bit results
 * zero-extend into RAX, as the instruction does (Intel SDM vol. 1, 3.4.1.1).
 * The width is the one the exit reported, kept in the vCPU: the run page
 * is userspace's to scribble on.
 */
void vcpu_complete_io_in(struct vmem_vcpu *vcpu)
{
	u8 *data = pio_data(vcpu);
	u64 *rax = &vcpu->regs[VCPU_REGS_RAX];

	switch (vcpu->pio.size) {
	case 1:
		*rax = (*rax & ~0xffULL) | data[0];
		break;
	case 2:
		*rax = (*rax & ~0xffffULL) | *(u16 *)data;
		break;
	default:
		*rax = *(u32 *)data;
		break;
	}
}

/**
 * vcpu_complete_string_in() - store the data userspace supplied for INS.
 * @vcpu: the vCPU
 *
 * Return: 0, or -EFAULT when the guest's buffer is not mapped.
 */
int vcpu_complete_string_in(struct vmem_vcpu *vcpu)
{
	if (pio_string_copy(vcpu, vcpu->pio.gva, true))
		return -EFAULT;
	pio_string_advance(vcpu, VCPU_REGS_RDI);
	return 0;
}
