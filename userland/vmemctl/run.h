/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State shared by the two halves of `vmemctl run`: run.c (options, checks,
 * VM setup, the report) and run_vcpu.c (vCPU threads and exit handling).
 */
#ifndef VMEMCTL_RUN_H
#define VMEMCTL_RUN_H

#include <pthread.h>
#include <stdbool.h>

#include <vmem/backend.h>

#include "vmemctl.h"

/* Exit statuses besides the guest's own (see usage()). */
#define EXIT_ERROR	1
#define EXIT_CRASHED	2
#define EXIT_HV_FAILED	3
#define EXIT_TIMEOUT	124

/**
 * struct run_opts - the command line of `vmemctl run`.
 * @mem:	--mem, bytes.
 * @min:	--min, bytes.
 * @salt:	--salt.
 * @shares:	--shares, 0 for the default.
 * @cpus:	--cpus.
 * @timeout:	--timeout, seconds, 0 for none.
 * @name:	--name or NULL.
 * @backend:	--backend, "vmem" or "kvm".
 * @image:	the image file.
 * @format:	--format, a VMEM_IMAGE_* value.
 * @verbose:	--verbose.
 * @stats:	--stats.
 */
struct run_opts {
	__u64 mem, min, salt, shares;
	__u64 cpus, timeout;
	const char *name, *backend, *image;
	int format;
	bool verbose;
	bool stats;
};

struct run_vm;

/**
 * struct vcpu_thread - one vCPU and the thread that runs it.
 * @rv:		the run.
 * @vcpu:	the vCPU.
 * @tid:	its thread.
 * @exits:	exits handled.
 * @pio_ignored: port I/O to no device.
 * @mmio_ignored: accesses beyond guest memory.
 */
struct vcpu_thread {
	struct run_vm *rv;
	struct vmem_vcpu *vcpu;
	pthread_t tid;
	__u64 exits, pio_ignored, mmio_ignored;
};

/**
 * struct run_vm - state shared by the threads of one run.
 * @o:		options.
 * @vm:		the VM.
 * @con:	the console.
 * @lock:	guards @stopping, @status, @msg and @halted.
 * @stopping:	the outcome is decided; vCPU threads leave their loops.
 * @status:	exit status of vmemctl.
 * @msg:	what to tell the user.
 * @guest_exit:	the guest chose @status through port 0xf4 (then @msg is
 *		shown only with --verbose).
 * @halted:	vCPUs that executed HLT for good.
 * @wake:	pipe that wakes the main thread (stop or signal).
 * @threads:	one per vCPU.
 */
struct run_vm {
	const struct run_opts *o;
	struct vmem_vm *vm;
	struct console con;
	pthread_mutex_t lock;
	bool stopping;
	int status;
	char msg[512];
	bool guest_exit;
	unsigned int halted;
	int wake[2];
	struct vcpu_thread threads[VMEM_MAX_VCPUS];
};

int run_vcpus(struct run_vm *rv);

#endif /* VMEMCTL_RUN_H */
