// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-virtual to guest-physical translation, for the rare cases where the
 * host must follow the guest's own page tables: fetching an instruction to
 * emulate, and string port I/O. Reads the guest's tables through module/mm
 * (vmem_mm_read(): a read never populates a page).
 * Supports paging off, 32-bit (with PSE), PAE and 4-level long mode (Intel
 * SDM vol. 3, chapter 4; AMD APM vol. 2, chapter 5). Process context.
 */
#include <linux/mm.h>

#include "emulate.h"

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

static int gva_read_pte(struct vmem_vcpu *vcpu, gpa_t gpa, u64 *pte, int size)
{
	*pte = 0;
	return vmem_mm_read(&vcpu->vm->mm, gpa, pte, size, false);
}

/**
 * vcpu_gva_to_gpa() - translate @gva with the guest's current paging mode.
 * @vcpu: the vCPU
 * @gva: guest-virtual (linear) address
 * @gpa: result
 *
 * Only presence is checked: the guest already passed its own checks before
 * the exit that brings us here. Return: 0, or -EFAULT if not mapped.
 */
int vcpu_gva_to_gpa(struct vmem_vcpu *vcpu, gva_t gva, gpa_t *gpa)
{
	struct vmem_sregs s;
	u64 pte, table;
	int level, shift;

	vmem_arch->get_sregs(vcpu, &s);
	if (!(s.cr0 & X86_CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(s.cr4 & X86_CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries. */
		table = s.cr3 & 0xfffff000;
		if (gva_read_pte(vcpu, table + ((gva >> 22) & 1023) * 4, &pte, 4) ||
		    !(pte & PTE_P))
			return -EFAULT;
		if ((pte & PTE_PS) && (s.cr4 & X86_CR4_PSE)) {
			*gpa = (pte & 0xffc00000) | (gva & 0x3fffff);
			return 0;
		}
		table = pte & 0xfffff000;
		if (gva_read_pte(vcpu, table + ((gva >> 12) & 1023) * 4, &pte, 4) ||
		    !(pte & PTE_P))
			return -EFAULT;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		return 0;
	}
	if (s.efer & EFER_LMA) {
		if (s.cr4 & X86_CR4_LA57)
			return -EFAULT;	/* 5-level paging: not supported */
		level = 4;
		table = s.cr3 & PTE_ADDR;
	} else {
		/* PAE: CR3 points at four 8-byte PDPTEs. */
		gva &= 0xffffffff;
		if (gva_read_pte(vcpu, (s.cr3 & 0xffffffe0) + (gva >> 30) * 8,
				 &pte, 8) || !(pte & PTE_P))
			return -EFAULT;
		level = 2;
		table = pte & PTE_ADDR;
	}
	for (; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		if (gva_read_pte(vcpu, table + ((gva >> shift) & 511) * 8,
				 &pte, 8) || !(pte & PTE_P))
			return -EFAULT;
		if (level > 1 && (pte & PTE_PS)) {
			*gpa = (pte & PTE_ADDR & ~((1ULL << shift) - 1)) |
			       (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = pte & PTE_ADDR;
	}
	*gpa = table | (gva & 0xfff);
	return 0;
}

static int gva_copy(struct vmem_vcpu *vcpu, gva_t gva, void *buf, size_t len,
		    bool write)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gva));
		gpa_t gpa;
		int r = vcpu_gva_to_gpa(vcpu, gva, &gpa);

		if (!r)
			r = write ? vmem_mm_write(&vcpu->vm->mm, gpa, buf, n,
						  false) :
				    vmem_mm_read(&vcpu->vm->mm, gpa, buf, n,
						 false);
		if (r)
			return r;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * vcpu_read_gva() - read guest memory at a guest-virtual address.
 * @vcpu: the vCPU
 * @gva: first byte
 * @buf: kernel destination
 * @len: bytes
 *
 * Return: 0 or -errno (-EFAULT when not mapped, -EINVAL outside memory).
 */
int vcpu_read_gva(struct vmem_vcpu *vcpu, gva_t gva, void *buf, size_t len)
{
	return gva_copy(vcpu, gva, buf, len, false);
}

/**
 * vcpu_write_gva() - write guest memory at a guest-virtual address.
 * @vcpu: the vCPU
 * @gva: first byte
 * @buf: kernel source
 * @len: bytes
 *
 * Return: 0 or -errno.
 */
int vcpu_write_gva(struct vmem_vcpu *vcpu, gva_t gva, const void *buf,
		   size_t len)
{
	return gva_copy(vcpu, gva, (void *)buf, len, true);
}
