// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VT-x backend: detection and the controls every VMCS gets, turning
 * VMX on and off per CPU, the emergency VMXOFF, vCPU objects and the ops
 * table through which the core reaches the backend.
 *
 * probe/unsetup, vCPU create/free and the module notifier run in process
 * context; cpu_enable/cpu_disable on their CPU with interrupts disabled; the
 * emergency callback in NMI context on every CPU.
 */
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <asm/virtext.h>

#include "vmx.h"

struct vmx_caps vmx_caps;
DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);
const gate_desc *vmx_host_idt;

/*
 * With external-interrupt exiting, a host interrupt ends guest mode whatever
 * the guest's RFLAGS.IF (Intel SDM vol. 3, "Other Causes of VM Exits").
 * Bochs 2.7 does not do that for a guest that runs with IF=0: it holds the
 * interrupt until the guest sets IF, so such a guest keeps the CPU and the
 * host's timer stops. The VMX-preemption timer (SDM, "VMX-Preemption
 * Timer") bounds every stay in guest mode on such an emulator; real CPUs do
 * not need it, hence off by default.
 */
static unsigned int vmx_preemption_timer_us;
module_param(vmx_preemption_timer_us, uint, 0444);
MODULE_PARM_DESC(vmx_preemption_timer_us,
		 "VT-x: leave guest mode at least every N us with the VMX-preemption timer (0: off; for emulators that ignore external-interrupt exiting while the guest has IF=0)");

/* VPIDs 1..65535 (0 is the host's), one per vCPU while they last. */
static DEFINE_IDA(vmx_vpids);

/**
 * vmx_insn_failed() - a VMX instruction reported VMfail: a bug here.
 * @insn: the instruction
 * @arg: its operand (field, address or type)
 */
void vmx_insn_failed(const char *insn, u64 arg)
{
	u64 err = 0;

	/* Valid only for VMfailValid; read without recursing into us. */
	asm volatile("1: vmread %[field], %[err]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [err] "+r" (err)
		     : [field] "r" ((unsigned long)VM_INSTRUCTION_ERROR)
		     : "cc");
	WARN_ONCE(1, "vmem: %s %#llx failed, VM-instruction error %llu\n",
		  insn, arg, err);
}

/**
 * vmx_vmcs_enter() - make @vx's VMCS current for a few accesses, loading it
 * if the vCPU is not running (then VMEM_RUN is not in progress, and the VMCS
 * is clear). Disables preemption until vmx_vmcs_exit().
 * @vx: the vCPU
 *
 * Return: whether it was loaded just for this; pass it to vmx_vmcs_exit().
 */
bool vmx_vmcs_enter(struct vmx_vcpu *vx)
{
	preempt_disable();
	if (vx->loaded)
		return false;
	vmx_vmptrld(vx->vmcs_pa);
	return true;
}

/**
 * vmx_vmcs_exit() - end what vmx_vmcs_enter() began.
 * @vx: the vCPU
 * @temporary: its return value
 */
void vmx_vmcs_exit(struct vmx_vcpu *vx, bool temporary)
{
	if (temporary)
		vmx_vmclear(vx->vmcs_pa);
	preempt_enable();
}

/*
 * Controls from a capability MSR (SDM vol. 3, A.3-A.5): the low half says
 * which bits must be 1, the high half which may be 1. @want must all be
 * allowed, @optional are taken where allowed, @forbid must not be forced.
 */
static int vmx_controls(u32 msr, u32 want, u32 optional, u32 forbid, u32 *ctl)
{
	u64 cap;

	rdmsrl(msr, cap);
	if ((want & ~upper_32_bits(cap)) || (forbid & lower_32_bits(cap)))
		return -ENODEV;
	*ctl = lower_32_bits(cap) | want | (optional & upper_32_bits(cap));
	return 0;
}

static int vmx_probe_controls(const char **why)
{
	u64 basic;
	bool tru;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	/* The "true" MSRs let default-1 controls be 0 (A.2). */
	tru = basic & VMX_BASIC_TRUE_CTLS;
	if (vmx_controls(tru ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			       MSR_IA32_VMX_PINBASED_CTLS,
			 PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			 vmx_preemption_timer_us ? PIN_BASED_VMX_PREEMPTION_TIMER : 0,
			 0, &vmx_caps.pin)) {
		*why = "no external-interrupt or NMI exiting";
		return -ENODEV;
	}
	if (vmx_controls(tru ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			       MSR_IA32_VMX_PROCBASED_CTLS,
			 CPU_BASED_HLT_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
			 CPU_BASED_MWAIT_EXITING | CPU_BASED_RDPMC_EXITING |
			 CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
			 CPU_BASED_MOV_DR_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			 CPU_BASED_MONITOR_EXITING |
			 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
			 CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
			 CPU_BASED_INVLPG_EXITING | CPU_BASED_TPR_SHADOW |
			 CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_USE_IO_BITMAPS,
			 &vmx_caps.proc)) {
		*why = "missing or forced processor-based controls";
		return -ENODEV;
	}
	if (vmx_controls(MSR_IA32_VMX_PROCBASED_CTLS2,
			 SECONDARY_EXEC_ENABLE_EPT |
			 SECONDARY_EXEC_UNRESTRICTED_GUEST,
			 SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_ENABLE_INVPCID |
			 SECONDARY_EXEC_WBINVD_EXITING,
			 0, &vmx_caps.proc2)) {
		*why = "no EPT with unrestricted guest";
		return -ENODEV;
	}
	if (vmx_controls(tru ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			       MSR_IA32_VMX_EXIT_CTLS,
			 VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_PAT |
			 VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_EFER |
			 VM_EXIT_LOAD_IA32_EFER | VM_EXIT_ACK_INTR_ON_EXIT |
			 VM_EXIT_SAVE_DEBUG_CONTROLS, 0, 0,
			 &vmx_caps.exit)) {
		*why = "VM exits cannot switch EFER and PAT or take interrupts";
		return -ENODEV;
	}
	if (vmx_controls(tru ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			       MSR_IA32_VMX_ENTRY_CTLS,
			 VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_IA32_EFER |
			 VM_ENTRY_LOAD_DEBUG_CONTROLS, 0,
			 VM_ENTRY_IA32E_MODE, &vmx_caps.entry)) {
		*why = "VM entries cannot load EFER and PAT";
		return -ENODEV;
	}
	return 0;
}

/*
 * The timer counts down once every 2^IA32_VMX_MISC[4:0] TSC ticks and is
 * reloaded from the VMCS at every entry (no "save timer value" exit
 * control), so each stay in guest mode is bounded.
 */
static void vmx_probe_preemption_timer(void)
{
	u64 misc, ticks;

	if (!vmx_preemption_timer_us)
		return;
	if (!(vmx_caps.pin & PIN_BASED_VMX_PREEMPTION_TIMER) || !tsc_khz) {
		vmx_caps.pin &= ~PIN_BASED_VMX_PREEMPTION_TIMER;
		pr_warn("vmem: vmx_preemption_timer_us ignored: no VMX-preemption timer or TSC frequency\n");
		return;
	}
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	ticks = div_u64((u64)vmx_preemption_timer_us * tsc_khz, 1000) >>
		(misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK);
	vmx_caps.preemption_timer = clamp_t(u64, ticks, 1, U32_MAX);
	pr_info("vmem: VMX-preemption timer: guest mode left at least every %u us\n",
		vmx_preemption_timer_us);
}

/* VPID only with an INVVPID that can drop one VPID or all (28.3.3.3). */
static void vmx_probe_vpid(void)
{
	u64 cap = vmx_caps.ept_vpid >> 32;

	vmx_caps.invvpid_single = cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT;
	if (!(cap & VMX_VPID_INVVPID_BIT) ||
	    !(cap & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT |
		     VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT)))
		vmx_caps.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
}

static void vmx_probe_fixed_bits(void)
{
	u64 f0, f1;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, f1);
	vmx_caps.cr0_set = f0 & ~(X86_CR0_PE | X86_CR0_PG);
	vmx_caps.cr0_clear = (u32)~f1;
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, f1);
	vmx_caps.cr4_set = f0;
	vmx_caps.cr4_clear = (u32)~f1;
}

/* Can the host's CR0 and CR4 (with VMXE) stay as they are in VMX operation? */
static bool vmx_host_crs_ok(void)
{
	u64 f0, f1, cr0 = read_cr0(), cr4 = __read_cr4() | X86_CR4_VMXE;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, f1);
	if ((cr0 & f0) != f0 || (cr0 & ~f1))
		return false;
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, f0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, f1);
	return (cr4 & f0) == f0 && !(cr4 & ~f1);
}

/* IA32_FEATURE_CONTROL must be locked with VMX outside SMX on (24.7). */
static bool vmx_feature_control_ok(void)
{
	u64 fc;

	rdmsrl(MSR_IA32_FEAT_CTL, fc);
	return (fc & FEAT_CTL_LOCKED) && (fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX);
}

/*
 * Emergency reboot and kdump call one callback on every CPU, in NMI
 * context, to leave VMX operation: a CPU in VMX root operation ignores
 * INIT (reboot.c, cpu_emergency_disable_virtualization()). There is one
 * slot, which kvm_intel takes while it is loaded; its callback turns off
 * VMX whoever turned it on. So vmem holds the slot exactly while kvm_intel
 * is not loaded, and a module notifier hands it over.
 */
static DEFINE_MUTEX(vmx_emergency_lock);
static bool vmx_emergency_registered;	/* vmx_emergency_lock */

static void vmx_emergency_disable(void)
{
	__cpu_emergency_vmxoff();
}

static void vmx_emergency_hold(bool hold)
{
	if (hold && !vmx_emergency_registered)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	else if (!hold && vmx_emergency_registered)
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = hold;
}

static int vmx_module_event(struct notifier_block *nb, unsigned long event,
			    void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&vmx_emergency_lock);
	if (event == MODULE_STATE_COMING)	/* before its init registers */
		vmx_emergency_hold(false);
	else if (event == MODULE_STATE_GOING)	/* after its exit unregistered */
		vmx_emergency_hold(true);
	mutex_unlock(&vmx_emergency_lock);
	return NOTIFY_DONE;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_event,
};

/* kvm_intel is loaded (or built in) iff /sys/module/kvm_intel exists. */
static bool vmx_kvm_intel_present(void)
{
	struct kobject *kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset,
					     "kvm_intel");
	bool present = kobj;

	kobject_put(kobj);
	return present;
}

static void vmx_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		if (vc->vmxon)
			__free_page(vc->vmxon);
		vc->vmxon = NULL;
	}
}

static void vmx_unsetup(void)
{
	unregister_module_notifier(&vmx_module_nb);
	mutex_lock(&vmx_emergency_lock);
	vmx_emergency_hold(false);
	mutex_unlock(&vmx_emergency_lock);
	preempt_notifier_dec();
	vmx_free_cpu_pages();
}

static int vmx_probe(const char **why)
{
	struct desc_ptr idt;
	u64 basic;
	int cpu;

	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		*why = "CPU has no VMX (VT-x), or the firmware disabled it";
		return -ENODEV;
	}
	if (!vmx_feature_control_ok()) {
		*why = "VMX is disabled in IA32_FEATURE_CONTROL (firmware)";
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	/* A VMCS fits a page, is write-back, any address will do (A.1). */
	if (((basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff) > PAGE_SIZE ||
	    ((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB || (basic & VMX_BASIC_64)) {
		*why = "unusual VMCS layout (IA32_VMX_BASIC)";
		return -ENODEV;
	}
	vmx_caps.revision = basic & 0x7fffffff;
	if (vmx_probe_controls(why))
		return -ENODEV;
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, vmx_caps.ept_vpid);
	if (ept_check_caps(vmx_caps.ept_vpid, why))
		return -ENODEV;
	vmx_probe_vpid();
	vmx_probe_preemption_timer();
	vmx_probe_fixed_bits();
	/* The same table on every CPU (a read-only fixmap alias). */
	store_idt(&idt);
	vmx_host_idt = (const gate_desc *)idt.address;
	vmx_flush_l1d = boot_cpu_has_bug(X86_BUG_L1TF) &&
			l1tf_mitigation != L1TF_MITIGATION_OFF &&
			boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	if (boot_cpu_has_bug(X86_BUG_L1TF) && !vmx_flush_l1d &&
	    l1tf_mitigation != L1TF_MITIGATION_OFF)
		pr_warn("vmem: CPU is vulnerable to L1TF and lacks the L1D flush MSR: guests may read host data\n");

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		vc->vmxon = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!vc->vmxon) {
			vmx_free_cpu_pages();
			*why = "out of memory";
			return -ENOMEM;
		}
	}
	/* The core calls vcpu_load/vcpu_put from preempt notifiers. */
	preempt_notifier_inc();
	register_module_notifier(&vmx_module_nb);
	mutex_lock(&vmx_emergency_lock);
	vmx_emergency_hold(!vmx_kvm_intel_present());
	mutex_unlock(&vmx_emergency_lock);

	pr_info("vmem: Intel VT-x with EPT (%s), unrestricted guest%s%s%s\n",
		vmx_caps.invept_single ? "single-context INVEPT" : "global INVEPT",
		vmx_caps.proc2 & SECONDARY_EXEC_ENABLE_VPID ? ", VPID" : "",
		vmx_caps.eptp_flags & VMX_EPTP_AD_ENABLE_BIT ? ", EPT A/D" : "",
		vmx_flush_l1d ? ", L1D flush on entry" : "");
	return 0;
}

/*
 * Interrupts are disabled. CR4.VMXE already set means someone else (KVM)
 * is in VMX operation on this CPU: refuse rather than share it (24.7).
 */
static int vmx_cpu_enable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	hpa_t pa = page_to_phys(vc->vmxon);

	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	if (!vmx_feature_control_ok() || !vmx_host_crs_ok())
		return -EIO;
	*(u32 *)page_address(vc->vmxon) = vmx_caps.revision;
	cr4_set_bits(X86_CR4_VMXE);
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);

	rdmsrl(MSR_STAR, vc->star);
	rdmsrl(MSR_LSTAR, vc->lstar);
	rdmsrl(MSR_SYSCALL_MASK, vc->sfmask);
	rdmsrl(MSR_IA32_SYSENTER_CS, vc->sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_ESP, vc->sysenter_esp);
	rdmsrl(MSR_IA32_SYSENTER_EIP, vc->sysenter_eip);
	rdmsrl(MSR_EFER, vc->efer);
	rdmsrl(MSR_IA32_CR_PAT, vc->pat);
	/*
	 * Translations that whoever used VMX here before left behind are
	 * dropped per EPT context when a vCPU first loads here (host.c).
	 */
	return 0;
fail:
	cr4_clear_bits(X86_CR4_VMXE);
	return -EBUSY;
}

static void vmx_cpu_disable(void)
{
	cpu_vmxoff();
}

static int vmx_vcpu_create(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = kzalloc(sizeof(*vx), GFP_KERNEL_ACCOUNT);
	struct page *page;
	int vpid;

	if (!vx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(vx);
		return -ENOMEM;
	}
	vx->vmcs = page_address(page);
	vx->vmcs_pa = page_to_phys(page);
	*(u32 *)vx->vmcs = vmx_caps.revision;
	if (vmx_caps.proc2 & SECONDARY_EXEC_ENABLE_VPID) {
		vpid = ida_alloc_range(&vmx_vpids, 1, VMX_NR_VPIDS - 1,
				       GFP_KERNEL);
		vx->vpid = vpid > 0 ? vpid : 0;	/* none left: run without */
	}
	vx->eptp = ept_pointer(vcpu->vm);
	vx->last_cpu = -1;
	vcpu->arch = vx;
	/* Launch state "clear" before the first VMPTRLD (25.11.3). */
	vmx_vmclear(vx->vmcs_pa);
	vmx_vmcs_setup(vcpu);
	return 0;
}

static void vmx_vcpu_free(struct vmem_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	/* Never current anywhere: every vcpu_put clears it. */
	if (vx->vpid)
		ida_free(&vmx_vpids, vx->vpid);
	free_page((unsigned long)vx->vmcs);
	kfree(vx);
	vcpu->arch = NULL;
}

const struct vmem_arch_ops vmem_vmx_ops = {
	.name = "vmx",
	.cap = VMEM_CAP_VMX,
	.slpt = &ept_format,
	VMEM_ARCH_OPS(VMEM_VMX_OP)
	VMEM_ARCH_OPTIONAL_OPS(VMEM_VMX_OP)
};
