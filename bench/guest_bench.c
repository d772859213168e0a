// SPDX-License-Identifier: GPL-2.0
/*
 * guest_bench - the same guests under vmem and under KVM, in one run.
 *
 *   pio_roundtrip   a guest doing OUT to a port in a loop; every OUT is an
 *                   exit to userspace and back (time per round trip)
 *   first_touch     a guest writing one byte to each page of 256 MiB it
 *                   has never touched (MiB/s populated)
 *   cpu_loop        a guest computing xorshift64 in registers, which
 *                   should never exit: both should be equal
 *
 * Each measurement is repeated and the best kept; the table shows
 * vmem/KVM ratios. vmem's sharing scanner is held off meanwhile (KVM runs
 * without KSM here): these measure the exit and fault paths alone; the
 * sharing benchmark compares the scanners. Absolute numbers under emulation (QEMU TCG) mean
 * little; the ratios measured in one boot are what to compare.
 *
 * Usage: guest_bench [-r REPS] [-b vmem|kvm|both]
 */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include <vmem/sysfs.h>

#include "vmem_test.h"

#define BENCH_PORT	0x3000
#define PIO_ITERS	20000ULL
#define TOUCH_BYTES	(256ULL << 20)
#define CPU_ITERS	400000000ULL

#define SHARE_ENABLED	"share/enabled"	/* under vmem's sysfs root */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void guest_pio(__u64 n)
{
	__u64 i;

	for (i = 0; i < n; i++)
		outb(BENCH_PORT, 0);
	GUEST_DONE();
}

static void guest_touch(__u64 base, __u64 pages)
{
	__u64 i;

	for (i = 0; i < pages; i++)
		*(volatile __u8 *)(base + i * 4096) = 1;
	GUEST_DONE();
}

static void guest_cpu(__u64 n)
{
	__u64 x = 88172645463325252ULL, i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	GUEST_SYNC(x);
	GUEST_DONE();
}

static struct vmem_test_vm *bench_vm(const char *backend, __u64 mem,
				     void *code, struct vmem_test_vcpu **vcpu)
{
	struct vm_params p = { .backend = backend, .mem_size = mem };
	struct vmem_test_vm *vm;
	int r = __vm_create(&p, &vm);

	TEST_ASSERT(!r, "creating a %s VM: %s", backend, strerror(-r));
	*vcpu = vm_vcpu_add(vm, 0, code);
	return vm;
}

/* Seconds per round trip. */
static double bench_pio(const char *backend)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm = bench_vm(backend, 0, guest_pio, &vcpu);
	__u64 outs = 0;
	double t0;

	vcpu_args_set(vcpu, 1, PIO_ITERS);
	t0 = now();
	for (;;) {
		vcpu_run_to_exit(vcpu);
		if (vcpu->exit.reason == VMEM_EXIT_IO &&
		    vcpu->exit.io.port == BENCH_PORT) {
			outs++;
			continue;
		}
		break;
	}
	t0 = now() - t0;
	TEST_ASSERT(get_ucall(vcpu, NULL) == UCALL_DONE && outs == PIO_ITERS,
		    "pio guest ended early after %llu exits", outs);
	vm_free(vm);
	return t0 / PIO_ITERS;
}

/* MiB per second populated. */
static double bench_touch(const char *backend)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm;
	__u64 base;
	double t0;

	vm = bench_vm(backend, TOUCH_BYTES + (64ULL << 20), guest_touch, &vcpu);
	base = vm_alloc(vm, TOUCH_BYTES);
	vcpu_args_set(vcpu, 2, base, TOUCH_BYTES / 4096);
	t0 = now();
	TEST_ASSERT(vcpu_run_ucall(vcpu, NULL) == UCALL_DONE, "touch guest");
	t0 = now() - t0;
	vm_free(vm);
	return (TOUCH_BYTES >> 20) / t0;
}

/* Seconds for the loop. */
static double bench_cpu(const char *backend)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_test_vm *vm = bench_vm(backend, 0, guest_cpu, &vcpu);
	double t0;

	vcpu_args_set(vcpu, 1, CPU_ITERS);
	t0 = now();
	TEST_ASSERT(vcpu_run_ucall(vcpu, NULL) == UCALL_SYNC, "cpu guest");
	t0 = now() - t0;
	TEST_ASSERT(vcpu_run_ucall(vcpu, NULL) == UCALL_DONE, "cpu guest");
	vm_free(vm);
	return t0;
}

struct metric {
	const char *name;
	const char *unit;
	double (*run)(const char *backend);
	double scale;
	bool higher_is_better;
};

static const struct metric metrics[] = {
	{ "pio_roundtrip", "us/exit", bench_pio, 1e6, false },
	{ "first_touch_256M", "MiB/s", bench_touch, 1, true },
	{ "cpu_loop", "s", bench_cpu, 1, false },
};

static double best_of(const struct metric *m, const char *backend, int reps)
{
	double best = 0;
	int i;

	for (i = 0; i < reps; i++) {
		double v = m->run(backend) * m->scale;

		if (!i || (m->higher_is_better ? v > best : v < best))
			best = v;
	}
	return best;
}

int main(int argc, char **argv)
{
	const char *which = "both";
	long long share_was;
	int reps = 3, c;
	size_t i;

	while ((c = getopt(argc, argv, "r:b:h")) != -1) {
		switch (c) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 'b':
			which = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-r REPS] [-b vmem|kvm|both]\n",
				argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (reps < 1)
		reps = 1;
	share_was = vmemsysfs_num(SHARE_ENABLED);
	if (share_was > 0)
		vmemsysfs_write_num(SHARE_ENABLED, 0);
	printf("%-18s %-8s %12s %12s %10s\n", "metric", "unit", "vmem", "kvm",
	       "vmem/kvm");
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const struct metric *m = &metrics[i];
		char ratio[16] = "-";
		double v = 0, k = 0;

		if (strcmp(which, "kvm"))
			v = best_of(m, "vmem", reps);
		if (strcmp(which, "vmem"))
			k = best_of(m, "kvm", reps);
		if (v && k)
			snprintf(ratio, sizeof(ratio), "%.2f", v / k);
		printf("%-18s %-8s %12.3f %12.3f %10s\n", m->name, m->unit, v,
		       k, ratio);
		fflush(stdout);
	}
	if (share_was > 0)
		vmemsysfs_write_num(SHARE_ENABLED, share_was);
	return 0;
}
