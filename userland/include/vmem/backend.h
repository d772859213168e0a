/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmem's backend-neutral VM interface.
 *
 * A VM and its vCPUs are driven through one ops table per backend:
 * "vmem" (/dev/vmem, guest memory owned by the kernel and reached with
 * VMEM_READ_GUEST/VMEM_WRITE_GUEST) and "kvm" (/dev/kvm, guest memory an
 * anonymous mapping of this process). Register and exit formats are vmem's
 * (struct vmem_regs, struct vmem_sregs, VMEM_EXIT_*); the kvm backend
 * converts. So the same launcher and tests run an identical guest on both.
 *
 * All functions return 0 (or a count) on success and -errno on failure; none
 * prints or exits. A vCPU is run by one thread at a time; different vCPUs
 * may run concurrently, and vmem_vcpu_request_exit() may be called from any
 * thread.
 */
#ifndef _VMEM_BACKEND_H
#define _VMEM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/vmem.h>

struct vmem_vm;
struct vmem_vcpu;

/**
 * struct vmem_vm_params - what to create.
 * @mem_size:	guest memory in bytes, a multiple of 4096.
 * @min_size:	vmem reservation ("min"); ignored by kvm.
 * @salt:	vmem page-sharing salt; ignored by kvm.
 * @shares:	vmem proportional share, 0 = default; ignored by kvm.
 * @name:	VM name or NULL; vmem only (kvm VMs are nameless).
 */
struct vmem_vm_params {
	__u64 mem_size;
	__u64 min_size;
	__u64 salt;
	__u32 shares;
	const char *name;
};

/**
 * struct vmem_exit - why vmem_vcpu_run() returned, in vmem's terms.
 * @reason:	VMEM_EXIT_*; VMEM_EXIT_UNKNOWN for a backend exit that has no
 *		vmem equivalent (then see @raw_reason).
 * @raw_reason:	the backend's own exit code (KVM_EXIT_* for kvm).
 * @io:		VMEM_EXIT_IO. @data points to @count * @size bytes in the run
 *		page: OUT data written by the guest, or where to put the IN
 *		data before the next run.
 * @mmio:	VMEM_EXIT_MMIO. @data holds @len bytes: written data, or where
 *		to put the read result before the next run.
 * @fail_entry:	VMEM_EXIT_FAIL_ENTRY: hardware reason and host CPU.
 * @internal:	VMEM_EXIT_INTERNAL_ERROR: VMEM_INTERNAL_ERROR_* (@raw_suberror
 *		is the backend's own code) and @ndata words of detail.
 * @hypercall:	VMEM_EXIT_HYPERCALL: number, arguments, and @ret, where to
 *		store the value the guest gets in RAX.
 */
struct vmem_exit {
	__u32 reason;
	__u32 raw_reason;
	union {
		struct {
			__u8 direction;
			__u8 size;
			__u16 port;
			__u32 count;
			void *data;
		} io;
		struct {
			__u64 gpa;
			__u8 *data;
			__u32 len;
			bool is_write;
		} mmio;
		struct {
			__u64 reason;
			__u32 cpu;
		} fail_entry;
		struct {
			__u32 suberror;
			__u32 raw_suberror;
			__u32 ndata;
			const __u64 *data;
		} internal;
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 *ret;
		} hypercall;
	};
};

/**
 * struct vmem_backend_ops - one backend. Called only through the
 * vmem_vm_* / vmem_vcpu_* functions below, which check arguments first.
 */
struct vmem_backend_ops {
	const char *name;
	const char *dev_path;
	int (*vm_create)(struct vmem_vm *vm, const struct vmem_vm_params *p);
	void (*vm_destroy)(struct vmem_vm *vm);
	int (*vcpu_create)(struct vmem_vcpu *vcpu);
	void (*vcpu_destroy)(struct vmem_vcpu *vcpu);
	int (*read_guest)(struct vmem_vm *vm, __u64 gpa, void *buf, size_t len);
	int (*write_guest)(struct vmem_vm *vm, __u64 gpa, const void *buf,
			   size_t len);
	int (*get_regs)(struct vmem_vcpu *vcpu, struct vmem_regs *regs);
	int (*set_regs)(struct vmem_vcpu *vcpu, const struct vmem_regs *regs);
	int (*get_sregs)(struct vmem_vcpu *vcpu, struct vmem_sregs *sregs);
	int (*set_sregs)(struct vmem_vcpu *vcpu, const struct vmem_sregs *sregs);
	int (*set_cpuid)(struct vmem_vcpu *vcpu, const struct vmem_cpuid *cpuid);
	int (*run)(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
	void (*request_exit)(struct vmem_vcpu *vcpu);
	int (*get_stats)(struct vmem_vm *vm, struct vmem_vm_stats *stats);
};

/**
 * struct vmem_vm - a VM. Fields are read-only for users.
 * @ops:	its backend.
 * @sys_fd:	/dev/vmem or /dev/kvm.
 * @fd:		the VM file descriptor.
 * @mem_size:	guest memory size.
 * @mem:	host mapping of guest memory (kvm), NULL when the kernel owns
 *		it (vmem).
 * @run_size:	bytes of a vCPU's run mapping.
 * @id:		vmem VM id (0 for kvm).
 * @name:	vmem VM name ("" for kvm).
 * @vcpus:	created vCPUs by id.
 * @priv:	backend-private state.
 */
struct vmem_vm {
	const struct vmem_backend_ops *ops;
	int sys_fd;
	int fd;
	__u64 mem_size;
	void *mem;
	size_t run_size;
	__u32 id;
	char name[VMEM_NAME_LEN];
	struct vmem_vcpu *vcpus[VMEM_MAX_VCPUS];
	void *priv;
};

/**
 * struct vmem_vcpu - a vCPU. Fields are read-only for users.
 * @vm:		its VM.
 * @id:		vCPU id.
 * @fd:		the vCPU file descriptor.
 * @run:	the mapped run page (struct vmem_run or struct kvm_run).
 */
struct vmem_vcpu {
	struct vmem_vm *vm;
	unsigned int id;
	int fd;
	void *run;
};

extern const struct vmem_backend_ops vmem_backend_vmem;
extern const struct vmem_backend_ops vmem_backend_kvm;

const struct vmem_backend_ops *vmem_backend_find(const char *name);
int vmem_vm_create(const struct vmem_backend_ops *ops,
		   const struct vmem_vm_params *p, struct vmem_vm **vmp);
void vmem_vm_destroy(struct vmem_vm *vm);
int vmem_vm_read(struct vmem_vm *vm, __u64 gpa, void *buf, size_t len);
int vmem_vm_write(struct vmem_vm *vm, __u64 gpa, const void *buf, size_t len);
int vmem_vm_get_stats(struct vmem_vm *vm, struct vmem_vm_stats *stats);

int vmem_vcpu_create(struct vmem_vm *vm, unsigned int id,
		     struct vmem_vcpu **vcpup);
int vmem_vcpu_get_regs(struct vmem_vcpu *vcpu, struct vmem_regs *regs);
int vmem_vcpu_set_regs(struct vmem_vcpu *vcpu, const struct vmem_regs *regs);
int vmem_vcpu_get_sregs(struct vmem_vcpu *vcpu, struct vmem_sregs *sregs);
int vmem_vcpu_set_sregs(struct vmem_vcpu *vcpu,
			const struct vmem_sregs *sregs);
int vmem_vcpu_set_cpuid(struct vmem_vcpu *vcpu,
			const struct vmem_cpuid *cpuid);
int vmem_vcpu_run(struct vmem_vcpu *vcpu, struct vmem_exit *exit);
void vmem_vcpu_request_exit(struct vmem_vcpu *vcpu);

const char *vmem_exit_name(__u32 reason);

#endif /* _VMEM_BACKEND_H */
