// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSRs beyond those whose value lives in the backend's control
 * block: a minimal set that common guests read at boot. Every other MSR
 * raises #GP in the guest, as on a CPU that lacks it. vCPU mutex held.
 */
#include <asm/msr-index.h>

#include "vmem.h"
#include "x86.h"

/**
 * vmem_pat_valid() - is @pat a valid IA32_PAT value: every entry a defined
 * memory type (UC, WC, WT, WP, WB, UC-)? A bad one is #GP on WRMSR.
 * @pat: the value
 */
bool vmem_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = (pat >> (i * 8)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/*
 * What WRMSR checks and truncates alike on every x86 CPU, for MSRs the
 * backends hold: an address MSR must be canonical, IA32_PAT must name
 * memory types, and the upper halves of SYSENTER_CS and SFMASK are
 * dropped. The backend then only stores the value (and checks EFER, whose
 * allowed bits are its own).
 */
static int msr_write_check(u32 index, u64 *data)
{
	switch (index) {
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		return __is_canonical_address(*data, 48) ? 0 : -EINVAL;
	case MSR_IA32_CR_PAT:
		return vmem_pat_valid(*data) ? 0 : -EINVAL;
	case MSR_SYSCALL_MASK:
	case MSR_IA32_SYSENTER_CS:
		*data = (u32)*data;
		return 0;
	default:
		return 0;
	}
}

/**
 * vcpu_get_msr() - RDMSR on behalf of the guest.
 * @vcpu: the vCPU
 * @index: MSR number (ECX)
 * @data: value
 *
 * Return: 0, or -EINVAL when the guest must get #GP.
 */
int vcpu_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data)
{
	int r = vmem_arch->get_msr(vcpu, index, data);

	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_APICBASE:
		/* No local APIC is emulated; CPUID says so as well. */
		*data = vcpu_apic_base(vcpu);
		return 0;
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_MCG_STATUS:
	case MSR_K7_HWCR:
	case MSR_IA32_PLATFORM_ID:
		*data = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * vcpu_set_msr() - WRMSR on behalf of the guest.
 * @vcpu: the vCPU
 * @index: MSR number (ECX)
 * @data: value (EDX:EAX)
 *
 * Return: 0, or -EINVAL when the guest must get #GP.
 */
int vcpu_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data)
{
	int r = msr_write_check(index, &data);

	if (r)
		return r;
	r = vmem_arch->set_msr(vcpu, index, data);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_UCODE_REV:	/* written before reading the revision */
	case MSR_K7_HWCR:
		return 0;
	case MSR_IA32_MCG_STATUS:
		return data ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}
