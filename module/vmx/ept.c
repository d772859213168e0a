// SPDX-License-Identifier: GPL-2.0
/*
 * EPT: the entry format the shared walker (mm/slpt.c) builds tables with,
 * the EPT pointer, and dropping cached translations (INVEPT, INVVPID).
 * Intel SDM vol. 3, 29.3 (EPT) and 29.4 (cached translations).
 *
 * The flush functions act on the calling CPU only; callers run with
 * preemption (or interrupts) disabled.
 */
#include <linux/io.h>
#include <linux/mm.h>

#include "vmx.h"

/*
 * Non-leaf entries allow everything; the leaf decides (29.3.2). Leaves are
 * readable and executable (execute-only is never used), writable when the
 * walker says so, write-back, and ignore the guest's PAT so that guest RAM
 * is always cached like the host's own mapping of the same page (29.3.7.2:
 * with IPAT set the EPT memory type is the effective one).
 */
#define EPT_LEAF	(VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK | \
			 (VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT) | \
			 VMX_EPT_IPAT_BIT)

const struct slpt_format ept_format = {
	.table = VMX_EPT_RWX_MASK,
	.leaf_ro = EPT_LEAF,
	.leaf_rw = EPT_LEAF | VMX_EPT_WRITABLE_MASK,
	.present = VMX_EPT_RWX_MASK,	/* any of R/W/X: 29.3.2 */
	.write = VMX_EPT_WRITABLE_MASK,
};

/**
 * ept_check_caps() - can this CPU walk our tables?
 * @ept_vpid: IA32_VMX_EPT_VPID_CAP (SDM vol. 3, A.10)
 * @why: the reason, when it cannot
 *
 * Also fixes vmx_caps.eptp_flags and the INVEPT flavour.
 * Return: 0 or -ENODEV.
 */
int ept_check_caps(u64 ept_vpid, const char **why)
{
	if (!(ept_vpid & VMX_EPT_PAGE_WALK_4_BIT)) {
		*why = "EPT lacks 4-level walks";
		return -ENODEV;
	}
	if (!(ept_vpid & VMX_EPTP_WB_BIT)) {
		*why = "EPT tables cannot be write-back";
		return -ENODEV;
	}
	if (!(ept_vpid & VMX_EPT_INVEPT_BIT) ||
	    !(ept_vpid & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		*why = "CPU has no usable INVEPT";
		return -ENODEV;
	}
	vmx_caps.invept_single = ept_vpid & VMX_EPT_EXTENT_CONTEXT_BIT;
	/* EPTP: memory type of the tables, walk length - 1 (24.6.11). */
	vmx_caps.eptp_flags = VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	/* Accessed/dirty flags in EPT entries (29.3.5) when the CPU has them. */
	if (ept_vpid & VMX_EPT_AD_BIT)
		vmx_caps.eptp_flags |= VMX_EPTP_AD_ENABLE_BIT;
	return 0;
}

/**
 * ept_pointer() - the EPTP of @vm: its root table and vmx_caps.eptp_flags.
 * @vm: the VM
 *
 * Return: the value for the VMCS's EPT_POINTER field.
 */
u64 ept_pointer(struct vmem_vm *vm)
{
	return slpt_root_pa(&vm->mm.slpt) | vmx_caps.eptp_flags;
}

/**
 * ept_flush_context() - drop, on this CPU, every guest-physical and combined
 * translation derived from @eptp, for all VPIDs (29.4.3.1).
 * @eptp: the EPT pointer
 */
void ept_flush_context(u64 eptp)
{
	if (vmx_caps.invept_single)
		vmx_invept(VMX_EPT_EXTENT_CONTEXT, eptp);
	else
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

/**
 * vmx_flush_vpid() - drop, on this CPU, the translations tagged with @vpid
 * (29.4.3.3), keeping the guest-physical ones.
 * @vpid: a VPID in use (non-zero)
 */
void vmx_flush_vpid(u16 vpid)
{
	if (vmx_caps.invvpid_single)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vpid);
	else
		vmx_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
}
