/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core objects of vmem: the VM and the vCPU, and the module-wide state.
 *
 * Every lock of the module, outermost first (docs/design.md, "Locks"). A
 * lock may be taken while holding one listed above it, never the reverse.
 *
 *   lock               kind     file             guards
 *   cpus_read_lock     percpu   (kernel)         CPU hotplug, around hw_lock
 *   hw_lock            mutex    hw.c             hw_users, hw_rebooting
 *   vmx_emergency_lock mutex    vmx/vmx.c        the emergency-vmxoff slot
 *   vmem_lock          mutex    vm.c             VM list, names, ids
 *   vm->lock           mutex    vm.c, vcpu.c     vm->vcpus[], nr_vcpus
 *   vcpu->mutex        mutex    vcpu.c           all state of one vCPU
 *   mm->lock           spin     mm/              pmap entries, slpt contents
 *   frame_lock         spin     mm/frame.c       frame refs, frame table
 *   share_lock         spin     share/table.c    hint table, VM hint arrays
 *   share_vms_lock     spin     share/scan.c     scanner VM list, VM marks
 *   pool_lock          spin     mm/pool.c        pool size and counts
 *
 * Nesting that exists: cpus_read_lock -> hw_lock; vmem_lock ->
 * share_vms_lock (publishing a VM to the scanner); vcpu->mutex -> mm->lock
 * -> frame_lock (faults, copy on write); share_lock -> share_vms_lock
 * (pinning a hint's VM). vm->lock and vcpu->mutex are never held together;
 * hw_lock, vmx_emergency_lock and pool_lock are taken with nothing of
 * vmem's held. frame_lock and share_lock are never held together. The
 * flush primitive (mm/tlb.c) takes no lock: it may run under any mutex
 * here but under none of the spinlocks (it waits for IPIs). Per-CPU
 * backend state (svm_cpu, vmx_cpu) is guarded by running with interrupts
 * or preemption disabled on that CPU.
 */
#ifndef VMEM_H
#define VMEM_H

#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/vmem.h>

#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "arch_ops.h"
#include "exit.h"
#include "mm/mm.h"
#include "regs.h"
#include "share/share.h"

#define VMEM_RUN_PAGES	2	/* page 0: struct vmem_run, page 1: PIO data */

/*
 * XSAVE features a guest may ever enable, if the host has them and the
 * guest FPU state holds them: x87, SSE, AVX and AVX-512. Not MPX (its two
 * bits must change together, it is deprecated, and KVM gives it only with
 * its bound registers virtualized), not AMX (its tile data needs the
 * dynamic fpstate permission dance, and its two bits must change together),
 * not PKRU (PKU is hidden from the guest's CPUID), and nothing that comes
 * later unless someone adds it here deliberately.
 */
#define VMEM_GUEST_XFEATURES	(XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | \
				 XFEATURE_MASK_AVX512)
#define VMEM_MAX_VMS_LIMIT 4096	/* upper bound of the max_vms parameter */

/**
 * struct vmem_vm - one virtual machine.
 *
 * Fields are written once by vm_construct()/vm_publish() before the VM fd
 * exists and are read-only afterwards unless noted.
 * @kref:	references: the VM fd and every vCPU fd (atomic). The last
 *		put tears the VM down (vm_release()).
 * @kobj:	/sys/kernel/vmem/vms/<name>/; frees the struct when released.
 * @node:	entry in the global VM list; vmem_lock.
 * @id:		small integer id, unique among live VMs (vm_publish(),
 *		vmem_lock).
 * @name:	unique among live VMs (vm_publish(), vmem_lock).
 * @mem_size:	guest-physical memory size in bytes.
 * @min_size:	reservation in bytes (admission control).
 * @shares:	proportional share.
 * @lock:	guards @vcpus and @nr_vcpus.
 * @vcpus:	vCPUs by id; written by vcpu_create() under @lock; a slot,
 *		once set, stays until the VM dies. Read under @lock, or
 *		without it by teardown (no fd left).
 * @nr_vcpus:	number of non-NULL @vcpus; @lock.
 * @mm:		guest memory (pmap and second-level tables); its own
 *		mm->lock and atomic counters (mm/mm.h).
 * @share:	the VM's part in content-based page sharing (share/share.h),
 *		including its salt: share.salt is written by sysfs with
 *		WRITE_ONCE and read with READ_ONCE; only new sharing follows
 *		a change (pages already shared stay so until written).
 */
struct vmem_vm {
	struct kref kref;
	struct kobject kobj;
	struct list_head node;
	u32 id;
	char name[VMEM_NAME_LEN];
	u64 mem_size;
	u64 min_size;
	u32 shares;

	struct mutex lock;
	struct vmem_vcpu *vcpus[VMEM_MAX_VCPUS];
	unsigned int nr_vcpus;

	struct vmem_mm mm;
	struct vmem_share_vm share;
};

/* What the next RUN must finish before entering the guest. */
enum vcpu_pending {
	VCPU_PENDING_NONE,
	VCPU_PENDING_IO_IN,	/* copy run->io data into RAX */
	VCPU_PENDING_STRING_IN,	/* copy run->io data into guest memory */
	VCPU_PENDING_MMIO_READ,	/* copy run->mmio.data into a register */
	VCPU_PENDING_HYPERCALL,	/* copy run->hypercall.ret into RAX */
};

/**
 * struct vmem_vcpu - one virtual CPU.
 *
 * Written by the vCPU's own ioctls under @mutex unless noted; @vm, @id,
 * @run, @run_pages and @arch are set by vcpu_create() and never change.
 * @vm:		owner; the vCPU holds no reference of its own, its fd does.
 * @id:		index in vm->vcpus.
 * @mutex:	serializes the vCPU's ioctls.
 * @run:	the shared run page (page 0 of @run_pages); userspace writes
 *		it at any time, the kernel reads each field once.
 * @run_pages:	VMEM_RUN_PAGES pages mapped by userspace through mmap().
 * @regs:	guest GPRs (VCPU_REGS_*); the backend syncs RAX/RSP with the
 *		hardware around each entry. @mutex.
 * @rip:	guest RIP; advanced only by vcpu_skip_insn(). @mutex.
 * @rflags:	guest RFLAGS. @mutex.
 * @tlb:	what flushers need: guest mode, CPU, requests (mm/tlb.h);
 *		mode and CPU written by the vCPU thread with interrupts off
 *		(WRITE_ONCE), requests by anyone (atomic bitops).
 * @guest_fpu:	guest FPU/XSAVE state (the kernel's guest-fpstate API).
 * @xcr0:	guest XCR0, loaded around each entry; only ever a valid
 *		subset of @supported_xcr0, so the host's XSETBV at entry
 *		cannot fault. @mutex.
 * @supported_xcr0: the XSAVE features the guest may enable (set at
 *		creation, see VMEM_GUEST_XFEATURES); CPUID leaf 0xD reports
 *		exactly these, XSETBV accepts nothing else.
 * @cpuid:	CPUID table (@cpuid_nent entries). @mutex.
 * @pending:	enum vcpu_pending. @mutex.
 * @mmio_reg:	for VCPU_PENDING_MMIO_READ: destination register, its width
 *		in bytes, and whether it is AH/CH/DH/BH.
 * @pio:	for port I/O: the element size (every IN or OUT); for string
 *		I/O also the guest address of the next element, the count in
 *		this exit, direction and REP.
 * @dr:		virtual DR0-3, DR6, DR7 (guest breakpoints are not supported;
 *		the hardware's debug registers stay the host's). @mutex.
 * @exits:	number of guest exits; written by the vCPU thread
 *		(WRITE_ONCE), read by VMEM_GET_VM_STATS (READ_ONCE).
 * @arch:	backend cookie (vcpu_create / vcpu_free).
 */
struct vmem_vcpu {
	struct vmem_vm *vm;
	u32 id;
	struct mutex mutex;
	struct vmem_run *run;
	struct page *run_pages[VMEM_RUN_PAGES];

	u64 regs[VCPU_NR_REGS];
	u64 rip;
	u64 rflags;

	struct tlb_vcpu tlb;

	struct fpu_guest guest_fpu;
	u64 xcr0;
	u64 supported_xcr0;
	struct vmem_cpuid_entry *cpuid;
	u32 cpuid_nent;

	enum vcpu_pending pending;
	struct {
		u8 reg;
		u8 width;
		bool high8;
	} mmio_reg;
	struct {
		u64 gva;
		u32 count;
		u8 size;
		bool down;
		bool rep;
		u8 insn_len;
	} pio;
	u64 dr[6];

	u64 exits;
	void *arch;
};

/* vm.c */
long vmem_create_vm(struct vmem_vm_config __user *ucfg);
void vm_get(struct vmem_vm *vm);
void vm_put(struct vmem_vm *vm);
int vmem_vm_init(void);
void vmem_vm_exit(void);

/* vcpu.c */
int vcpu_create(struct vmem_vm *vm, unsigned long id);
void vcpu_free(struct vmem_vcpu *vcpu);

/* run.c */
long vcpu_run(struct vmem_vcpu *vcpu);
void vmem_run_init(void);
extern u64 vmem_host_xcr0;
/* exit.c */
int vcpu_handle_exit(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
int vcpu_complete_exit(struct vmem_vcpu *vcpu);

/* cpuid.c */
int vcpu_cpuid_init(struct vmem_vcpu *vcpu);
int vcpu_set_cpuid(struct vmem_vcpu *vcpu, struct vmem_cpuid __user *ucpuid);
void vcpu_emulate_cpuid(struct vmem_vcpu *vcpu);

/* msr.c */
bool vmem_pat_valid(u64 pat);
int vcpu_get_msr(struct vmem_vcpu *vcpu, u32 index, u64 *data);
int vcpu_set_msr(struct vmem_vcpu *vcpu, u32 index, u64 data);

/* hw.c: per-CPU virtualization enable, counted by live VMs */
int vmem_hw_get(void);
void vmem_hw_put(void);
int vmem_hw_init(void);
void vmem_hw_exit(void);

/* sysfs.c */
int vmem_sysfs_init(void);
void vmem_sysfs_exit(void);
int vmem_sysfs_add_vm(struct vmem_vm *vm);
void vmem_sysfs_del_vm(struct vmem_vm *vm);

/* config.c (pure logic, also built into the host unit tests) */
#include "config.h"

/* Module-wide counters shown in sysfs. */
extern atomic_t vmem_nr_vms;
extern atomic_t vmem_nr_vcpus;
extern atomic_t vmem_hw_cpus;
extern unsigned int vmem_max_vms;

#endif /* VMEM_H */
