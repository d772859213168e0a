/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmem - the userspace ABI of /dev/vmem.
 *
 * Three levels of file descriptor, as in KVM:
 *   /dev/vmem   -> VMEM_GET_API_VERSION, VMEM_CREATE_VM, VMEM_CHECK_EXTENSION,
 *                  VMEM_GET_VCPU_MMAP_SIZE
 *   VM fd       -> VMEM_CREATE_VCPU, VMEM_READ_GUEST, VMEM_WRITE_GUEST,
 *                  VMEM_GET_VM_STATS, VMEM_DROP_MAPPINGS
 *   vCPU fd     -> VMEM_RUN, VMEM_GET/SET_REGS, VMEM_GET/SET_SREGS,
 *                  VMEM_SET_CPUID, mmap() of struct vmem_run
 *
 * Rules: every struct carries flags and reserved fields that must be zero;
 * unknown flags and non-zero reserved fields give -EINVAL. Numbers are never
 * reused; an incompatible change bumps VMEM_API_VERSION.
 */
#ifndef _UAPI_LINUX_VMEM_H
#define _UAPI_LINUX_VMEM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMEM_API_VERSION	1

#define VMEM_NAME_LEN		32	/* including the terminating NUL */
#define VMEM_MAX_VCPUS		64	/* vCPU ids are 0 .. VMEM_MAX_VCPUS - 1 */
#define VMEM_MAX_MEM_SIZE	(1ULL << 40)	/* 1 TiB of guest-physical memory */
#define VMEM_DEFAULT_SHARES	1000
#define VMEM_MAX_SHARES		1000000

/*
 * struct vmem_vm_config - argument of VMEM_CREATE_VM.
 * @mem_size:	guest-physical memory in bytes; a non-zero multiple of 4096,
 *		at most VMEM_MAX_MEM_SIZE. Memory is allocated when touched.
 * @min_size:	reservation in bytes (paper: "min"); at most @mem_size. The
 *		sum of all reservations must fit in the pool (-ENOMEM).
 * @salt:	page-sharing salt; only VMs with equal salts share pages.
 * @shares:	proportional share (paper: S); 0 means VMEM_DEFAULT_SHARES;
 *		at most VMEM_MAX_SHARES.
 * @flags:	none defined yet; must be 0.
 * @id:		out: the VM's id, as shown in sysfs and netlink (ignored
 *		on input).
 * @name:	NUL-terminated; letters, digits, '-', '_' and '.', not
 *		starting with '.'; unique (-EEXIST). An empty name is replaced
 *		by "vm<id>" (and written back).
 *
 * More than the max_vms module parameter of live VMs gives -ENOSPC.
 * @reserved:	must be zero.
 */
struct vmem_vm_config {
	__u64 mem_size;
	__u64 min_size;
	__u64 salt;
	__u32 shares;
	__u32 flags;
	__u32 id;
	__u32 pad;		/* must be zero */
	char name[VMEM_NAME_LEN];
	__u64 reserved[8];
};

/* Extensions (VMEM_CHECK_EXTENSION returns > 0 when present). */
#define VMEM_CAP_SVM		1	/* AMD-V backend with nested paging */
#define VMEM_CAP_VMX		2	/* Intel VT-x backend with EPT */
#define VMEM_CAP_MAX_VCPUS	3	/* returns VMEM_MAX_VCPUS */
#define VMEM_CAP_MAX_MEM_SIZE_SHIFT 4	/* returns log2(VMEM_MAX_MEM_SIZE) */

/*
 * struct vmem_guest_rw - argument of VMEM_READ_GUEST / VMEM_WRITE_GUEST.
 * Copies @len bytes between guest-physical @gpa and user buffer @buf.
 * The range must lie inside guest memory (-EINVAL); @len at most 16 MiB.
 */
struct vmem_guest_rw {
	__u64 gpa;
	__u64 buf;
	__u64 len;
	__u32 flags;		/* must be 0 */
	__u32 reserved[3];
};

/* struct vmem_vm_stats - VMEM_GET_VM_STATS; all counts in 4 KiB pages. */
struct vmem_vm_stats {
	__u64 mem_pages;	/* configured size */
	__u64 allocated;	/* machine pages currently held privately */
	__u64 touched;		/* guest pages ever populated */
	__u64 shared;		/* pages mapped to a shared frame */
	__u64 zero;		/* pages mapped to the zero frame */
	__u64 ballooned;
	__u64 swapped;
	__u64 target;		/* reclamation target (policy) */
	__u64 npt_faults;	/* second-level page faults handled */
	__u64 exits;		/* guest exits of all kinds */
	__u64 cow_breaks;
	__u64 slpt_pages;	/* pages used by second-level page tables */
	__u64 overhead;		/* pmap chunks + slpt_pages, charged to the pool */
	__u64 reserved[19];
};

/* ---- vCPU state ---- */

struct vmem_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/*
 * Segment registers as in KVM: @limit is the byte-granular limit (with g=1
 * the CPU's 20-bit limit scaled, e.g. 0xffffffff for a flat segment);
 * @unusable marks a null or not-present segment.
 */
struct vmem_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type;
	__u8 present, dpl, db, s, l, g, avl;
	__u8 unusable;
	__u8 padding;
};

struct vmem_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

struct vmem_sregs {
	struct vmem_segment cs, ds, es, fs, gs, ss;
	struct vmem_segment tr, ldt;
	struct vmem_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
	__u64 reserved[8];
};

struct vmem_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* VMEM_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 reserved[3];
};

#define VMEM_CPUID_FLAG_INDEXED	(1u << 0)	/* @index is significant */
#define VMEM_MAX_CPUID_ENTRIES	256

struct vmem_cpuid {
	__u32 nent;
	__u32 flags;		/* must be 0 */
	__u32 reserved[2];
	struct vmem_cpuid_entry entries[];
};

/* ---- the run page (mmap of a vCPU fd, VMEM_GET_VCPU_MMAP_SIZE bytes) ---- */

#define VMEM_EXIT_UNKNOWN	0
#define VMEM_EXIT_IO		1	/* port I/O: see run->io */
#define VMEM_EXIT_MMIO		2	/* access outside guest memory */
#define VMEM_EXIT_HLT		3
#define VMEM_EXIT_SHUTDOWN	4	/* triple fault */
#define VMEM_EXIT_FAIL_ENTRY	5	/* the CPU refused to enter the guest */
#define VMEM_EXIT_INTERNAL_ERROR 6	/* see run->internal.suberror */
#define VMEM_EXIT_HYPERCALL	7	/* VMMCALL/VMCALL not handled in kernel */
#define VMEM_EXIT_INTR		8	/* RUN interrupted (also returns -EINTR) */
/* 9 is reserved (interrupt window, with interrupt injection). */

#define VMEM_EXIT_IO_IN		0
#define VMEM_EXIT_IO_OUT	1

#define VMEM_INTERNAL_ERROR_EMULATION	1	/* MMIO instruction not decodable */
#define VMEM_INTERNAL_ERROR_SLPT	2	/* bad second-level entry (EPT misconfig) */
#define VMEM_INTERNAL_ERROR_NOMEM	3	/* no machine memory for a guest page */
#define VMEM_INTERNAL_ERROR_UNHANDLED_EXIT 4	/* exit code the backend does not know */
#define VMEM_INTERNAL_ERROR_DELIVERY	5	/* event delivery faulted */

/*
 * On VMEM_EXIT_IO and VMEM_EXIT_MMIO the instruction is already complete as
 * far as RIP goes: RIP points past it when RUN returns (KVM still shows the
 * I/O instruction). For an IN or an MMIO read, userspace puts the data in
 * place and the next RUN stores it into the guest's register or memory
 * before anything else -- even a RUN with @immediate_exit set, which then
 * returns -EINTR, so registers read afterwards are consistent. A REP
 * string instruction that is not finished is re-executed: RIP stays on it
 * until its count reaches zero.
 */
struct vmem_run {
	/* in */
	__u8 padding0;			/* reserved */
	__u8 immediate_exit;		/* RUN returns -EINTR at once */
	__u8 padding1[6];
	/* out */
	__u32 exit_reason;
	__u8 padding2[4];
	__u64 exits;			/* total exits of this vCPU */
	union {
		/* VMEM_EXIT_IO: data lives in the run page at data_offset */
		struct {
			__u8 direction;
			__u8 size;		/* 1, 2 or 4 */
			__u16 port;
			__u32 count;		/* > 1 for string I/O */
			__u64 data_offset;
		} io;
		/* VMEM_EXIT_MMIO: write data / read result in data[] */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 padding[3];
		} mmio;
		/* VMEM_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
			__u32 padding;
		} fail_entry;
		/* VMEM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		/* VMEM_EXIT_HYPERCALL */
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 ret;		/* in: written to RAX on resume */
		} hypercall;
		char padding[256];
	};
};

/* ---- ioctls ---- */

#define VMEMIO 0xE7

/* /dev/vmem */
#define VMEM_GET_API_VERSION	_IO(VMEMIO, 0x00)
#define VMEM_CREATE_VM		_IOWR(VMEMIO, 0x01, struct vmem_vm_config)
#define VMEM_CHECK_EXTENSION	_IO(VMEMIO, 0x02)
#define VMEM_GET_VCPU_MMAP_SIZE	_IO(VMEMIO, 0x03)

/* VM fd */
#define VMEM_CREATE_VCPU	_IO(VMEMIO, 0x41)	/* arg: vCPU id */
#define VMEM_READ_GUEST		_IOW(VMEMIO, 0x42, struct vmem_guest_rw)
#define VMEM_WRITE_GUEST	_IOW(VMEMIO, 0x43, struct vmem_guest_rw)
#define VMEM_GET_VM_STATS	_IOR(VMEMIO, 0x44, struct vmem_vm_stats)
/*
 * Drop every second-level mapping (they are only a cache of the pmap) and
 * wait until no vCPU can use a stale translation; the guest re-faults what
 * it touches. Argument must be 0. Reclamation uses the same mechanism.
 */
#define VMEM_DROP_MAPPINGS	_IO(VMEMIO, 0x45)

/* vCPU fd */
#define VMEM_RUN		_IO(VMEMIO, 0x80)
#define VMEM_GET_REGS		_IOR(VMEMIO, 0x81, struct vmem_regs)
#define VMEM_SET_REGS		_IOW(VMEMIO, 0x82, struct vmem_regs)
#define VMEM_GET_SREGS		_IOR(VMEMIO, 0x83, struct vmem_sregs)
#define VMEM_SET_SREGS		_IOW(VMEMIO, 0x84, struct vmem_sregs)
#define VMEM_SET_CPUID		_IOW(VMEMIO, 0x85, struct vmem_cpuid)

#endif /* _UAPI_LINUX_VMEM_H */
