// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exits handled by the kernel or passed to userspace: string port
 * I/O, the CPUID table, MSRs, triple fault, control registers, real mode
 * from the reset state, and the RUN ioctl's own argument checks (immediate
 * exit, bad arguments, bad register state).
 */
#include <cpuid.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

#define STR_PORT	0x2100
#define STR_LEN		300
#define BIG_LEN		5000	/* more than one data page: several exits */
#define INSW_COUNT	50

static unsigned char str_buf[BIG_LEN];
static unsigned short insw_buf[INSW_COUNT];

static void guest_string_io(__u64 len)
{
	unsigned long count = len, i;
	const void *src = str_buf;
	void *dst = insw_buf;

	for (i = 0; i < len; i++)
		str_buf[i] = (unsigned char)(i * 7 + 1);
	asm volatile("cld; rep outsb"
		     : "+S"(src), "+c"(count) : "d"(STR_PORT) : "memory");
	GUEST_ASSERT_EQ(count, 0);
	GUEST_ASSERT_EQ((unsigned long)src, (unsigned long)str_buf + len);

	count = INSW_COUNT;
	asm volatile("cld; rep insw"
		     : "+D"(dst), "+c"(count) : "d"(STR_PORT) : "memory");
	for (i = 0; i < INSW_COUNT; i++)
		GUEST_ASSERT_EQ(insw_buf[i], (unsigned short)(0x1000 + i));
	GUEST_DONE();
}

static void check_string_io(struct __test_metadata *_metadata, __u64 len)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	unsigned char *got = calloc(1, len);
	__u64 seen = 0, i;

	ASSERT_NE(NULL, got);
	vm = vm_create_with_one_vcpu(&vcpu, guest_string_io);
	vcpu_args_set(vcpu, 1, len);
	while (seen < len) {
		vcpu_run_to_exit(vcpu);
		TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
		ASSERT_EQ(VMEM_EXIT_IO_OUT, vcpu->exit.io.direction);
		ASSERT_EQ(STR_PORT, vcpu->exit.io.port);
		ASSERT_EQ(1, vcpu->exit.io.size);
		ASSERT_LE(seen + vcpu->exit.io.count, len);
		memcpy(got + seen, vcpu->exit.io.data, vcpu->exit.io.count);
		seen += vcpu->exit.io.count;
	}
	for (i = 0; i < len; i++) {
		ASSERT_EQ((unsigned char)(i * 7 + 1), got[i]) TH_LOG("byte %llu", i);
	}

	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
	ASSERT_EQ(VMEM_EXIT_IO_IN, vcpu->exit.io.direction);
	ASSERT_EQ(2, vcpu->exit.io.size);
	ASSERT_EQ(INSW_COUNT, vcpu->exit.io.count);
	for (i = 0; i < INSW_COUNT; i++)
		((unsigned short *)vcpu->exit.io.data)[i] = 0x1000 + i;
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
	free(got);
}

TEST(pio_string_out_and_in)
{
	check_string_io(_metadata, STR_LEN);
}

TEST(pio_string_longer_than_a_page)
{
	check_string_io(_metadata, BIG_LEN);
}

static void guest_cpuid_default(void)
{
	__u32 a, b, c, d;

	cpuid(0x40000000, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(b, 0x6d656d76);	/* "vmem" */
	GUEST_ASSERT_EQ(c, 0x6d656d76);
	GUEST_ASSERT_EQ(d, 0x6d656d76);
	cpuid(1, 0, &a, &b, &c, &d);
	GUEST_ASSERT(c & (1u << 31));	/* hypervisor present */
	GUEST_ASSERT(!(c & (1u << 5)));	/* no VMX */
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	GUEST_ASSERT(!(c & (1u << 2)));	/* no SVM */
	GUEST_DONE();
}

TEST(cpuid_default_hides_virtualization)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_default);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static void guest_cpuid_custom(void)
{
	__u32 a, b, c, d;

	cpuid(0x4000abcd, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a, 1);
	GUEST_ASSERT_EQ(b, 2);
	GUEST_ASSERT_EQ(c, 3);
	GUEST_ASSERT_EQ(d, 4);
	cpuid(7, 1, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a, 0x77);
	cpuid(7, 0, &a, &b, &c, &d);	/* other index: not in the table */
	GUEST_ASSERT_EQ(a | b | c | d, 0);
	cpuid(0, 0, &a, &b, &c, &d);
	GUEST_ASSERT_EQ(a | b | c | d, 0);
	GUEST_DONE();
}

TEST(cpuid_table_set_by_userspace)
{
	struct {
		struct vmem_cpuid hdr;
		struct vmem_cpuid_entry e[2];
	} t;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_custom);
	fd = vcpu->vcpu->fd;
	memset(&t, 0, sizeof(t));
	t.hdr.nent = 2;
	t.e[0] = (struct vmem_cpuid_entry){ .function = 0x4000abcd,
					    .eax = 1, .ebx = 2, .ecx = 3, .edx = 4 };
	t.e[1] = (struct vmem_cpuid_entry){ .function = 7, .index = 1,
					    .flags = VMEM_CPUID_FLAG_INDEXED,
					    .eax = 0x77 };
	ASSERT_EQ(0, vmemio_set_cpuid(fd, &t.hdr));
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST(cpuid_table_rejects_bad_input)
{
	struct {
		struct vmem_cpuid hdr;
		struct vmem_cpuid_entry e[1];
	} t;
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid_default);
	fd = vcpu->vcpu->fd;
	memset(&t, 0, sizeof(t));
	t.hdr.nent = VMEM_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-E2BIG, vmemio_set_cpuid(fd, &t.hdr));
	t.hdr.nent = 1;
	t.hdr.flags = 1;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	t.hdr.flags = 0;
	t.e[0].flags = 2;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	t.e[0].flags = 0;
	t.e[0].reserved[1] = 9;
	EXPECT_EQ(-EINVAL, vmemio_set_cpuid(fd, &t.hdr));
	EXPECT_EQ(-EFAULT, vmemio_set_cpuid(fd, NULL));
	/* The default table is still in force. */
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static volatile __u64 gp_count;

static void gp_handler(struct ex_regs *regs)
{
	gp_count++;
	regs->rip += 2;		/* skip the faulting RDMSR/WRMSR */
}

#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_CR_PAT		0x277

static void guest_msrs(void)
{
	__u64 before;

	wrmsr(MSR_LSTAR, 0xffffffff81000000ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), 0xffffffff81000000ULL);
	wrmsr(MSR_STAR, 0x0023001000000000ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_STAR), 0x0023001000000000ULL);
	wrmsr(MSR_SYSCALL_MASK, 0x47700);
	GUEST_ASSERT_EQ(rdmsr(MSR_SYSCALL_MASK), 0x47700);
	wrmsr(MSR_KERNEL_GS_BASE, 0x12345000);
	GUEST_ASSERT_EQ(rdmsr(MSR_KERNEL_GS_BASE), 0x12345000);
	wrmsr(MSR_IA32_CR_PAT, 0x0007040600070406ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_CR_PAT), 0x0007040600070406ULL);

	/* Invalid values and unknown MSRs raise #GP and change nothing. */
	before = gp_count;
	wrmsr(MSR_LSTAR, 0x8000000000000000ULL);	/* non-canonical */
	GUEST_ASSERT_EQ(gp_count, before + 1);
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), 0xffffffff81000000ULL);
	wrmsr(MSR_IA32_CR_PAT, 0x02);			/* reserved type */
	GUEST_ASSERT_EQ(gp_count, before + 2);
	wrmsr(0x12345678, 1);
	GUEST_ASSERT_EQ(gp_count, before + 3);
	GUEST_DONE();
}

TEST(msr_values_round_trip_and_bad_ones_gp)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_msrs);
	vm_install_exception_handler(vm, 13, gp_handler);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static void guest_triple_fault(void)
{
	struct {
		__u16 limit;
		__u64 base;
	} __attribute__((packed)) empty = { 0, 0 };

	/* With no IDT, #UD cannot be delivered, nor the #DF: shutdown. */
	asm volatile("lidt %0; ud2" : : "m"(empty));
}

TEST(triple_fault_is_shutdown_exit)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_triple_fault);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_SHUTDOWN);
	vm_free(vm);
}

static void guest_spin(void)
{
	for (;;)
		asm volatile("pause");
}

TEST(run_immediate_exit_returns_eintr)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	run = vcpu->vcpu->run;
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vmemio_run(vcpu->vcpu->fd));
	EXPECT_EQ(VMEM_EXIT_INTR, run->exit_reason);
	run->immediate_exit = 0;
	vm_free(vm);
}

TEST(run_rejects_bad_arguments)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	fd = vcpu->vcpu->fd;
	EXPECT_EQ(-EINVAL, vmemio_ioctl(fd, VMEM_RUN, 1));

	ASSERT_EQ(0, vmemio_get_regs(fd, &regs));
	regs.rflags |= 1ULL << 40;		/* reserved */
	EXPECT_EQ(-EINVAL, vmemio_set_regs(fd, &regs));

	ASSERT_EQ(0, vmemio_get_sregs(fd, &sregs));
	sregs.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	sregs.reserved[3] = 0;
	sregs.cr0 &= ~(1ULL << 31);		/* paging off while LMA=1 */
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	ASSERT_EQ(0, vmemio_get_sregs(fd, &sregs));
	sregs.efer |= 1ULL << 30;		/* reserved EFER bit */
	EXPECT_EQ(-EINVAL, vmemio_set_sregs(fd, &sregs));
	EXPECT_EQ(-EFAULT, vmemio_get_sregs(fd, NULL));
	vm_free(vm);
}

/*
 * The guest owns its control registers whatever the hardware keeps in the
 * real ones: VT-x forces CR0.NE and CR4.VMXE to 1 (vmem shadows both), and
 * CR8 must not reach the host's TPR.
 */
#define CR0_NE		(1ULL << 5)
#define CR4_VMXE	(1ULL << 13)

static void guest_cr0_ne(void)
{
	__u64 cr0 = read_cr0();

	asm volatile("mov %0, %%cr0" : : "r"(cr0 & ~CR0_NE) : "memory");
	GUEST_ASSERT_EQ(read_cr0(), cr0 & ~CR0_NE);
	asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	GUEST_ASSERT_EQ(read_cr0(), cr0);
	GUEST_DONE();
}

TEST(cr0_ne_is_the_guests_to_change)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cr0_ne);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

static volatile __u64 cr_gp_count;

static void cr_gp_handler(struct ex_regs *regs)
{
	cr_gp_count++;
	regs->rip += 3;		/* skip the faulting MOV to CR4 (0f 22 e0) */
}

static void guest_cr4_vmxe(void)
{
	__u64 cr4 = read_cr4();

	asm volatile("mov %0, %%cr4" : : "a"(cr4 | CR4_VMXE) : "memory");
	GUEST_ASSERT_EQ(cr_gp_count, 1);
	GUEST_ASSERT_EQ(read_cr4(), cr4);
	GUEST_DONE();
}

/* The host's hypervisor signature is QEMU's TCG. */
static bool host_is_qemu_tcg(void)
{
	__u32 a, sig[3];

	__cpuid(0x40000000, a, sig[0], sig[1], sig[2]);
	return !memcmp(sig, "TCGTCGTCGTCG", 12);
}

/* No VMX for guests: setting CR4.VMXE is #GP, as on a CPU without it. */
TEST(cr4_vmxe_is_gp)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_sregs sregs;

	if (host_is_qemu_tcg())
		SKIP(return, "QEMU TCG fails the nested VMRUN instead of raising #GP for a reserved CR4 bit");
	vm = vm_create_with_one_vcpu(&vcpu, guest_cr4_vmxe);
	vm_install_exception_handler(vm, 13, cr_gp_handler);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(0, sregs.cr4 & CR4_VMXE);
	vm_free(vm);
}

static void guest_cr8(void)
{
	__u64 cr8;

	asm volatile("mov %0, %%cr8" : : "r"(5ULL) : "memory");
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	GUEST_ASSERT_EQ(cr8, 5);
	asm volatile("mov %0, %%cr8" : : "r"(0ULL) : "memory");
	GUEST_DONE();
}

TEST(cr8_keeps_the_guests_tpr)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cr8);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

/*
 * A vCPU starts in real mode (the x86 reset state); with CS pointed at
 * guest memory, 16-bit code runs directly: mov $0x42, %al; out %al, $0x10;
 * hlt.
 */
TEST(real_mode_code_runs_from_reset_state)
{
	static const unsigned char code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
	struct vmem_vm_config cfg = vmem_config(1 * MiB);
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	struct vmem_run *run;
	int dev, vm, vcpu;

	dev = vmemio_open();
	ASSERT_LE(0, dev);
	vm = vmemio_create_vm(dev, &cfg);
	ASSERT_LE(0, vm);
	vcpu = vmemio_create_vcpu(vm, 0);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(0, vmemio_map_run(vcpu, 2 * 4096, &run));
	ASSERT_EQ(0, vmemio_write_guest(vm, 0x1000, code, sizeof(code)));

	ASSERT_EQ(0, vmemio_get_sregs(vcpu, &sregs));
	EXPECT_EQ(0, sregs.cr0 & 1);		/* PE clear: real mode */
	EXPECT_EQ(0xf000, sregs.cs.selector);
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	ASSERT_EQ(0, vmemio_set_sregs(vcpu, &sregs));
	ASSERT_EQ(0, vmemio_get_regs(vcpu, &regs));
	EXPECT_EQ(0xfff0, regs.rip);
	regs.rip = 0x1000;
	ASSERT_EQ(0, vmemio_set_regs(vcpu, &regs));

	ASSERT_EQ(0, vmemio_run(vcpu));
	ASSERT_EQ(VMEM_EXIT_IO, run->exit_reason);
	EXPECT_EQ(VMEM_EXIT_IO_OUT, run->io.direction);
	EXPECT_EQ(0x10, run->io.port);
	EXPECT_EQ(1, run->io.size);
	EXPECT_EQ(0x42, *((unsigned char *)run + run->io.data_offset));
	ASSERT_EQ(0, vmemio_run(vcpu));
	EXPECT_EQ(VMEM_EXIT_HLT, run->exit_reason);
	ASSERT_EQ(0, vmemio_get_regs(vcpu, &regs));
	EXPECT_EQ(0x1005, regs.rip);

	munmap(run, 2 * 4096);
	close(vcpu);
	close(vm);
	close(dev);
}

TEST_HARNESS_MAIN
