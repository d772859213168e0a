// SPDX-License-Identifier: GPL-2.0
/*
 * Running a vCPU on a thread of its own until the guest is done: what
 * tests with several vCPUs or VMs at once need (host side).
 */
#include <pthread.h>

#include "vmem_test.h"

static void *vcpu_runner_main(void *arg)
{
	struct vcpu_runner *rn = arg;
	struct ucall uc;
	__u64 cmd;

	for (;;) {
		if (__vcpu_run_to_exit(rn->vcpu) ||
		    rn->vcpu->exit.reason != VMEM_EXIT_IO) {
			vcpu_exit_describe(rn->vcpu, rn->why, sizeof(rn->why));
			break;
		}
		cmd = get_ucall(rn->vcpu, &uc);
		if (cmd == UCALL_SYNC) {
			rn->syncs++;
			if (rn->on_sync)
				rn->on_sync(rn);
			continue;
		}
		if (cmd == UCALL_DONE)
			rn->ok = 1;
		else
			ucall_format(&uc, rn->why, sizeof(rn->why));
		break;
	}
	__atomic_store_n(&rn->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/**
 * vcpu_runner_start() - run @rn->vcpu on a new thread until GUEST_DONE, a
 * guest failure or any exit other than a ucall.
 * @rn: the runner; @vcpu (and @on_sync) set, the rest zero.
 *
 * Return: 0 or an errno from pthread_create().
 */
int vcpu_runner_start(struct vcpu_runner *rn)
{
	return pthread_create(&rn->thread, NULL, vcpu_runner_main, rn);
}

/**
 * vcpu_runner_join() - wait for the runner's thread; then @ok tells whether
 * the guest reached GUEST_DONE and @why what happened otherwise.
 * @rn: a started runner.
 */
void vcpu_runner_join(struct vcpu_runner *rn)
{
	pthread_join(rn->thread, NULL);
}

/**
 * vcpu_runner_done() - has the runner's guest finished (either way)?
 * @rn: a started runner.
 */
bool vcpu_runner_done(struct vcpu_runner *rn)
{
	return __atomic_load_n(&rn->done, __ATOMIC_ACQUIRE);
}
