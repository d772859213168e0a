// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID as the guest sees it: a per-vCPU table, defaulting to the host's
 * leaves with everything vmem does not virtualize taken out, and replaceable
 * from userspace (VMEM_SET_CPUID). vCPU mutex held; process context.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "vmem.h"

/* Bits hidden from the guest, by leaf and register (Intel SDM vol. 2, CPUID;
 * AMD APM vol. 3, appendix E). */
#define L1_ECX_HIDE	(BIT(3) /* MONITOR */ | BIT(5) /* VMX */ | \
			 BIT(6) /* SMX */ | BIT(7) /* EIST */ | BIT(8) /* TM2 */ | \
			 BIT(15) /* PDCM */ | BIT(18) /* DCA */ | \
			 BIT(21) /* x2APIC */ | BIT(24) /* TSC deadline */)
#define L1_EDX_HIDE	(BIT(9) /* APIC */ | BIT(12) /* MTRR */ | \
			 BIT(21) /* DS */ | BIT(22) /* ACPI */ | \
			 BIT(29) /* TM */ | BIT(31) /* PBE */)
#define L1_ECX_HYPERVISOR BIT(31)
#define L7_ECX_HIDE	(BIT(3) /* PKU */ | BIT(4) /* OSPKE */ | \
			 BIT(5) /* WAITPKG */ | BIT(16) /* LA57 */ | \
			 BIT(22) /* RDPID: TSC_AUX is the host's */)
#define L7_EBX_HIDE	BIT(14)	/* MPX: not in the guest's XCR0 */
#define L7_EDX_HIDE	(BIT(22) /* AMX-BF16 */ | BIT(24) /* AMX-TILE */ | \
			 BIT(25) /* AMX-INT8: AMX is not in the guest's XCR0 */ | \
			 BIT(26) /* IBRS/IBPB */ | BIT(27) /* STIBP */ | \
			 BIT(28) /* L1D flush */ | BIT(29) /* ARCH_CAP */ | \
			 BIT(30) /* CORE_CAP */ | BIT(31) /* SSBD */)
#define X1_ECX_HIDE	(BIT(2) /* SVM */ | BIT(23) /* PERFCTR_CORE */)
#define X1_EDX_HIDE	BIT(27)	/* RDTSCP: TSC_AUX is the host's */
#define X8_EBX_HIDE	(BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25))

#define HV_LEAF		0x40000000
#define BASIC_MAX	0xd
#define EXT_MAX		0x80000008

static void cpuid_add(struct vmem_cpuid_entry *t, u32 *n, u32 fn, u32 idx,
		      bool indexed)
{
	struct vmem_cpuid_entry *e = &t[(*n)++];

	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	e->flags = indexed ? VMEM_CPUID_FLAG_INDEXED : 0;
	cpuid_count(fn, idx, &e->eax, &e->ebx, &e->ecx, &e->edx);
}

/**
 * vcpu_cpuid_init() - build the default CPUID table of a new vCPU.
 * @vcpu: the vCPU
 *
 * Return: 0 or -ENOMEM.
 */
int vcpu_cpuid_init(struct vmem_vcpu *vcpu)
{
	u64 xfeatures = vcpu->supported_xcr0;
	struct vmem_cpuid_entry *t, *e;
	u32 n = 0, fn, i, max;

	t = kcalloc(VMEM_MAX_CPUID_ENTRIES, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;

	max = min_t(u32, cpuid_eax(0), BASIC_MAX);
	for (fn = 0; fn <= max; fn++) {
		if (fn == 7 || fn == 0xd) {
			for (i = 0; i < (fn == 7 ? 1 : 2); i++)
				cpuid_add(t, &n, fn, i, true);
		} else if (fn == 0 || fn == 1) {
			cpuid_add(t, &n, fn, 0, false);
		}
	}
	for (i = 0; i < n; i++) {
		e = &t[i];
		if (e->function == 0) {
			e->eax = max;
		} else if (e->function == 1) {
			e->ecx = (e->ecx & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
			e->edx &= ~L1_EDX_HIDE;
			/* Initial APIC id, and one logical processor. */
			e->ebx = (e->ebx & 0xffff) | (1 << 16) | (vcpu->id << 24);
		} else if (e->function == 7) {
			e->eax = 0;
			e->ebx &= ~L7_EBX_HIDE;
			e->ecx &= ~L7_ECX_HIDE;
			e->edx &= ~L7_EDX_HIDE;
		} else if (e->function == 0xd && e->index == 0) {
			/* Exactly what XSETBV accepts (exit.c). */
			e->eax &= lower_32_bits(xfeatures);
			e->edx &= upper_32_bits(xfeatures);
		} else if (e->function == 0xd && e->index == 1) {
			e->eax &= BIT(0) | BIT(1) | BIT(2);	/* XSAVEOPT/C, XGETBV1 */
			e->ebx = e->ecx = e->edx = 0;
		}
	}
	/* Hypervisor leaf: "vmemvmemvmem". */
	e = &t[n++];
	memset(e, 0, sizeof(*e));
	e->function = HV_LEAF;
	e->eax = HV_LEAF;
	memcpy(&e->ebx, "vmem", 4);
	memcpy(&e->ecx, "vmem", 4);
	memcpy(&e->edx, "vmem", 4);

	max = min_t(u32, cpuid_eax(0x80000000), EXT_MAX);
	for (fn = 0x80000000; fn <= max; fn++) {
		if (fn == 0x80000001 || fn == 0x80000000 || fn == 0x80000008 ||
		    (fn >= 0x80000002 && fn <= 0x80000004))
			cpuid_add(t, &n, fn, 0, false);
	}
	for (i = 0; i < n; i++) {
		e = &t[i];
		if (e->function == 0x80000000)
			e->eax = max;
		else if (e->function == 0x80000001) {
			e->ecx &= ~X1_ECX_HIDE;
			e->edx &= ~X1_EDX_HIDE;
		} else if (e->function == 0x80000008) {
			e->ebx &= ~X8_EBX_HIDE;
		}
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = t;
	vcpu->cpuid_nent = n;
	return 0;
}

/**
 * vcpu_set_cpuid() - VMEM_SET_CPUID: replace the vCPU's CPUID table.
 * @vcpu: the vCPU
 * @ucpuid: the table in userspace
 *
 * Return: 0, -EFAULT, -E2BIG (more than VMEM_MAX_CPUID_ENTRIES), -EINVAL
 * (non-zero flags or reserved fields), or -ENOMEM.
 */
int vcpu_set_cpuid(struct vmem_vcpu *vcpu, struct vmem_cpuid __user *ucpuid)
{
	struct vmem_cpuid hdr;
	struct vmem_cpuid_entry *t;
	u32 i;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags || hdr.reserved[0] || hdr.reserved[1])
		return -EINVAL;
	if (hdr.nent > VMEM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	t = memdup_user(ucpuid->entries, array_size(hdr.nent, sizeof(*t)));
	if (IS_ERR(t))
		return PTR_ERR(t);
	for (i = 0; i < hdr.nent; i++) {
		if ((t[i].flags & ~VMEM_CPUID_FLAG_INDEXED) ||
		    t[i].reserved[0] || t[i].reserved[1] || t[i].reserved[2]) {
			kfree(t);
			return -EINVAL;
		}
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = t;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

/**
 * vcpu_emulate_cpuid() - execute CPUID for the guest: look up EAX (and ECX
 * for indexed leaves) in the table; a leaf not in it reads as zeros.
 * @vcpu: the vCPU
 */
void vcpu_emulate_cpuid(struct vmem_vcpu *vcpu)
{
	u32 fn = vcpu->regs[VCPU_REGS_RAX], idx = vcpu->regs[VCPU_REGS_RCX];
	const struct vmem_cpuid_entry *e = NULL;
	u32 i;

	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct vmem_cpuid_entry *c = &vcpu->cpuid[i];

		if (c->function == fn &&
		    (!(c->flags & VMEM_CPUID_FLAG_INDEXED) || c->index == idx)) {
			e = c;
			break;
		}
	}
	vcpu->regs[VCPU_REGS_RAX] = e ? e->eax : 0;
	vcpu->regs[VCPU_REGS_RBX] = e ? e->ebx : 0;
	vcpu->regs[VCPU_REGS_RCX] = e ? e->ecx : 0;
	vcpu->regs[VCPU_REGS_RDX] = e ? e->edx : 0;
}
