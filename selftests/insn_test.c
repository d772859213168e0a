// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions the guest may not use, and ones vmem completes without
 * effect, the same on both backends (the policy lives in the core's exit
 * handling): RDPMC raises #GP (no performance counters are exposed);
 * MONITOR and the SVM and VMX instructions raise #UD (not in the guest's
 * CPUID); INVD and WBINVD are intercepted and complete without touching the
 * host's caches.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

#define CACHE_FLUSHES	200

static volatile __u64 gp_count, ud_count;

static void gp_handler(struct ex_regs *regs)
{
	gp_count++;
	regs->rip += 2;		/* RDPMC: 0f 33 */
}

static void ud_handler(struct ex_regs *regs)
{
	ud_count++;
	regs->rip += 3;		/* MONITOR, VMLOAD, VMXOFF: 0f 01 xx */
}

static void guest_forbidden(void)
{
	asm volatile("rdpmc" : : "c"(0) : "rax", "rdx");
	GUEST_ASSERT_EQ(gp_count, 1);
	asm volatile(".byte 0x0f, 0x01, 0xc8"	/* monitor */
		     : : "a"(0), "c"(0), "d"(0));
	GUEST_ASSERT_EQ(ud_count, 1);
	asm volatile(".byte 0x0f, 0x01, 0xda" : : "a"(0));	/* vmload */
	GUEST_ASSERT_EQ(ud_count, 2);
	asm volatile(".byte 0x0f, 0x01, 0xc4");		/* vmxoff */
	GUEST_ASSERT_EQ(ud_count, 3);
	GUEST_DONE();
}

TEST(insn_rdpmc_gp_monitor_and_virtualization_insns_ud)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_forbidden);
	vm_install_exception_handler(vm, 13, gp_handler);
	vm_install_exception_handler(vm, 6, ud_handler);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static void guest_cache_flushes(void)
{
	int i;

	GUEST_SYNC(0);
	for (i = 0; i < CACHE_FLUSHES; i++) {
		asm volatile("wbinvd" : : : "memory");
		asm volatile("invd" : : : "memory");
	}
	GUEST_DONE();
}

/*
 * Each INVD and WBINVD is an exit (a guest cannot flush the host's caches
 * in a loop) and completes: the guest runs on to its end.
 */
TEST(insn_invd_and_wbinvd_exit_and_complete)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_vm_stats a, b;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cache_flushes);
	if (strcmp(vm->backend, "vmem"))
		SKIP(vm_free(vm); return, "counts vmem's exits");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, NULL));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ASSERT_EQ(0, vmemio_get_vm_stats(vm->vm->fd, &a));
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	ASSERT_EQ(0, vmemio_get_vm_stats(vm->vm->fd, &b));
	EXPECT_LE(2 * CACHE_FLUSHES, b.exits - a.exits);
	vm_free(vm);
}

TEST_HARNESS_MAIN
