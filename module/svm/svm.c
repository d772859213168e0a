// SPDX-License-Identifier: GPL-2.0
/*
 * AMD-V (SVM) backend: detection, per-CPU enable/disable, vCPU objects and
 * the ops table through which the core reaches it.
 *
 * probe/unsetup and vCPU create/free run in process context; cpu_enable/
 * cpu_disable on their CPU with interrupts disabled.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "svm.h"

/*
 * NPT entries are ordinary x86-64 page-table entries walked as user
 * accesses, so U/S must be set (APM vol. 2, 15.25.5).
 */
static const struct slpt_format npt_format = {
	.table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.leaf_ro = _PAGE_PRESENT | _PAGE_USER,
	.leaf_rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.present = _PAGE_PRESENT,
	.write = _PAGE_RW,
};

static void svm_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = sd->host_save = NULL;
	}
}

static void svm_unsetup(void)
{
	svm_free_cpu_pages();
	svm_maps_exit();
}

static int svm_probe(const char **why)
{
	u64 vm_cr;
	int cpu;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_HYGON) {
		*why = "not an AMD CPU";
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		*why = "CPU has no SVM (AMD-V)";
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		*why = "CPU has SVM but no nested paging (NPT)";
		return -ENODEV;
	}
	/* APM vol. 2, 15.30.1: VM_CR.SVMDIS set means the BIOS disabled SVM. */
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & (1 << SVM_VM_CR_SVM_DISABLE)) {
		*why = "SVM is disabled in the BIOS (VM_CR.SVMDIS)";
		return -ENODEV;
	}
	if (svm_maps_init()) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu, cpu);

		sd->hsave = alloc_page(GFP_KERNEL | __GFP_ZERO);
		sd->host_save = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sd->hsave || !sd->host_save) {
			svm_unsetup();
			*why = "out of memory";
			return -ENOMEM;
		}
	}
	pr_info("vmem: AMD SVM with nested paging, %u ASIDs%s\n",
		cpuid_ebx(SVM_CPUID_FUNC),
		boot_cpu_has(X86_FEATURE_NRIPS) ? ", NRIP save" : "");
	return 0;
}

/*
 * Interrupts are disabled. EFER.SVME already set means someone else (KVM)
 * owns SVM on this CPU: refuse rather than share it.
 */
static int svm_cpu_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* Stale translations may survive from before: start a generation. */
	sd->max_asid = cpuid_ebx(SVM_CPUID_FUNC) - 1;
	sd->next_asid = sd->max_asid + 1;
	sd->asid_gen++;
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static int svm_vcpu_create(struct vmem_vcpu *vcpu)
{
	struct svm_vcpu *sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	struct page *page;

	if (!sv)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb = page_address(page);
	sv->vmcb_pa = page_to_phys(page);
	vcpu->arch = sv;
	svm_vcpu_reset(vcpu);
	return 0;
}

static void svm_vcpu_free(struct vmem_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	free_page((unsigned long)sv->vmcb);
	kfree(sv);
	vcpu->arch = NULL;
}

const struct vmem_arch_ops vmem_svm_ops = {
	.name = "svm",
	.cap = VMEM_CAP_SVM,
	.slpt = &npt_format,
	VMEM_ARCH_OPS(VMEM_SVM_OP)
};
