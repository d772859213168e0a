/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How an exit handler ends the guest instruction that exited: completed
 * (RIP moves past it), faulted (an exception is injected), or not
 * emulatable (an internal error goes to userspace). Exit handling (exit.c,
 * pio.c, emulate.c) calls these; they call only the backend's ops.
 */
#ifndef VMEM_INSN_H
#define VMEM_INSN_H

#include "vmem.h"

int vcpu_cpl(struct vmem_vcpu *vcpu);
void vcpu_skip_insn(struct vmem_vcpu *vcpu, u32 len);
void vcpu_inject_gp(struct vmem_vcpu *vcpu);
void vcpu_inject_ud(struct vmem_vcpu *vcpu);
int vcpu_internal_error(struct vmem_vcpu *vcpu, u32 suberror, u32 ndata,
			const u64 *data);

#endif /* VMEM_INSN_H */
