/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmem guest-code test library (libvmemtest.a), modelled on KVM's
 * selftests: a VM whose vCPUs run C functions of the test binary itself in
 * 64-bit mode. The test's own ELF (/proc/self/exe) is loaded into the guest
 * at GPA == its virtual addresses, so a pointer to a function or global
 * means the same thing on both sides. Test binaries must therefore be
 * linked -no-pie; guest code must not call libc (use guest_string.h) and
 * is compiled with -mno-red-zone -fno-stack-protector.
 *
 * Backends: "vmem" (/dev/vmem, the default) or "kvm" (/dev/kvm), chosen by
 * the environment variable VMEM_TEST_BACKEND for the simple functions and
 * explicitly in struct vm_params for __vm_create(). A missing backend makes
 * the simple functions skip the test with a reason.
 *
 * Simple functions abort the test (TEST_ASSERT) on any failure; the
 * __-prefixed variants return -errno instead.
 */
#ifndef SELFTEST_VMEM_TEST_H
#define SELFTEST_VMEM_TEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/vmem.h>
#include <vmem/backend.h>
#include <vmem/layout.h>

#include "ucall.h"
#include "processor.h"
#include "guest_string.h"

#define VMEM_TEST_DEFAULT_MEM	(64ULL << 20)
#define VMEM_TEST_BACKEND_ENV	"VMEM_TEST_BACKEND"

/*
 * Exit status that the kselftest harness of Linux 6.1 counts as SKIP for a
 * test's child process (later harnesses also accept KSFT_SKIP, 4).
 */
#define VMEM_TEST_SKIP_STATUS	255

/**
 * struct vm_params - everything __vm_create() can be told.
 * @backend:	"vmem" or "kvm"; NULL: $VMEM_TEST_BACKEND, else "vmem".
 * @mem_size:	guest memory; 0: VMEM_TEST_DEFAULT_MEM.
 * @name:	vmem VM name; NULL: the kernel picks "vm<id>".
 * @min_size, @salt, @shares: vmem policy parameters (see vmem.h).
 * @no_image:	do not load the test binary (the caller writes its own
 *		code into the guest; vm_vcpu_add() then needs an explicit RIP).
 */
struct vm_params {
	const char *backend;
	__u64 mem_size;
	const char *name;
	__u64 min_size;
	__u64 salt;
	__u32 shares;
	bool no_image;
};

/**
 * struct vmem_test_vm - a test VM.
 * @vm:		the libvmem VM (for calls this library does not wrap).
 * @backend:	backend name.
 * @mem_size:	guest memory size.
 * @has_image:	the test binary is loaded (vCPUs enter through the
 *		library's guest startup code).
 * @image_end:	first byte after the test binary in the guest.
 * @alloc_next:	next address vm_alloc() hands out.
 * @vcpus:	vCPUs by id.
 */
struct vmem_test_vm {
	struct vmem_vm *vm;
	const char *backend;
	__u64 mem_size;
	bool has_image;
	__u64 image_end;
	__u64 alloc_next;
	struct vmem_test_vcpu *vcpus[VMEM_MAX_VCPUS];
};

/**
 * struct vmem_test_vcpu - a test vCPU.
 * @vm:		its VM.
 * @vcpu:	the libvmem vCPU.
 * @id:		vCPU id.
 * @exit:	why the last run returned (valid after vcpu_run_to_exit()).
 * @io_pending:	the last exit was I/O or MMIO not yet completed by a run.
 */
struct vmem_test_vcpu {
	struct vmem_test_vm *vm;
	struct vmem_vcpu *vcpu;
	unsigned int id;
	struct vmem_exit exit;
	bool io_pending;
};

/* ---- VMs ---- */
int __vm_create(const struct vm_params *p, struct vmem_test_vm **vmp);
struct vmem_test_vm *vm_create(__u64 mem_size, unsigned int nr_vcpus);
struct vmem_test_vm *vm_create_with_one_vcpu(struct vmem_test_vcpu **vcpu,
					     void *guest_code);
void vm_free(struct vmem_test_vm *vm);
const char *vm_default_backend(void);
bool vm_backend_usable(char *why, size_t size);

int __vm_read_guest(struct vmem_test_vm *vm, __u64 gpa, void *buf,
		    size_t len);
int __vm_write_guest(struct vmem_test_vm *vm, __u64 gpa, const void *buf,
		     size_t len);
void vm_read_guest(struct vmem_test_vm *vm, __u64 gpa, void *buf, size_t len);
void vm_write_guest(struct vmem_test_vm *vm, __u64 gpa, const void *buf,
		    size_t len);
__u64 vm_alloc(struct vmem_test_vm *vm, __u64 size);

/* Copy a global of the test binary between host and guest. */
#define sync_global_to_guest(vm, g) \
	vm_write_guest(vm, (__u64)(unsigned long)&(g), &(g), sizeof(g))
#define sync_global_from_guest(vm, g) \
	vm_read_guest(vm, (__u64)(unsigned long)&(g), &(g), sizeof(g))

/* ---- vCPUs ---- */
int __vm_vcpu_add(struct vmem_test_vm *vm, unsigned int id, void *guest_code,
		  struct vmem_test_vcpu **vcpup);
struct vmem_test_vcpu *vm_vcpu_add(struct vmem_test_vm *vm, unsigned int id,
				   void *guest_code);
void vcpu_args_set(struct vmem_test_vcpu *vcpu, unsigned int n, ...);
int __vcpu_run_to_exit(struct vmem_test_vcpu *vcpu);
void vcpu_run_to_exit(struct vmem_test_vcpu *vcpu);
void vcpu_run_complete_io(struct vmem_test_vcpu *vcpu);
void vcpu_regs_get(struct vmem_test_vcpu *vcpu, struct vmem_regs *regs);
void vcpu_regs_set(struct vmem_test_vcpu *vcpu, const struct vmem_regs *regs);
void vcpu_sregs_get(struct vmem_test_vcpu *vcpu, struct vmem_sregs *sregs);
void vcpu_sregs_set(struct vmem_test_vcpu *vcpu,
		    const struct vmem_sregs *sregs);
const char *vcpu_exit_describe(struct vmem_test_vcpu *vcpu, char *buf,
			       size_t size);

/**
 * struct vcpu_runner - a vCPU running on its own thread (lib/runner.c).
 * @vcpu:	the vCPU (set by the caller).
 * @on_sync:	if set, called on the runner's thread after each GUEST_SYNC,
 *		before the guest goes on (set by the caller).
 * @thread:	the thread.
 * @syncs:	GUEST_SYNCs seen.
 * @done:	the thread has finished.
 * @ok:		the guest reached GUEST_DONE.
 * @why:	otherwise, what happened.
 */
struct vcpu_runner {
	struct vmem_test_vcpu *vcpu;
	void (*on_sync)(struct vcpu_runner *rn);
	pthread_t thread;
	__u64 syncs;
	int done;
	int ok;
	char why[256];
};

int vcpu_runner_start(struct vcpu_runner *rn);
void vcpu_runner_join(struct vcpu_runner *rn);
bool vcpu_runner_done(struct vcpu_runner *rn);

/* ---- failing and skipping from library or test code ---- */
void __test_assert_fail(const char *file, int line, const char *expr,
			const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));
void __test_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#define TEST_ASSERT(cond, fmt, ...) do {				\
	if (!(cond))							\
		__test_assert_fail(__FILE__, __LINE__, #cond,		\
				   fmt, ##__VA_ARGS__);			\
} while (0)

#define TEST_FAIL(fmt, ...) \
	__test_assert_fail(__FILE__, __LINE__, "TEST_FAIL", fmt, ##__VA_ARGS__)

/* Skip the test (works outside TEST() bodies too, e.g. in helpers). */
#define TEST_REQUIRE(cond) do {						\
	if (!(cond))							\
		__test_skip("requirement not met: %s", #cond);		\
} while (0)

/*
 * In a TEST() body: skip with the reason in the TAP line unless the
 * default backend is there (the simple functions would skip anyway, but
 * without the reason reaching the harness).
 */
#define TEST_REQUIRE_BACKEND() do {					\
	char __why[160];						\
	if (!vm_backend_usable(__why, sizeof(__why)))			\
		SKIP(return, "%s", __why);				\
} while (0)

/* The vCPU's last exit must be @want (VMEM_EXIT_*). */
#define TEST_ASSERT_EXIT_REASON(vcpu, want) do {			\
	char __buf[160];						\
	TEST_ASSERT((vcpu)->exit.reason == (want),			\
		    "expected exit %s, got %s",				\
		    vmem_exit_name(want),				\
		    vcpu_exit_describe(vcpu, __buf, sizeof(__buf)));	\
} while (0)

#endif /* SELFTEST_VMEM_TEST_H */
