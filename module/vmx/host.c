// SPDX-License-Identifier: GPL-2.0
/*
 * Making a vCPU's VMCS current on a CPU (vcpu_load) and taking it off again
 * (vcpu_put), and the host state that goes with it.
 *
 * A VMCS may be current on one CPU at a time and must be VMCLEARed before
 * another CPU loads it (Intel SDM vol. 3, 25.1 and 25.11.1). The core calls
 * vcpu_load/vcpu_put around VMEM_RUN and from its preempt notifiers, so the
 * VMCS is current exactly while the vCPU thread runs inside VMEM_RUN. Each
 * put VMCLEARs; the next load may then happen anywhere, and VMLAUNCH (not
 * VMRESUME) follows it.
 *
 * A VM exit reloads only part of the host state (28.5): the rest is saved
 * here at load and put back at put, as long as the kernel does not need it
 * meanwhile. That is the user-visible segment state (DS, ES, FS, GS
 * selectors, LDT), the TSS limit (an exit sets it to 0x67, cutting off the
 * I/O bitmap) and the GDT limit (0xffff after an exit), the SYSCALL MSRs and
 * IA32_KERNEL_GS_BASE. The kernel itself runs fine with the guest's values
 * there; userspace never does.
 *
 * Everything here runs with preemption disabled; vcpu_put may also be
 * called by the scheduler with interrupts disabled.
 */
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>

#include "vmx.h"

/* msrs_loaded bits: which SYSCALL MSRs hold the guest's value. */
#define GUEST_STAR	BIT(0)
#define GUEST_LSTAR	BIT(1)
#define GUEST_SFMASK	BIT(2)

static void load_one(u8 *loaded, u8 bit, u32 msr, u64 guest, u64 host)
{
	if (guest != host) {
		wrmsrl(msr, guest);
		*loaded |= bit;
	}
}

/**
 * vmx_load_guest_msrs() - put the guest's values into the MSRs that no VM
 * transition switches. Only the SYSCALL MSRs that differ from the host's
 * are written.
 * @vx: the vCPU, loaded on this CPU
 */
void vmx_load_guest_msrs(struct vmx_vcpu *vx)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	wrmsrl(MSR_KERNEL_GS_BASE, vx->msrs.kernel_gs_base);
	load_one(&vx->msrs_loaded, GUEST_STAR, MSR_STAR, vx->msrs.star, vc->star);
	load_one(&vx->msrs_loaded, GUEST_LSTAR, MSR_LSTAR, vx->msrs.lstar,
		 vc->lstar);
	load_one(&vx->msrs_loaded, GUEST_SFMASK, MSR_SYSCALL_MASK,
		 vx->msrs.sfmask, vc->sfmask);
}

/**
 * vmx_put_guest_msrs() - the reverse: save what the guest may have changed
 * without an exit and give the host its values back.
 * @vx: the vCPU, loaded on this CPU
 */
void vmx_put_guest_msrs(struct vmx_vcpu *vx)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	rdmsrl(MSR_KERNEL_GS_BASE, vx->msrs.kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, vx->host.kernel_gs_base);
	if (vx->msrs_loaded & GUEST_STAR)
		wrmsrl(MSR_STAR, vc->star);
	if (vx->msrs_loaded & GUEST_LSTAR)
		wrmsrl(MSR_LSTAR, vc->lstar);
	if (vx->msrs_loaded & GUEST_SFMASK)
		wrmsrl(MSR_SYSCALL_MASK, vc->sfmask);
	vx->msrs_loaded = 0;
}

/*
 * Host FS and GS selectors in the VMCS must have RPL 0 and TI 0 (26.2.3);
 * a user selector that does not is replaced by 0 and reloaded at put.
 */
static u16 host_selector(u16 sel)
{
	return sel & (SEGMENT_RPL_MASK | SEGMENT_TI_MASK) ? 0 : sel;
}

static void vmx_save_host_state(struct vmx_vcpu *vx, int cpu)
{
	struct vmx_host_state *h = &vx->host;
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct desc_ptr dt;
	u64 gs_base;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	store_ldt(h->ldt);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_GS_BASE, gs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	h->debugctl = get_debugctlmsr();

	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_FS_SELECTOR, host_selector(h->fs));
	vmcs_write(HOST_GS_SELECTOR, host_selector(h->gs));
	vmcs_write(HOST_FS_BASE, h->fs_base);
	vmcs_write(HOST_GS_BASE, gs_base);
	vmcs_write(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	native_store_gdt(&dt);
	vmcs_write(HOST_GDTR_BASE, dt.address);
	store_idt(&dt);
	vmcs_write(HOST_IDTR_BASE, dt.address);
	vmcs_write(HOST_IA32_SYSENTER_CS, vc->sysenter_cs);
	vmcs_write(HOST_IA32_SYSENTER_ESP, vc->sysenter_esp);
	vmcs_write(HOST_IA32_SYSENTER_EIP, vc->sysenter_eip);
	vmcs_write(HOST_IA32_EFER, vc->efer);
	vmcs_write(HOST_IA32_PAT, vc->pat);
	/* CR3 and CR4 can change under a running thread: set at each entry. */
	h->cr3 = 0;
	h->cr4 = 0;
}

static void vmx_restore_host_state(struct vmx_vcpu *vx, int cpu)
{
	struct vmx_host_state *h = &vx->host;

	if (h->ldt)
		asm volatile("lldt %0" : : "rm" (h->ldt));
	if (host_selector(h->gs) != h->gs) {
		/* Loads the descriptor's base into IA32_KERNEL_GS_BASE. */
		load_gs_index(h->gs);
		wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
	if (host_selector(h->fs) != h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->ds | h->es) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	/* The kernel reloads TR with the full limit when it is needed. */
	invalidate_tss_limit();
	load_fixmap_gdt(cpu);
}

/**
 * vmx_vcpu_load() - make @vcpu's VMCS current on this CPU and switch to
 * the guest's MSRs. Preemption disabled.
 * @vcpu: the vCPU
 * @cpu: this CPU
 *
 * On a CPU other than the last one, cached translations of this VM's EPT
 * context may be stale there (the VM's mappings may have changed since, or
 * its root table may have belonged to a VM that is gone): flush them.
 */
void vmx_vcpu_load(struct vmem_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (!vmx_vmptrld(vx->vmcs_pa))
		return;
	/*
	 * Another vCPU's guest may have trained the branch predictors here:
	 * keep its predictions from steering this one (Spectre v2 between
	 * guests), as the host's mitigations ask.
	 */
	if (vc->last_vmcs != vx->vmcs_pa) {
		indirect_branch_prediction_barrier();
		vc->last_vmcs = vx->vmcs_pa;
	}
	vmx_save_host_state(vx, cpu);
	if (vx->last_cpu != cpu) {
		ept_flush_context(vx->eptp);
		vx->flush_vpid = false;
		vx->last_cpu = cpu;
	}
	vmx_load_guest_msrs(vx);
	vx->loaded = true;
}

/**
 * vmx_vcpu_put() - the reverse: host state back, VMCS cleared (its data
 * written back to memory, 25.11.3) so any CPU may load it next.
 * Preemption disabled, interrupts possibly disabled.
 * @vcpu: the vCPU
 */
void vmx_vcpu_put(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	int cpu = smp_processor_id();

	/* Not loaded: VMX was switched off under the vCPU (reboot). */
	if (!vx->loaded)
		return;
	vmx_put_guest_msrs(vx);
	vmx_restore_host_state(vx, cpu);
	vmx_vmclear(vx->vmcs_pa);
	vx->launched = false;
	vx->loaded = false;
}

/**
 * vmx_set_host_cr3_cr4() - HOST_CR3/HOST_CR4 as they are now, written only
 * when they changed. Interrupts disabled, just before entry.
 * @vx: the vCPU, loaded on this CPU
 */
void vmx_set_host_cr3_cr4(struct vmx_vcpu *vx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (cr3 != vx->host.cr3) {
		vmcs_write(HOST_CR3, cr3);
		vx->host.cr3 = cr3;
	}
	if (cr4 != vx->host.cr4) {
		vmcs_write(HOST_CR4, cr4);
		vx->host.cr4 = cr4;
	}
}
