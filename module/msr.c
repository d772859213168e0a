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
	int r = vmem_arch->set_msr(vcpu, index, data);

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
