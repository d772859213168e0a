/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the core emulates itself: port I/O (pio.c), accesses outside guest
 * memory (MMIO) and MOV to/from debug registers (emulate.c), and the
 * guest-virtual address walk they need (gva.c). Each exit that goes to
 * userspace for data (IN, string IN, MMIO read) is finished by a
 * vcpu_complete_*() function beside its handler, called from
 * vcpu_complete_exit() (exit.c) at the next VMEM_RUN.
 */
#ifndef VMEM_EMULATE_H
#define VMEM_EMULATE_H

#include "insn.h"
#include "vmem.h"

int vcpu_pio(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
void vcpu_complete_io_in(struct vmem_vcpu *vcpu);
int vcpu_complete_string_in(struct vmem_vcpu *vcpu);
int vcpu_emulate_mmio(struct vmem_vcpu *vcpu, gpa_t gpa);
void vcpu_complete_mmio_read(struct vmem_vcpu *vcpu);
int vcpu_emulate_dr(struct vmem_vcpu *vcpu);
int vcpu_gva_to_gpa(struct vmem_vcpu *vcpu, gva_t gva, gpa_t *gpa);
int vcpu_read_gva(struct vmem_vcpu *vcpu, gva_t gva, void *buf, size_t len);
int vcpu_write_gva(struct vmem_vcpu *vcpu, gva_t gva, const void *buf,
		   size_t len);

#endif /* VMEM_EMULATE_H */
