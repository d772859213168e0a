/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vendor-neutral x86 architecture: what Intel SDM vol. 3 and AMD APM
 * vol. 2 say alike about a vCPU's state, whatever holds it (SVM's VMCB or
 * VT-x's VMCS). The power-on state, the checks that system registers are a
 * combination a real CPU could be in, the EFER and CR4 bits a guest may
 * set, and segment access rights in the layout of a descriptor. Both
 * backends (module/svm/, module/vmx/) load and convert through these, so
 * the architecture is written down once; a backend adds only the limits its
 * hardware imposes on top.
 *
 * Pure functions of their arguments, callable in any context, except
 * vcpu_reset_regs() (vCPU mutex held, or the vCPU not yet visible) and
 * vmem_restore_host_dr() (interrupts disabled, right after a guest exit).
 */
#ifndef VMEM_X86_H
#define VMEM_X86_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

struct vmem_vcpu;
struct vmem_segment;
struct vmem_sregs;

/* DR7 bit 10 always reads as one (Intel SDM vol. 3, 18.2.4). */
#define VMEM_DR7_FIXED_1	0x400ULL

/*
 * IA32_PAT at power-on: WB, WT, UC-, UC in PA0-PA3 and again in PA4-PA7
 * (SDM vol. 3, "PAT Initialization"; APM vol. 2, 7.8).
 */
#define VMEM_PAT_RESET		0x0007040600070406ULL

/*
 * EFER and CR4 bits vmem lets any guest set; everything else is reserved
 * or a feature no guest is given. A backend may allow more EFER bits (SVM:
 * FFXSR) or fewer CR4 bits (VT-x: those VMX operation forces to 0).
 */
#define VMEM_EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define VMEM_CR4_GUEST_BITS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
				 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
				 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
				 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
				 X86_CR4_FSGSBASE | X86_CR4_PCIDE | \
				 X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP | \
				 X86_CR4_UMIP)

/*
 * Segment access rights as bits 40-47 and 52-55 of a segment descriptor
 * hold them, shifted down by 40 (SDM vol. 3, 3.4.5): the layout of the
 * VMCS's access-rights fields (SDM vol. 3, table 25-2), whose bit 16 says
 * the register is unusable. The VMCB packs the same bits without the gap
 * at 8-11 (APM vol. 2, appendix B).
 */
#define VMEM_AR_TYPE		0xfU
#define VMEM_AR_S		BIT(4)
#define VMEM_AR_DPL_SHIFT	5
#define VMEM_AR_DPL		(3U << VMEM_AR_DPL_SHIFT)
#define VMEM_AR_P		BIT(7)
#define VMEM_AR_AVL		BIT(12)
#define VMEM_AR_L		BIT(13)
#define VMEM_AR_DB		BIT(14)
#define VMEM_AR_G		BIT(15)
#define VMEM_AR_UNUSABLE	BIT(16)

/*
 * The eight segment registers of a struct vmem_sregs as an array
 * initializer, in hardware order: ES, CS, SS, DS, FS, GS as instructions
 * encode them (SDM vol. 2, "Sreg"), then LDTR and TR, the order in which
 * both the VMCS field encodings and the VMCB list them.
 */
#define VMEM_NR_SEGS		8
#define VMEM_SREGS_SEGS(s)	{ &(s)->es, &(s)->cs, &(s)->ss, &(s)->ds, \
				  &(s)->fs, &(s)->gs, &(s)->ldt, &(s)->tr }

extern const struct vmem_sregs vmem_reset_sregs;

u32 vmem_seg_ar(const struct vmem_segment *seg);
void vmem_seg_set_ar(struct vmem_segment *seg, u32 ar);
bool vmem_cr0_valid(u64 cr0);
bool vmem_sregs_valid(const struct vmem_sregs *s, u64 efer_bits,
		      u64 cr4_bits);
bool vmem_wrmsr_efer(u64 efer, u64 data, u64 efer_bits, u64 *new);
void vcpu_reset_regs(struct vmem_vcpu *vcpu);
u64 vcpu_apic_base(const struct vmem_vcpu *vcpu);
void vmem_restore_host_dr(void);

#endif /* VMEM_X86_H */
