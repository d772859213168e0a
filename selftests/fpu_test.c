// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU, SSE and AVX state: XCR0 set by the guest survives exits,
 * XMM and YMM registers survive exits to a host that uses them, and a vCPU
 * thread and another task taking turns on one CPU never see each other's
 * registers.
 */
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "vmem_test.h"

/* ---- registers across exits ---- */

#define SIMD_PORT	0x2010

static __u8 xmm_in[16][16], xmm_out[16][16];
static __u8 ymm_in[3][32], ymm_out[3][32];
static const int ymm_nr[3] = { 0, 7, 15 };

/*
 * Load the registers from the _in arrays, exit through SIMD_PORT, store
 * them to the _out arrays: each in one asm statement, so that no
 * compiler-generated SSE code runs in between.
 */
#define XMM_LOAD(n)	"movdqu " #n "*16(%0), %%xmm" #n "\n\t"
#define XMM_STORE(n)	"movdqu %%xmm" #n ", " #n "*16(%1)\n\t"

static void guest_simd(__u64 use_avx)
{
	asm volatile(XMM_LOAD(0) XMM_LOAD(1) XMM_LOAD(2) XMM_LOAD(3)
		     XMM_LOAD(4) XMM_LOAD(5) XMM_LOAD(6) XMM_LOAD(7)
		     XMM_LOAD(8) XMM_LOAD(9) XMM_LOAD(10) XMM_LOAD(11)
		     XMM_LOAD(12) XMM_LOAD(13) XMM_LOAD(14) XMM_LOAD(15)
		     "outb %%al, %%dx\n\t"
		     XMM_STORE(0) XMM_STORE(1) XMM_STORE(2) XMM_STORE(3)
		     XMM_STORE(4) XMM_STORE(5) XMM_STORE(6) XMM_STORE(7)
		     XMM_STORE(8) XMM_STORE(9) XMM_STORE(10) XMM_STORE(11)
		     XMM_STORE(12) XMM_STORE(13) XMM_STORE(14) XMM_STORE(15)
		     : : "r"(xmm_in), "r"(xmm_out), "a"(0), "d"(SIMD_PORT)
		     : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		       "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		       "xmm13", "xmm14", "xmm15");
	if (use_avx)
		asm volatile("vmovdqu 0(%0), %%ymm0\n\t"
			     "vmovdqu 32(%0), %%ymm7\n\t"
			     "vmovdqu 64(%0), %%ymm15\n\t"
			     "outb %%al, %%dx\n\t"
			     "vmovdqu %%ymm0, 0(%1)\n\t"
			     "vmovdqu %%ymm7, 32(%1)\n\t"
			     "vmovdqu %%ymm15, 64(%1)\n\t"
			     "vzeroupper"
			     : : "r"(ymm_in), "r"(ymm_out), "a"(0), "d"(SIMD_PORT)
			     : "memory", "xmm0", "xmm7", "xmm15");
	GUEST_DONE();
}

/*
 * Reports whether CPUID offers AVX, then -- after at least one exit --
 * whether XCR0 still enables it (the startup code set it with XSETBV).
 */
static void guest_report_avx(void)
{
	GUEST_SYNC(this_cpu_has_avx());
	GUEST_SYNC((read_cr4() & X86_CR4_OSXSAVE) &&
		   (xgetbv(0) & X86_XCR0_AVX));
	GUEST_DONE();
}

/* 1: AVX usable in the guest, 0: CPUID does not offer it, -1: XCR0 lost. */
static int guest_avx_state(void)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct ucall uc;
	int cpuid_avx, state;

	vm = vm_create_with_one_vcpu(&vcpu, guest_report_avx);
	TEST_ASSERT(vcpu_run_ucall(vcpu, &uc) == UCALL_SYNC, "no SYNC");
	cpuid_avx = uc.args[0];
	TEST_ASSERT(vcpu_run_ucall(vcpu, &uc) == UCALL_SYNC, "no SYNC");
	state = !cpuid_avx ? 0 : uc.args[0] ? 1 : -1;
	vm_free(vm);
	return state;
}

/* QEMU's TCG does not intercept XSETBV for a nested guest. */
static bool host_is_qemu_tcg(void)
{
	unsigned int sig[3], max;

	__cpuid(0x40000000, max, sig[0], sig[1], sig[2]);
	return !memcmp(sig, "TCGTCGTCGTCG", 12);
}

TEST(fpu_guest_xcr0_survives_exits)
{
	int state;

	TEST_REQUIRE_BACKEND();
	state = guest_avx_state();
	if (!state)
		SKIP(return, "the guest's CPUID does not offer AVX");
	if (state < 0 && host_is_qemu_tcg())
		SKIP(return, "QEMU TCG does not intercept XSETBV of a nested guest, so XCR0 is lost on exits");
	ASSERT_EQ(state, 1) TH_LOG("XCR0 set by the guest did not survive an exit");
}

static volatile __u64 xsetbv_gp;

static void xsetbv_gp_handler(struct ex_regs *regs)
{
	xsetbv_gp++;
	regs->rip += 3;		/* xsetbv: 0f 01 d1 */
}

/* XSETBV of @v; true if it raised #GP. */
static bool guest_xsetbv_faults(__u32 index, __u64 v)
{
	__u64 before = xsetbv_gp;

	xsetbv(index, v);
	return xsetbv_gp != before;
}

#define XCR0_X87	(1ULL << 0)
#define XCR0_SSE	(1ULL << 1)
#define XCR0_BNDREGS	(1ULL << 3)
#define XCR0_BNDCSR	(1ULL << 4)
#define XCR0_PKRU	(1ULL << 9)
#define XCR0_XTILECFG	(1ULL << 17)
#define XCR0_XTILEDATA	(1ULL << 18)
#define XCR0_OFFERED	0xe7ULL		/* x87, SSE, AVX, AVX-512 */

static void guest_xcr0_mask(void)
{
	__u32 a, b, c, d;
	__u64 offered, old;

	if (!(read_cr4() & X86_CR4_OSXSAVE)) {
		GUEST_SYNC(0);
		GUEST_DONE();
	}
	GUEST_SYNC(1);
	cpuid(0xd, 0, &a, &b, &c, &d);
	offered = a | ((__u64)d << 32);
	GUEST_ASSERT_EQ(offered & ~XCR0_OFFERED, 0);
	cpuid(7, 0, &a, &b, &c, &d);
	GUEST_ASSERT(!(b & (1u << 14)));		/* MPX */
	GUEST_ASSERT(!(d & ((1u << 22) | (1u << 24) | (1u << 25))));	/* AMX */

	old = xgetbv(0);
	GUEST_ASSERT(guest_xsetbv_faults(1, XCR0_X87));		/* not XCR0 */
	GUEST_ASSERT(guest_xsetbv_faults(0, XCR0_SSE));		/* no x87 */
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_BNDREGS));	/* half MPX */
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_BNDREGS | XCR0_BNDCSR));
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_XTILECFG));	/* half AMX */
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_XTILEDATA));
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_XTILECFG |
					    XCR0_XTILEDATA));
	GUEST_ASSERT(guest_xsetbv_faults(0, old | XCR0_PKRU));
	/* What CPUID offers (x87 and SSE at least) is accepted. */
	GUEST_ASSERT(!guest_xsetbv_faults(0, XCR0_X87 | XCR0_SSE));
	GUEST_ASSERT(!guest_xsetbv_faults(0, old));
	GUEST_ASSERT_EQ(xsetbv_gp, 8);
	GUEST_DONE();
}

/*
 * The guest's XCR0 mask is one thing: CPUID leaf 0xD offers no more than
 * x87, SSE, AVX and AVX-512 (leaf 7 hides MPX and AMX), and XSETBV refuses
 * everything else, half of MPX or AMX in particular, with #GP -- where a
 * host on a Sapphire Rapids or MPX CPU would otherwise load it at entry
 * and fault with interrupts off. (Under QEMU's TCG, which does not
 * intercept a nested guest's XSETBV, the emulated CPU refuses these values
 * itself; on VT-x, vmem's handler does.)
 */
TEST(fpu_xcr0_mask_agrees_between_cpuid_and_xsetbv)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_xcr0_mask);
	vm_install_exception_handler(vm, 13, xsetbv_gp_handler);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(vcpu, &uc));
	if (!uc.args[0])
		SKIP(vm_free(vm); return, "the guest has no XSAVE (CR4.OSXSAVE clear)");
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(vcpu, NULL));
	vm_free(vm);
}

/* The host uses the same registers while the guest is out. */
static void host_clobber_simd(void)
{
	asm volatile("pcmpeqb %%xmm0, %%xmm0\n\t"
		     "movdqa %%xmm0, %%xmm7\n\t"
		     "movdqa %%xmm0, %%xmm15"
		     : : : "xmm0", "xmm7", "xmm15");
}

TEST(fpu_simd_registers_survive_exits)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u64 avx;
	int i;

	TEST_REQUIRE_BACKEND();
	avx = guest_avx_state() == 1;
	TH_LOG("%s", avx ? "checking XMM and YMM registers" :
	       "guest AVX unusable: checking XMM registers only");

	memset(xmm_in, 0x5a, sizeof(xmm_in));
	memset(ymm_in, 0xa5, sizeof(ymm_in));
	for (i = 0; i < 16; i++)
		xmm_in[i][i] = i;
	for (i = 0; i < 3; i++)
		ymm_in[i][31 - i] = i;
	vm = vm_create_with_one_vcpu(&vcpu, guest_simd);
	vcpu_args_set(vcpu, 1, avx);
	sync_global_to_guest(vm, xmm_in);
	sync_global_to_guest(vm, ymm_in);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
	ASSERT_EQ(vcpu->exit.io.port, SIMD_PORT);
	host_clobber_simd();
	if (avx) {
		vcpu_run_to_exit(vcpu);
		TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_IO);
		host_clobber_simd();
	}
	ASSERT_EQ(vcpu_run_ucall(vcpu, NULL), UCALL_DONE);
	sync_global_from_guest(vm, xmm_out);
	sync_global_from_guest(vm, ymm_out);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(memcmp(xmm_in[i], xmm_out[i], 16), 0)
			TH_LOG("XMM%d changed across the exit", i);
	for (i = 0; avx && i < 3; i++)
		EXPECT_EQ(memcmp(ymm_in[i], ymm_out[i], 32), 0)
			TH_LOG("YMM%d changed across the exit", ymm_nr[i]);
	vm_free(vm);
}

/* ---- a vCPU thread and another task sharing a CPU ---- */

#define FPU_SPIN	2000	/* PAUSEs between writing and checking */

static volatile __u64 fpu_stop;

/*
 * Writes XMM15, spins, checks it is still there, over and over: when the
 * vCPU thread is preempted in the middle, the register must come back.
 * Reports how many checks failed, and the rounds run.
 */
static void guest_fpu_owner(void)
{
	__u64 i, bad = 0, v, got;

	for (i = 0; !fpu_stop; i++) {
		v = 0x4755455354000000ULL | (i & 0xffffff);	/* "GUEST" */
		asm volatile("movq %1, %%xmm15\n\t"
			     "mov %2, %%ecx\n"
			     "1:\tpause\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b\n\t"
			     "movq %%xmm15, %0"
			     : "=r"(got) : "r"(v), "i"(FPU_SPIN) : "ecx", "xmm15");
		bad += got != v;
	}
	GUEST_SYNC(bad);
	GUEST_SYNC(i);
	GUEST_DONE();
}

struct fpu_guest {
	struct vmem_test_vcpu *vcpu;
	struct ucall uc;
	__u64 cmd;
};

/* The vCPU thread: runs the guest until its first ucall. */
static void *run_fpu_guest(void *arg)
{
	struct fpu_guest *g = arg;

	g->cmd = vcpu_run_ucall(g->vcpu, &g->uc);
	return NULL;
}

struct fpu_host {
	double end;
	__u64 rounds, bad;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The other task: the same with its own value, yielding the CPU each time. */
static void *host_fpu_user(void *arg)
{
	struct fpu_host *h = arg;
	__u64 v, got;

	while (now_s() < h->end) {
		v = 0x484f535400000000ULL | (h->rounds & 0xffffff);	/* "HOST" */
		asm volatile("movq %2, %%xmm15\n\t"
			     "syscall\n\t"
			     "movq %%xmm15, %0"
			     : "=r"(got), "+a"((long){ SYS_sched_yield })
			     : "r"(v) : "rcx", "r11", "memory", "xmm15");
		h->bad += got != v;
		h->rounds++;
	}
	return NULL;
}

TEST(fpu_isolated_from_another_task_on_the_cpu)
{
	struct fpu_host host = { .end = now_s() + 2 };
	struct fpu_guest g = { 0 };
	struct vmem_test_vm *vm;
	struct ucall uc;
	pthread_t vt, ht;
	cpu_set_t one;
	__u64 stop = 1;

	/* Both threads on one CPU: they preempt each other all the time. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	vm = vm_create_with_one_vcpu(&g.vcpu, guest_fpu_owner);
	ASSERT_EQ(0, pthread_create(&vt, NULL, run_fpu_guest, &g));
	ASSERT_EQ(0, pthread_create(&ht, NULL, host_fpu_user, &host));
	pthread_join(ht, NULL);
	/* Stop the guest: its RUN returns with the first SYNC. */
	vm_write_guest(vm, (__u64)(unsigned long)&fpu_stop, &stop, sizeof(stop));
	pthread_join(vt, NULL);
	ASSERT_EQ(UCALL_SYNC, g.cmd);
	EXPECT_EQ(0, g.uc.args[0]) TH_LOG("the guest lost XMM15 %llu times",
					  (unsigned long long)g.uc.args[0]);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(g.vcpu, &uc));
	TH_LOG("%llu guest rounds, %llu host rounds",
	       (unsigned long long)uc.args[0], (unsigned long long)host.rounds);
	EXPECT_EQ(0, host.bad) TH_LOG("the other task lost XMM15 %llu times",
				      (unsigned long long)host.bad);
	/* Both made progress, so they did take turns. */
	EXPECT_LT(10, uc.args[0]);
	EXPECT_LT(10, host.rounds);
	ASSERT_EQ(UCALL_DONE, vcpu_run_ucall(g.vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
