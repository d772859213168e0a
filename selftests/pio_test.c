// SPDX-License-Identifier: GPL-2.0
/*
 * String port I/O as exits to userspace: REP OUTSB hands over every byte in
 * order, in as many exits as the run page's data area needs, and leaves RCX
 * and RSI where the instruction ends; REP INSW stores what userspace put in
 * the run page. Single IN and OUT of every size are in lib_test; here, that
 * an IN completes with the width of the exit even if userspace rewrote the
 * run page's size field meanwhile.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"

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

#define IN_PORT		0x2200

static void guest_inb_keeps_upper_bits(void)
{
	unsigned long rax = 0x1122334455667788UL;

	asm volatile("inb %%dx, %%al" : "+a"(rax) : "d"(IN_PORT));
	GUEST_ASSERT_EQ(rax, 0x11223344556677abUL);
	GUEST_DONE();
}

/*
 * The run page is userspace's: a VMM that rewrites run->io.size before it
 * resumes (a bug, or malice) must not change how wide the guest's IN was.
 * An 8-bit IN replaces AL only; completing it as a 32-bit IN would clear
 * RAX's upper bits.
 */
TEST(pio_in_width_is_the_exits_not_the_run_pages)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct vmem_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest_inb_keeps_upper_bits);
	if (strcmp(vm->backend, "vmem"))
		SKIP(vm_free(vm); return, "the run page layout is vmem's");
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
	ASSERT_EQ(VMEM_EXIT_IO_IN, vcpu->exit.io.direction);
	ASSERT_EQ(1, vcpu->exit.io.size);
	memset(vcpu->exit.io.data, 0xab, 4);
	run = vcpu->vcpu->run;
	run->io.size = 4;
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
