/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the VT-x backend and the functions its files share.
 * Nothing here is visible to the core: it reaches the backend only through
 * vmem_vmx_ops.
 *
 * The VMX instructions are wrapped here. Each wrapper carries an exception
 * table entry: after an emergency VMXOFF (reboot, crash) a vCPU thread may
 * still execute one, and it must fail quietly rather than oops. A VMfail
 * (an instruction rejected while VMX is on) is a bug in this backend and
 * WARNs once (Intel SDM vol. 3, 31.2 "Conventions", 31.4 "VM instruction
 * error numbers").
 */
#ifndef VMEM_VMX_H
#define VMEM_VMX_H

#include <asm/asm.h>
#include <asm/desc_defs.h>
#include <asm/vmx.h>

#include "../vmem.h"
#include "../x86.h"
#include "enter.h"

/**
 * struct vmx_caps - what probe learned from the capability MSRs (Intel SDM
 * vol. 3, appendix A), fixed for the module's lifetime.
 * @revision:	VMCS revision identifier (IA32_VMX_BASIC[30:0]).
 * @pin:	pin-based controls every VMCS gets.
 * @proc:	primary processor-based controls.
 * @proc2:	secondary processor-based controls (VPID is cleared per vCPU
 *		when none was free).
 * @exit:	VM-exit controls.
 * @entry:	VM-entry controls, without "IA-32e mode guest".
 * @cr0_set, @cr0_clear, @cr4_set, @cr4_clear: the bits VMX operation
 *		forces to 1 / to 0 in the guest's CR0 and CR4 (A.7, A.8); for
 *		CR0, unrestricted guest exempts PE and PG. The guest sees its own
 *		values of these bits through the read shadows.
 * @ept_vpid:	IA32_VMX_EPT_VPID_CAP.
 * @eptp_flags:	memory type, walk length and A/D enable of every EPTP.
 * @invept_single: INVEPT single-context is supported (else all-context).
 * @invvpid_single: INVVPID single-context is supported (else all-context).
 * @preemption_timer: VMX-preemption timer value loaded at every entry, when
 *		@pin has the timer on (module parameter vmx_preemption_timer_us).
 */
struct vmx_caps {
	u32 revision;
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_set, cr0_clear, cr4_set, cr4_clear;
	u64 ept_vpid;
	u64 eptp_flags;
	bool invept_single;
	bool invvpid_single;
	u32 preemption_timer;
};

extern struct vmx_caps vmx_caps;

/* The host's IDT, whose handlers take the interrupts that cause exits. */
extern const gate_desc *vmx_host_idt;

/**
 * struct vmx_cpu - per-CPU VMX state, valid while VMX is on there.
 * @vmxon:	the VMXON region.
 * @star, @lstar, @sfmask: the host's SYSCALL MSRs, which no VM exit
 *		restores; read when VMX is turned on.
 * @sysenter_cs, @sysenter_esp, @sysenter_eip, @efer, @pat: host MSRs the
 *		VMCS reloads on every exit.
 * @last_vmcs:	the VMCS last loaded here: loading another one is a switch
 *		of guest, which takes a branch-prediction barrier.
 */
struct vmx_cpu {
	struct page *vmxon;
	u64 star, lstar, sfmask;
	u64 sysenter_cs, sysenter_esp, sysenter_eip, efer, pat;
	hpa_t last_vmcs;
};

DECLARE_PER_CPU(struct vmx_cpu, vmx_cpu);

/**
 * struct vmx_host_state - host state that a VM exit does not restore, saved
 * at vcpu_load and put back at vcpu_put (Intel SDM vol. 3, 28.5).
 * @ds, @es, @fs, @gs, @ldt: selectors. A VM exit loads null DS/ES/LDTR and
 *		the FS/GS selectors from the VMCS, which may not hold user
 *		selectors (RPL 3 or TI set, 26.2.3).
 * @fs_base:	FS base of the vCPU thread (the VMCS restores it too).
 * @kernel_gs_base: the user GS base, parked in IA32_KERNEL_GS_BASE while
 *		the kernel runs; the guest's own value lives there meanwhile.
 * @debugctl:	IA32_DEBUGCTL, which VM exits clear.
 * @cr3, @cr4:	what HOST_CR3/HOST_CR4 were last set to.
 */
struct vmx_host_state {
	u16 ds, es, fs, gs, ldt;
	u64 fs_base;
	u64 kernel_gs_base;
	u64 debugctl;
	unsigned long cr3, cr4;
};

/**
 * struct vmx_guest_msrs - guest MSRs with no VMCS field. While the vCPU is
 * loaded, @kernel_gs_base and those of @star/@lstar/@sfmask that differ from
 * the host's are in the hardware registers (SWAPGS changes the first without
 * an exit); @cstar is only stored, Intel CPUs never use it.
 */
struct vmx_guest_msrs {
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
};

/**
 * struct vmx_vcpu - per-vCPU VMX state. Fields are used by the vCPU thread
 * with vcpu->mutex held; those marked (cpu) only with preemption disabled.
 * @vmcs:	the VMCS region (one page), and @vmcs_pa its address.
 * @vpid:	this vCPU's VPID, or 0 when it runs without one.
 * @eptp:	the EPT pointer (the VM's root table never changes).
 * @last_cpu:	CPU of the last vcpu_load, or -1: moving to another CPU means
 *		flushing the EPT context there (cpu).
 * @loaded:	the VMCS is current on this CPU and the guest's MSRs are in
 *		the hardware (cpu).
 * @launched:	VMRESUME rather than VMLAUNCH; cleared by every VMCLEAR (cpu).
 * @flush_vpid:	the guest's paging state was changed from outside: drop the
 *		VPID's translations at the next entry.
 * @cr2:	guest CR2, which the VMCS does not hold.
 * @cr8:	guest TPR as seen through MOV CR8 (both directions exit).
 * @entry_ctl:	VM-entry controls as last written.
 * @intr_state:	guest interruptibility state as of the last exit.
 * @exit_rip:	guest RIP at the last exit; if the core moved past the
 *		instruction, STI/MOV-SS blocking no longer applies.
 * @msrs:	see struct vmx_guest_msrs.
 * @msrs_loaded: which of STAR/LSTAR/SFMASK (bits 0-2) hold guest values.
 * @host:	see struct vmx_host_state.
 * @exit_reason, @exit_qual, @exit_intr_info, @insn_len: the last exit.
 * @entry_failed: the last VMLAUNCH/VMRESUME failed (VMfail or fault).
 * @host_irq:	VM-exit interruption information of a host interrupt the
 *		last exit acknowledged and handle_exit_irqoff has yet to run
 *		(0: none).
 */
struct vmx_vcpu {
	void *vmcs;
	hpa_t vmcs_pa;
	u16 vpid;
	u64 eptp;
	int last_cpu;
	bool loaded;
	bool launched;
	bool flush_vpid;
	u64 cr2;
	u8 cr8;
	u32 entry_ctl;
	u32 intr_state;
	u64 exit_rip;
	struct vmx_guest_msrs msrs;
	u8 msrs_loaded;
	struct vmx_host_state host;

	u32 exit_reason;
	u64 exit_qual;
	u32 exit_intr_info;
	u32 insn_len;
	bool entry_failed;
	u32 host_irq;
};

static inline struct vmx_vcpu *to_vmx(struct vmem_vcpu *vcpu)
{
	return vcpu->arch;
}

void vmx_insn_failed(const char *insn, u64 arg);

/* VMREAD (SDM vol. 3, 31.3): 0 when it fails or faults. */
static __always_inline u64 vmcs_read(unsigned long field)
{
	u64 value = 0;
	u8 ok = 2;	/* stays 2 if the instruction faulted */

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "seta %[ok]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r" (value), [ok] "+qm" (ok)
		     : [field] "r" (field)
		     : "cc");
	if (unlikely(!ok))
		vmx_insn_failed("vmread", field);
	return value;
}

static __always_inline void vmcs_write(unsigned long field, u64 value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [field] "r" (field), [value] "rm" (value)
		 : "cc" : fail, fault);
	return;
fail:
	vmx_insn_failed("vmwrite", field);
fault:
	return;
}

/* VMPTRLD/VMCLEAR take a memory operand holding the physical address. */
static __always_inline bool vmx_vmptrld(hpa_t pa)
{
	asm goto("1: vmptrld %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return true;
fail:
	return false;
}

static __always_inline void vmx_vmclear(hpa_t pa)
{
	asm goto("1: vmclear %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (pa) : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("vmclear", pa);
fault:
	return;
}

/* INVEPT/INVVPID: type in a register, 128-bit descriptor in memory. */
static __always_inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [desc] "m" (desc), [type] "r" (type)
		 : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("invept", type);
fault:
	return;
}

static __always_inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [desc] "m" (desc), [type] "r" (type)
		 : "cc", "memory" : fail, fault);
	return;
fail:
	vmx_insn_failed("invvpid", type);
fault:
	return;
}

/* vmx.c */
bool vmx_vmcs_enter(struct vmx_vcpu *vx);
void vmx_vmcs_exit(struct vmx_vcpu *vx, bool temporary);

/* ept.c */
extern const struct slpt_format ept_format;
u64 ept_pointer(struct vmem_vm *vm);
int ept_check_caps(u64 ept_vpid, const char **why);
void ept_flush_context(u64 eptp);
void vmx_flush_vpid(u16 vpid);

/* vmcs.c */
void vmx_vmcs_setup(struct vmem_vcpu *vcpu);
void vmx_vcpu_reset(struct vmem_vcpu *vcpu);
void vmx_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *s);
int vmx_set_sregs(struct vmem_vcpu *vcpu, const struct vmem_sregs *s);
int vmx_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data);
void vmx_write_cr0(u64 cr0);
void vmx_write_cr4(u64 cr4);
u64 vmx_guest_cr0(void);
u64 vmx_guest_cr4(void);

/* host.c */
void vmx_vcpu_load(struct vmem_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct vmem_vcpu *vcpu);
void vmx_load_guest_msrs(struct vmx_vcpu *vx);
void vmx_put_guest_msrs(struct vmx_vcpu *vx);
void vmx_set_host_cr3_cr4(struct vmx_vcpu *vx);

/* run.c; enter.c and vmenter.S are declared in enter.h */
extern bool vmx_flush_l1d;
void vmx_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
void vmx_flush_guest_tlb(struct vmem_vcpu *vcpu);
void vmx_inject_exception(struct vmem_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error);

/* exit.c */
void vmx_translate_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
void vmx_handle_exit_irqoff(struct vmem_vcpu *vcpu);

#endif /* VMEM_VMX_H */
