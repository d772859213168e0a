// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs and several VMs at once: four vCPUs writing and checking
 * memory while the host keeps tearing down their second-level mappings (the
 * flush primitive under load), and sixteen VMs running concurrently.
 */
#include <pthread.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vmem_test.h"
#include "vmem_util.h"

#define PAGE		4096ULL
#define NR_VCPUS	4
#define VCPU_PAGES	64
#define MIN_DROPS	200
#define MIN_ROUNDS	5

static __u64 region;
static volatile __u64 stop_writers;

/*
 * Each vCPU owns VCPU_PAGES pages; every round it rewrites and checks them,
 * until the host has torn down the mappings MIN_DROPS times, every vCPU has
 * done MIN_ROUNDS rounds, and the host says stop.
 */
static void guest_writer(__u64 id)
{
	__u64 base = region + id * VCPU_PAGES * PAGE, r, i;

	for (r = 1; !stop_writers; r++) {
		for (i = 0; i < VCPU_PAGES; i++) {
			volatile __u64 *p = (volatile __u64 *)(base + i * PAGE);

			p[0] = (r << 32) | (id << 16) | i;
			p[511] = ~p[0];
		}
		for (i = 0; i < VCPU_PAGES; i++) {
			volatile __u64 *p = (volatile __u64 *)(base + i * PAGE);

			GUEST_ASSERT_EQ(p[0], (r << 32) | (id << 16) | i);
			GUEST_ASSERT_EQ(p[511], ~((r << 32) | (id << 16) | i));
		}
		GUEST_SYNC(r);
	}
	GUEST_DONE();
}

TEST(smp_flush_hammered_while_four_vcpus_write)
{
	struct vcpu_runner rn[NR_VCPUS];
	struct vmem_test_vm *vm;
	struct vmem_vm_stats st;
	unsigned long drops = 0;
	bool stopped = false;
	int i, running;

	vm = vm_create(64 << 20, 0);
	region = vm_alloc(vm, NR_VCPUS * VCPU_PAGES * PAGE);
	sync_global_to_guest(vm, region);
	memset(rn, 0, sizeof(rn));
	for (i = 0; i < NR_VCPUS; i++) {
		rn[i].vcpu = vm_vcpu_add(vm, i, guest_writer);
		vcpu_args_set(rn[i].vcpu, 1, (__u64)i);
	}
	for (i = 0; i < NR_VCPUS; i++)
		ASSERT_EQ(0, vcpu_runner_start(&rn[i]));
	do {
		unsigned int slow = 0;

		ASSERT_EQ(0, vmemio_drop_mappings(vm->vm->fd));
		drops++;
		for (i = 0; i < NR_VCPUS; i++)
			slow += __atomic_load_n(&rn[i].syncs, __ATOMIC_RELAXED) <
				MIN_ROUNDS;
		if (drops >= MIN_DROPS && !slow && !stopped) {
			__u64 one = 1;

			vm_write_guest(vm, (__u64)(unsigned long)&stop_writers,
				       &one, sizeof(one));
			stopped = true;
		}
		running = 0;
		for (i = 0; i < NR_VCPUS; i++)
			running += !vcpu_runner_done(&rn[i]);
	} while (running);
	for (i = 0; i < NR_VCPUS; i++) {
		vcpu_runner_join(&rn[i]);
		EXPECT_TRUE(rn[i].ok) TH_LOG("vCPU %d: %s", i, rn[i].why);
	}
	ASSERT_EQ(0, vmemio_get_vm_stats(vm->vm->fd, &st));
	TH_LOG("%lu drops while running; %llu second-level faults",
	       drops, st.npt_faults);
	EXPECT_LE(MIN_DROPS, drops);
	EXPECT_LT(NR_VCPUS * VCPU_PAGES, st.npt_faults);
	vm_free(vm);
}

#define NR_VMS	16

static void guest_count(__u64 n)
{
	__u64 i, sum = 0;

	for (i = 1; i <= n; i++) {
		sum += i;
		if (!(i % 1000))
			GUEST_SYNC(i);
	}
	GUEST_ASSERT_EQ(sum, n * (n + 1) / 2);
	GUEST_DONE();
}

TEST(smp_sixteen_vms_at_once)
{
	struct vmem_test_vcpu *vcpu[NR_VMS];
	struct vmem_test_vm *vm[NR_VMS];
	struct vcpu_runner rn[NR_VMS];
	int i;

	memset(rn, 0, sizeof(rn));
	for (i = 0; i < NR_VMS; i++) {
		struct vm_params p = { .mem_size = 16 << 20 };

		ASSERT_EQ(0, __vm_create(&p, &vm[i]));
		vcpu[i] = vm_vcpu_add(vm[i], 0, guest_count);
		vcpu_args_set(vcpu[i], 1, (__u64)20000);
		rn[i].vcpu = vcpu[i];
	}
	EXPECT_EQ(NR_VMS, vmemsysfs_num("nr_vms"));
	for (i = 0; i < NR_VMS; i++)
		ASSERT_EQ(0, vcpu_runner_start(&rn[i]));
	for (i = 0; i < NR_VMS; i++) {
		vcpu_runner_join(&rn[i]);
		EXPECT_TRUE(rn[i].ok) TH_LOG("VM %d: %s", i, rn[i].why);
	}
	for (i = 0; i < NR_VMS; i++)
		vm_free(vm[i]);
	EXPECT_EQ(0, vmemsysfs_num("nr_vms"));
}

TEST_HARNESS_MAIN
