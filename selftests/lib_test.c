// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke tests of the guest-code test library itself, runnable on either
 * backend (VMEM_TEST_BACKEND=vmem|kvm): ucall stages and arguments, guest
 * assertion reporting, port I/O of every size, MMIO beyond guest memory,
 * HLT, exception handlers and unhandled exceptions, the null guard page,
 * and two vCPUs. (The FPU state across exits is fpu_test's.)
 */
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"

#define TEST_PORT	0x2000
#define MMIO_GPA	0xd0000000ULL	/* below 4 GiB, beyond guest memory */
#define BAD_MSR		0xdeadbeef

/* ---- ucall stages and arguments ---- */

static void guest_stages(__u64 a, __u64 b)
{
	GUEST_SYNC(a);
	GUEST_SYNC(b);
	GUEST_SYNC(a + b);
	GUEST_DONE();
}

TEST(lib_ucall_stages)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u64 want[] = { 3, 39, 42 };
	struct ucall uc;
	unsigned int i;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_stages);
	vcpu_args_set(vcpu, 2, 3ULL, 39ULL);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(vcpu_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], want[i]);
	}
	ASSERT_EQ(vcpu_run_ucall(vcpu, &uc), UCALL_DONE);
	vm_free(vm);
}

/* Returning from guest code counts as GUEST_DONE(). */
static void guest_returns(void)
{
}

TEST(lib_guest_return_is_done)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_returns);
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	vm_free(vm);
}

/* ---- a failing guest assertion reaches the host with file:line ---- */

static const int assert_line = __LINE__ + 5;

static void guest_assert_fails(__u64 v)
{
	GUEST_SYNC(0);
	GUEST_ASSERT_EQ(v, 42);
	GUEST_DONE();
}

TEST(lib_guest_assert_reports_location)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct ucall uc;
	char msg[600];

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_assert_fails);
	vcpu_args_set(vcpu, 1, 41ULL);
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_SYNC);
	vcpu_run_to_exit(vcpu);
	ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_ABORT);
	ASSERT_EQ(uc.line, assert_line);
	ASSERT_NE(strstr(uc.file_str, "lib_test.c"), NULL);
	ASSERT_STREQ(uc.expr_str, "v == 42");
	ASSERT_EQ(uc.args[0], 41);
	ASSERT_EQ(uc.args[1], 42);
	ucall_format(&uc, msg, sizeof(msg));
	TH_LOG("as reported: %s", msg);
	vm_free(vm);
}

/* ---- port I/O of sizes 1, 2 and 4 ---- */

static void guest_pio(void)
{
	outb(TEST_PORT, 0x12);
	outw(TEST_PORT + 2, 0x3456);
	outl(TEST_PORT + 4, 0x789abcde);
	GUEST_ASSERT_EQ(inb(TEST_PORT + 1), 0xab);
	GUEST_ASSERT_EQ(inw(TEST_PORT + 2), 0xcdef);
	GUEST_ASSERT_EQ(inl(TEST_PORT + 4), 0x01234567);
	GUEST_DONE();
}

TEST(lib_pio_sizes)
{
	static const struct {
		__u16 port;
		__u8 size, dir;
		__u32 val;
	} want[] = {
		{ TEST_PORT, 1, VMEM_EXIT_IO_OUT, 0x12 },
		{ TEST_PORT + 2, 2, VMEM_EXIT_IO_OUT, 0x3456 },
		{ TEST_PORT + 4, 4, VMEM_EXIT_IO_OUT, 0x789abcde },
		{ TEST_PORT + 1, 1, VMEM_EXIT_IO_IN, 0xab },
		{ TEST_PORT + 2, 2, VMEM_EXIT_IO_IN, 0xcdef },
		{ TEST_PORT + 4, 4, VMEM_EXIT_IO_IN, 0x01234567 },
	};
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	unsigned int i;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_pio);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct vmem_exit *e = &vcpu->exit;
		__u32 v = 0;

		vcpu_run_to_exit(vcpu);
		TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
		ASSERT_EQ(e->io.port, want[i].port);
		ASSERT_EQ(e->io.size, want[i].size);
		ASSERT_EQ(e->io.direction, want[i].dir);
		ASSERT_EQ(e->io.count, 1);
		if (want[i].dir == VMEM_EXIT_IO_OUT) {
			memcpy(&v, e->io.data, e->io.size);
			ASSERT_EQ(v, want[i].val);
		} else {
			memcpy(e->io.data, &want[i].val, e->io.size);
		}
	}
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	vm_free(vm);
}

/*
 * An IN is finished by a run with an immediate exit: RAX holds the data
 * and RIP points past the instruction before the guest runs on.
 */
extern char smoke_in[], smoke_in_end[];

static void guest_in_then_sync(void)
{
	__u32 v;

	asm volatile(".globl smoke_in, smoke_in_end\n"
		     "smoke_in: inl %%dx, %%eax\n"
		     "smoke_in_end:"
		     : "=a"(v) : "d"(TEST_PORT + 8) : "memory");
	GUEST_SYNC(v);
}

TEST(lib_complete_io_with_immediate_exit)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u32 v = 0x11223344;
	struct vmem_regs regs;
	struct ucall uc;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_in_then_sync);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
	ASSERT_EQ(vcpu->exit.io.direction, VMEM_EXIT_IO_IN);
	memcpy(vcpu->exit.io.data, &v, 4);
	vcpu_regs_get(vcpu, &regs);
	TH_LOG("RIP during the exit: %s", regs.rip == (unsigned long)smoke_in ?
	       "at the IN (as KVM)" : regs.rip == (unsigned long)smoke_in_end ?
	       "already past the IN" : "elsewhere");
	vcpu_run_complete_io(vcpu);
	vcpu_regs_get(vcpu, &regs);
	ASSERT_EQ((__u32)regs.rax, v);
	ASSERT_EQ(regs.rip, (unsigned long)smoke_in_end);
	vcpu_regs_set(vcpu, &regs);
	ASSERT_EQ(vcpu_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], v);
	vm_free(vm);
}

/* ---- MMIO: guest-physical addresses beyond guest memory ---- */

static void guest_mmio(void)
{
	volatile __u32 *p = (volatile __u32 *)MMIO_GPA;

	*p = 0xcafef00d;
	GUEST_ASSERT_EQ(p[1], 0x5a5a1234);
	GUEST_DONE();
}

TEST(lib_mmio_beyond_memory)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u32 v = 0, reply = 0x5a5a1234;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_mmio);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_MMIO);
	ASSERT_EQ(vcpu->exit.mmio.gpa, MMIO_GPA);
	ASSERT_EQ(vcpu->exit.mmio.len, 4);
	ASSERT_TRUE(vcpu->exit.mmio.is_write);
	memcpy(&v, vcpu->exit.mmio.data, 4);
	ASSERT_EQ(v, 0xcafef00d);

	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_MMIO);
	ASSERT_EQ(vcpu->exit.mmio.gpa, MMIO_GPA + 4);
	ASSERT_FALSE(vcpu->exit.mmio.is_write);
	memcpy(vcpu->exit.mmio.data, &reply, 4);
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	vm_free(vm);
}

/* ---- HLT with interrupts off exits to userspace ---- */

static void guest_hlt(void)
{
	hlt();
	GUEST_DONE();
}

TEST(lib_hlt_exits)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_hlt);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_HLT);
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	vm_free(vm);
}

/* ---- #GP from RDMSR of a bad MSR, caught by a guest handler ---- */

static __u64 gp_count, gp_error_code = ~0ULL;

static void guest_gp_handler(struct ex_regs *regs)
{
	GUEST_ASSERT_EQ(regs->vector, GP_VECTOR);
	GUEST_ASSERT_EQ(*(__u16 *)regs->rip, 0x320f);	/* rdmsr */
	gp_count++;
	gp_error_code = regs->error_code;
	regs->rip += 2;
}

static void guest_bad_rdmsr(void)
{
	rdmsr(BAD_MSR);
	GUEST_ASSERT_EQ(gp_count, 1);
	GUEST_ASSERT_EQ(gp_error_code, 0);
	GUEST_DONE();
}

TEST(lib_rdmsr_bad_msr_gp)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_bad_rdmsr);
	vm_install_exception_handler(vm, GP_VECTOR, guest_gp_handler);
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	sync_global_from_guest(vm, gp_count);
	ASSERT_EQ(gp_count, 1);
	vm_free(vm);
}

/* ---- unhandled exceptions reach the host: #UD, and #PF on page 0 ---- */

extern char smoke_ud2[];

static void guest_ud2(void)
{
	asm volatile(".globl smoke_ud2\nsmoke_ud2: ud2");
	GUEST_DONE();
}

TEST(lib_unhandled_exception_reported)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct ucall uc;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_ud2);
	vcpu_run_to_exit(vcpu);
	ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_UNHANDLED);
	ASSERT_EQ(uc.args[0], UD_VECTOR);
	ASSERT_EQ(uc.args[2], (__u64)(unsigned long)smoke_ud2);
	vm_free(vm);
}

static void guest_null_read(void)
{
	volatile __u64 *null = NULL;

	asm volatile("" : "+r"(null));	/* hide the constant from gcc */
	GUEST_SYNC(*null);
}

TEST(lib_null_page_not_mapped)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct ucall uc;

	TEST_REQUIRE_BACKEND();
	vm = vm_create_with_one_vcpu(&vcpu, guest_null_read);
	vcpu_run_to_exit(vcpu);
	ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_UNHANDLED);
	ASSERT_EQ(uc.args[0], PF_VECTOR);
	ASSERT_EQ(uc.args[1] & 1, 0);	/* not present */
	ASSERT_EQ(uc.args[3], 0);	/* CR2 */
	vm_free(vm);
}

/* ---- two vCPUs, each on its own stack ---- */

static void guest_smp(__u64 id)
{
	__u64 local = id * 1000;

	GUEST_SYNC(id);
	GUEST_SYNC((unsigned long)&local);
	GUEST_ASSERT_EQ(local, id * 1000);
	GUEST_DONE();
}

TEST(lib_two_vcpus)
{
	struct vmem_test_vcpu *v0, *v1;
	struct vmem_test_vm *vm;
	struct ucall u0, u1;

	TEST_REQUIRE_BACKEND();
	vm = vm_create(0, 2);
	v0 = vm_vcpu_add(vm, 0, guest_smp);
	v1 = vm_vcpu_add(vm, 1, guest_smp);
	vcpu_args_set(v0, 1, 0ULL);
	vcpu_args_set(v1, 1, 1ULL);
	ASSERT_EQ(vcpu_run_ucall(v1, &u1), UCALL_SYNC);
	ASSERT_EQ(vcpu_run_ucall(v0, &u0), UCALL_SYNC);
	ASSERT_EQ(u0.args[0], 0);
	ASSERT_EQ(u1.args[0], 1);
	ASSERT_EQ(vcpu_run_ucall(v0, &u0), UCALL_SYNC);
	ASSERT_EQ(vcpu_run_ucall(v1, &u1), UCALL_SYNC);
	ASSERT_NE(u0.args[0], u1.args[0]);
	ASSERT_LT(u0.args[0], VMEM_GUEST_STACK_TOP(0));
	ASSERT_GE(u1.args[0], VMEM_GUEST_STACK_TOP(0));
	ASSERT_EQ(vcpu_run_ucall(v0, NULL), UCALL_DONE);
	ASSERT_EQ(vcpu_run_ucall(v1, NULL), UCALL_DONE);
	vm_free(vm);
}

TEST_HARNESS_MAIN
