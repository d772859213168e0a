// SPDX-License-Identifier: GPL-2.0
/*
 * The running half of `vmemctl run`: one thread per vCPU runs it and
 * handles its exits -- the console (console.c), the exit and
 * exception-report ports, HLT, and everything else a bare guest can do to a
 * machine without devices (reads of all ones, ignored writes). The main
 * thread waits for the first vCPU to decide the outcome, a timeout or a
 * signal, then stops every vCPU with vmem_vcpu_request_exit() plus SIGUSR1.
 * rv->lock guards the outcome and the thread ids; stdout is the console's.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmem/vmem.h>

#include "run.h"

static int wake_fd = -1;

/*
 * Decide the outcome (the first decision wins) and stop every vCPU.
 * @guest_exit: the guest chose @status itself (port 0xf4).
 */
static void vstop(struct run_vm *rv, int status, bool guest_exit,
		  const char *fmt, va_list ap)
{
	unsigned int i;
	bool first;

	pthread_mutex_lock(&rv->lock);
	first = !rv->stopping;
	if (first) {
		rv->stopping = true;
		rv->status = status;
		rv->guest_exit = guest_exit;
		vsnprintf(rv->msg, sizeof(rv->msg), fmt, ap);
		for (i = 0; i < rv->o->cpus; i++) {
			vmem_vcpu_request_exit(rv->threads[i].vcpu);
			if (rv->threads[i].tid)
				pthread_kill(rv->threads[i].tid, SIGUSR1);
		}
	}
	pthread_mutex_unlock(&rv->lock);
	if (first && write(rv->wake[1], "S", 1) < 0)
		perror("vmemctl: wake");
}

static void stop(struct run_vm *rv, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstop(rv, status, false, fmt, ap);
	va_end(ap);
}

static void guest_exit(struct run_vm *rv, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstop(rv, status, true, fmt, ap);
	va_end(ap);
}

static bool stopping(struct run_vm *rv)
{
	bool s;

	pthread_mutex_lock(&rv->lock);
	s = rv->stopping;
	pthread_mutex_unlock(&rv->lock);
	return s;
}

static const char *vector_name(__u64 v)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
		"vector 9", "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15",
		"#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "interrupt";
}

static __u32 io_value(const struct vmem_exit *e)
{
	__u32 v = 0;

	memcpy(&v, e->io.data, e->io.size <= 4 ? e->io.size : 4);
	return v;
}

static void handle_exception_report(struct vcpu_thread *t)
{
	struct vmem_regs r;
	char cr2[32] = "";

	if (vmem_vcpu_get_regs(t->vcpu, &r)) {
		stop(t->rv, EXIT_CRASHED, "vCPU %u: unhandled exception",
		     t->vcpu->id);
		return;
	}
	if (r.rdi == PF_VECTOR)
		snprintf(cr2, sizeof(cr2), ", CR2 0x%llx",
			 (unsigned long long)r.rcx);
	stop(t->rv, EXIT_CRASHED,
	     "vCPU %u: unhandled exception %s (vector %llu) at RIP 0x%llx, error code 0x%llx%s",
	     t->vcpu->id, vector_name(r.rdi), (unsigned long long)r.rdi,
	     (unsigned long long)r.rdx, (unsigned long long)r.rsi, cr2);
}

static void handle_pio(struct vcpu_thread *t, struct vmem_exit *e)
{
	struct run_vm *rv = t->rv;
	bool out = e->io.direction == VMEM_EXIT_IO_OUT;

	if (console_pio(&rv->con, e))
		return;
	if (out && e->io.port == VMEM_PORT_EXIT) {
		__u32 v = io_value(e);

		guest_exit(rv, v & 0xff, "guest exited with status %u (0x%x written to port 0x%x)",
			   v & 0xff, v, VMEM_PORT_EXIT);
		return;
	}
	if (out && e->io.port == VMEM_PORT_EXCEPTION) {
		handle_exception_report(t);
		return;
	}
	if (out && e->io.port == VMEM_PORT_SLEEP) {
		usleep((useconds_t)io_value(e) * 1000);
		return;
	}
	t->pio_ignored++;
	if (!out)
		memset(e->io.data, 0xff, (size_t)e->io.size * e->io.count);
	if (rv->o->verbose)
		vmemctl_err("vCPU %u: %s port 0x%x, size %u%s%s ignored",
			    t->vcpu->id, out ? "out to" : "in from", e->io.port,
			    e->io.size, e->io.count > 1 ? ", string" : "",
			    out ? "," : " (all ones),");
}

static void handle_mmio(struct vcpu_thread *t, struct vmem_exit *e)
{
	t->mmio_ignored++;
	if (!e->mmio.is_write)
		memset(e->mmio.data, 0xff, e->mmio.len <= 8 ? e->mmio.len : 8);
	if (t->rv->o->verbose)
		vmemctl_err("vCPU %u: %s of %u bytes at 0x%llx, beyond guest memory, ignored",
			    t->vcpu->id, e->mmio.is_write ? "write" : "read",
			    e->mmio.len, (unsigned long long)e->mmio.gpa);
}

/* The vCPU stops for good: nothing will ever interrupt its HLT. */
static void handle_hlt(struct vcpu_thread *t)
{
	struct run_vm *rv = t->rv;
	struct vmem_regs r;
	bool all, irq_on = false;

	if (!vmem_vcpu_get_regs(t->vcpu, &r))
		irq_on = r.rflags & X86_RFLAGS_IF;
	if (irq_on && rv->o->verbose)
		vmemctl_err("vCPU %u: HLT with interrupts enabled at RIP 0x%llx; no interrupt will come",
			    t->vcpu->id, (unsigned long long)r.rip);
	pthread_mutex_lock(&rv->lock);
	all = ++rv->halted == rv->o->cpus;
	pthread_mutex_unlock(&rv->lock);
	if (all)
		stop(rv, 0, "halted");
}

static void report_internal(struct vcpu_thread *t, const struct vmem_exit *e)
{
	static const char *const why[] = {
		[VMEM_INTERNAL_ERROR_EMULATION] = "instruction could not be emulated",
		[VMEM_INTERNAL_ERROR_SLPT] = "bad second-level page table entry",
		[VMEM_INTERNAL_ERROR_NOMEM] = "no memory for a guest page",
		[VMEM_INTERNAL_ERROR_UNHANDLED_EXIT] = "exit the hypervisor does not handle",
		[VMEM_INTERNAL_ERROR_DELIVERY] = "event delivery faulted",
	};
	const char *w = e->internal.suberror < sizeof(why) / sizeof(why[0]) &&
			why[e->internal.suberror] ? why[e->internal.suberror] :
			"unknown";
	char data[256] = "";
	unsigned int i;
	int n = 0;

	for (i = 0; i < e->internal.ndata && n < (int)sizeof(data) - 20; i++)
		n += snprintf(data + n, sizeof(data) - n, " 0x%llx",
			      (unsigned long long)e->internal.data[i]);
	stop(t->rv, EXIT_HV_FAILED,
	     "vCPU %u: internal error: %s (suberror %u)%s%s",
	     t->vcpu->id, w, e->internal.raw_suberror,
	     *data ? ", data:" : "", data);
}

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct run_vm *rv = t->rv;
	unsigned int id = t->vcpu->id;
	struct vmem_exit e;
	int r;

	while (!stopping(rv)) {
		r = vmem_vcpu_run(t->vcpu, &e);
		if (r == -ENOTTY) {
			stop(rv, EXIT_ERROR, "the %s backend cannot run vCPUs (RUN: %s)",
			     rv->vm->ops->name, strerror(-r));
			break;
		}
		if (r) {
			stop(rv, EXIT_HV_FAILED, "vCPU %u: RUN failed: %s", id,
			     strerror(-r));
			break;
		}
		t->exits++;
		switch (e.reason) {
		case VMEM_EXIT_IO:
			handle_pio(t, &e);
			break;
		case VMEM_EXIT_MMIO:
			handle_mmio(t, &e);
			break;
		case VMEM_EXIT_HLT:
			handle_hlt(t);
			return NULL;
		case VMEM_EXIT_SHUTDOWN:
			/* No RIP: the state after a shutdown is undefined. */
			stop(rv, EXIT_CRASHED, "vCPU %u: triple fault (shutdown)",
			     id);
			break;
		case VMEM_EXIT_FAIL_ENTRY:
			stop(rv, EXIT_HV_FAILED,
			     "vCPU %u: the CPU refused to enter the guest: hardware reason 0x%llx on host CPU %u",
			     id, (unsigned long long)e.fail_entry.reason,
			     e.fail_entry.cpu);
			break;
		case VMEM_EXIT_INTERNAL_ERROR:
			report_internal(t, &e);
			break;
		case VMEM_EXIT_HYPERCALL:
			*e.hypercall.ret = (__u64)-ENOSYS;
			if (rv->o->verbose)
				vmemctl_err("vCPU %u: hypercall %llu: -ENOSYS",
					    id, (unsigned long long)e.hypercall.nr);
			break;
		case VMEM_EXIT_INTR:
			break;
		default:
			stop(rv, EXIT_HV_FAILED,
			     "vCPU %u: unexpected exit %u from the %s backend",
			     id, e.raw_reason, rv->vm->ops->name);
		}
	}
	return NULL;
}

static void on_kick(int sig)
{
}

static void on_terminate(int sig)
{
	char c = sig == SIGINT ? 'I' : 'T';

	if (write(wake_fd, &c, 1) < 0)
		return;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_kick;	/* no SA_RESTART: RUN must return */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -errno;
	sa.sa_handler = on_terminate;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

/* Wait for the outcome, a signal or the timeout. */
static void wait_for_outcome(struct run_vm *rv)
{
	struct timespec now, end;
	struct pollfd pfd = { .fd = rv->wake[0], .events = POLLIN };
	char c;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += rv->o->timeout;
	for (;;) {
		long ms = -1;

		if (rv->o->timeout) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000;
			if (ms <= 0) {
				stop(rv, EXIT_TIMEOUT, "timeout after %llu s",
				     (unsigned long long)rv->o->timeout);
				return;
			}
		}
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if (read(rv->wake[0], &c, 1) != 1)
			continue;
		if (c == 'I')
			stop(rv, 128 + SIGINT, "interrupted");
		else if (c == 'T')
			stop(rv, 128 + SIGTERM, "terminated");
		if (stopping(rv))
			return;
	}
}

/**
 * run_vcpus() - run every vCPU on its own thread until the outcome is
 * decided; rv->status and rv->msg then say what it is.
 * @rv: a prepared run.
 *
 * Return: 0, or -1 if signal handlers could not be installed.
 */
int run_vcpus(struct run_vm *rv)
{
	unsigned int i;
	int r;

	wake_fd = rv->wake[1];
	r = install_signals();
	if (r) {
		vmemctl_err("signals: %s", strerror(-r));
		return -1;
	}
	/* Under the lock, so that stop() sees every thread id or none. */
	pthread_mutex_lock(&rv->lock);
	for (i = 0; i < rv->o->cpus; i++) {
		r = pthread_create(&rv->threads[i].tid, NULL, vcpu_thread_fn,
				   &rv->threads[i]);
		if (r) {
			rv->threads[i].tid = 0;
			break;
		}
	}
	pthread_mutex_unlock(&rv->lock);
	if (r)
		stop(rv, EXIT_ERROR, "starting vCPU thread %u: %s", i,
		     strerror(r));
	wait_for_outcome(rv);
	for (i = 0; i < rv->o->cpus; i++)
		if (rv->threads[i].tid)
			pthread_join(rv->threads[i].tid, NULL);
	return 0;
}
