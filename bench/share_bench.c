// SPDX-License-Identifier: GPL-2.0
/*
 * share_bench - vmem's page-sharing scanner against KVM + KSM, in one run.
 *
 * N VMs (default N = 1, 2, 4, 8) run the same guest. Each fills its memory
 * with three regions: half identical in every VM (content a function of
 * the page's address), a quarter unique to the VM (seeded with its index),
 * a quarter written with zeros; then it loops, doing a fixed amount of
 * register-only work between two GUEST_SYNCs, so the host counts work
 * units per second.
 *
 * For each N, vmem then KVM (interleaved, so both see the same machine):
 * fill with the scanner off and measure the baseline; turn the scanner on
 * and sample, every quarter second, the memory saved, the scanner thread's
 * CPU time, the guests' CPU time and their work, until the saving is
 * stable or a time cap; turn it off and measure the baseline again.
 *
 *   vmem   share/scan_rate = share/vm_scan_rate = R (one VM may use the
 *          whole rate, as with KSM, which has no per-VM limit); saving =
 *          share/bytes_saved; scanner = the "vmem-share" kthread.
 *   kvm    guest memory madvise(MADV_MERGEABLE); ksmd with
 *          sleep_millisecs = 20 and pages_to_scan = R * 20 / 1000 (vmem's
 *          tick is 20 ms too); use_zero_pages = 0; saving = pages_sharing;
 *          scanner = "ksmd". Transparent huge pages are off for this
 *          process, so both scanners work on 4 KiB pages.
 *
 * Everything (this process, its vCPU threads, the scanner thread) runs on
 * one CPU (-C), the vCPU threads at nice 19: the scanner gets the CPU
 * when it wants it, as on a host with a core to spare, and what it takes
 * is what the guests lose. On one CPU a flush needs no cross-CPU
 * interrupt; under emulation on a busy host those cost the host's
 * scheduling latency (milliseconds), which would swamp both scanners.
 *
 * CPU times are sum_exec_runtime (/proc/PID/schedstat, nanoseconds;
 * utime + stime is printed as a check). Then the cost of scanning one page
 * in steady state (scan_cost_us()): scanner CPU time per page examined in
 * one VM of unique pages only (nothing to merge), against the raw cost of
 * hashing a page with XXH64 (libxxhash; the kernel's xxh64 is the same
 * algorithm), the floor.
 *
 * Output: comment lines, "ts,..." lines (time series, CSV), a table,
 * "run,..." lines (CSV, one per backend and N) and the cost lines.
 * bench/share_plot.sh turns them into a CSV file and a PNG.
 *
 * Usage: share_bench [-b vmem|kvm|both] [-n 1,2,4,8 | -n -] [-r PAGES_PER_S]
 *                    [-m DATA_MIB_PER_VM] [-k ITERS] [-c CAP_S] [-w BASE_S]
 *                    [-C CPU | -C -1]
 *   -n -   no runs, only the cost of scanning one page
 *   -C -1  no pinning
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include <vmem/sysfs.h>

#include "vmem_test.h"

#define PAGE		4096ULL
#define MAX_VMS		16
#define MAX_SAMPLES	2048
#define SAMPLE_S	0.25
#define SYNC_FILLED	0xf111edULL
#define SYNC_WORK	0x77ULL
#define TAG_IDENT	1ULL
#define TAG_UNIQUE	2ULL		/* + the VM's index */
#define KSM_SYSFS	"/sys/kernel/mm/ksm/"
#define SHARE_SYSFS	"share/"		/* under vmem's sysfs root */

/* ---- guest ---- */

/* Word @w of a page tagged @tag, number @i: distinct for every (tag, i). */
static inline __u64 page_word(__u64 tag, __u64 i, __u64 w)
{
	return (tag << 48) ^ (i * 0x9e3779b97f4a7c15ULL) ^
	       (w * 0xc2b2ae3d27d4eb4fULL);
}

static void fill(__u64 base, __u64 pages, __u64 tag, bool zero)
{
	__u64 i, w;

	for (i = 0; i < pages; i++) {
		volatile __u64 *p = (volatile __u64 *)(base + i * PAGE);

		for (w = 0; w < PAGE / 8; w++)
			p[w] = zero ? 0 : page_word(tag, i, w);
	}
}

/*
 * Fill [base, +ident) identical, then unique, then zero pages; report;
 * then work: @iters rounds of xorshift64 in registers per GUEST_SYNC.
 */
static void guest_share(__u64 base, __u64 ident, __u64 uniq, __u64 zero,
			__u64 index, __u64 iters)
{
	__u64 x = 88172645463325252ULL + index, i;

	fill(base, ident, TAG_IDENT, false);
	fill(base + ident * PAGE, uniq, TAG_UNIQUE + index, false);
	fill(base + (ident + uniq) * PAGE, zero, 0, true);
	GUEST_SYNC(SYNC_FILLED);
	for (;;) {
		for (i = 0; i < iters; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			asm volatile("" : "+r"(x));
		}
		GUEST_SYNC(SYNC_WORK);
	}
}

/* ---- host: configuration and helpers ---- */

static struct {
	unsigned int rate;		/* R, pages per second */
	__u64 data_mib;			/* per VM: identical + unique + zero */
	__u64 iters;			/* guest work per sync */
	double cap_s;			/* longest scanning window */
	double base_s;			/* each baseline */
	int cpu;			/* everything on this CPU; -1: no */
} cfg = { 20000, 32, 2000000, 120, 3, 0 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	double d = t - now();

	if (d > 0)
		usleep((useconds_t)(d * 1e6));
}

/* Knobs and counters: vmem's (SHARE_SYSFS) or KSM's (KSM_SYSFS). */
static long long knob(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	return vmemsysfs_num(path);
}

static void set_knob(const char *dir, const char *name, long long v)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	r = vmemsysfs_write_num(path, v);
	TEST_ASSERT(!r, "writing %lld to %s: %s", v, path, strerror(-r));
}

/* The pid of the kernel thread named @comm, or -1. */
static int find_thread(const char *comm)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pid = -1;

	if (!d)
		return -1;
	while (pid < 0 && (e = readdir(d))) {
		char path[300], name[64] = "";
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = '\0';
			if (!strcmp(name, comm))
				pid = atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return pid;
}

/* Run @pid (0: this process, and the threads it creates) on cfg.cpu. */
static void pin(int pid)
{
	cpu_set_t set;

	if (cfg.cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cfg.cpu, &set);
	TEST_ASSERT(!sched_setaffinity(pid, sizeof(set), &set),
		    "pinning %d to CPU %d: %s", pid, cfg.cpu, strerror(errno));
}

/* CPU time of @pid in seconds: sum_exec_runtime, and utime + stime. */
static double thread_cpu(int pid, double *ticks_s)
{
	char path[64], buf[1024], *p;
	unsigned long long ns = 0, ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	if (ticks_s) {
		*ticks_s = 0;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f)) {
			/* Fields 14 and 15, counted after the ")" of comm. */
			p = strrchr(buf, ')');
			for (i = 2; p && i < 14; i++)
				p = strchr(p + 1, ' ');
			if (p && sscanf(p + 1, "%llu %llu", &ut, &st) == 2)
				*ticks_s = (double)(ut + st) /
					   sysconf(_SC_CLK_TCK);
		}
		if (f)
			fclose(f);
	}
	return ns / 1e9;
}

/* ---- the backends' scanners ---- */

/* @saved: the knobs as found, put back by scanner_restore(). */
struct scanner {
	const char *backend;
	const char *thread;
	int pid;
	const char *dir;
	const char *const *knobs;
	long long saved[4];
	cpu_set_t affinity;
};

static const char *const vmem_knobs[] = {
	"enabled", "scan_rate", "vm_scan_rate", NULL
};
static const char *const ksm_knobs[] = {
	"run", "sleep_millisecs", "pages_to_scan", "use_zero_pages", NULL
};

static void scanner_setup(struct scanner *s)
{
	bool vmem = !strcmp(s->backend, "vmem");
	int i;

	s->dir = vmem ? SHARE_SYSFS : KSM_SYSFS;
	s->knobs = vmem ? vmem_knobs : ksm_knobs;
	for (i = 0; s->knobs[i]; i++)
		s->saved[i] = knob(s->dir, s->knobs[i]);
	if (vmem) {
		s->thread = "vmem-share";
		set_knob(SHARE_SYSFS, "enabled", 0);
		set_knob(SHARE_SYSFS, "scan_rate", cfg.rate);
		set_knob(SHARE_SYSFS, "vm_scan_rate", cfg.rate);
	} else {
		s->thread = "ksmd";
		set_knob(KSM_SYSFS, "run", 2);	/* unmerge all, stop */
		set_knob(KSM_SYSFS, "sleep_millisecs", 20);
		set_knob(KSM_SYSFS, "pages_to_scan", cfg.rate * 20 / 1000);
		set_knob(KSM_SYSFS, "use_zero_pages", 0);
	}
	s->pid = find_thread(s->thread);
	TEST_ASSERT(s->pid > 0, "no kernel thread named %s", s->thread);
	TEST_ASSERT(!sched_getaffinity(s->pid, sizeof(s->affinity),
				       &s->affinity), "sched_getaffinity: %s",
		    strerror(errno));
	pin(s->pid);
}

/* Put the knobs and the thread's CPUs back as they were. */
static void scanner_restore(struct scanner *s)
{
	int i = 0;

	while (s->knobs[i])
		i++;
	/* In reverse: "run" or "enabled" last, once the rates are back. */
	while (i--)
		if (s->saved[i] >= 0)
			set_knob(s->dir, s->knobs[i], s->saved[i]);
	sched_setaffinity(s->pid, sizeof(s->affinity), &s->affinity);
}

static void scanner_on(struct scanner *s, bool on)
{
	if (!strcmp(s->backend, "vmem"))
		set_knob(SHARE_SYSFS, "enabled", on);
	else
		set_knob(KSM_SYSFS, "run", on);
}

/* Bytes of memory the scanner saves right now. */
static double scanner_saved(struct scanner *s)
{
	if (!strcmp(s->backend, "vmem"))
		return knob(SHARE_SYSFS, "bytes_saved");
	return knob(KSM_SYSFS, "pages_sharing") * (double)PAGE;
}

static long long scanner_full_scans(struct scanner *s)
{
	return knob(strcmp(s->backend, "vmem") ? KSM_SYSFS : SHARE_SYSFS,
		    "full_scans");
}

/* ---- VMs ---- */

struct runner {
	struct vmem_test_vm *vm;
	struct vmem_test_vcpu *vcpu;
	pthread_t thread;
	int tid;
	int filled;		/* atomics */
	__u64 work;
	int failed;
	char why[256];
};

/* N VMs of the same guest, each on its own thread. */
struct fleet {
	struct scanner *sc;
	int n;
	__u64 ident, uniq, zero;	/* pages per VM */
	struct runner rn[MAX_VMS];
};

static int stop_runners;

static void *runner_fn(void *arg)
{
	struct runner *rn = arg;
	struct ucall uc;
	__u64 cmd;

	/*
	 * Below both scanners (ksmd runs at nice 5, vmem-share at 0): the
	 * guests only get what the scanner leaves, so each scanner can
	 * keep its configured rate and its cost shows as lost throughput.
	 */
	setpriority(PRIO_PROCESS, gettid(), 19);
	__atomic_store_n(&rn->tid, gettid(), __ATOMIC_RELAXED);
	while (!__atomic_load_n(&stop_runners, __ATOMIC_RELAXED)) {
		int r = __vcpu_run_to_exit(rn->vcpu);

		if (r || rn->vcpu->exit.reason != VMEM_EXIT_IO) {
			if (r)
				snprintf(rn->why, sizeof(rn->why), "RUN: %s",
					 strerror(-r));
			else
				vcpu_exit_describe(rn->vcpu, rn->why,
						   sizeof(rn->why));
			__atomic_store_n(&rn->failed, 1, __ATOMIC_RELEASE);
			break;
		}
		cmd = get_ucall(rn->vcpu, &uc);
		if (cmd == UCALL_SYNC && uc.args[0] == SYNC_WORK) {
			__atomic_add_fetch(&rn->work, 1, __ATOMIC_RELAXED);
		} else if (cmd == UCALL_SYNC && uc.args[0] == SYNC_FILLED) {
			__atomic_store_n(&rn->filled, 1, __ATOMIC_RELEASE);
		} else {
			ucall_format(&uc, rn->why, sizeof(rn->why));
			__atomic_store_n(&rn->failed, 1, __ATOMIC_RELEASE);
			break;
		}
	}
	return NULL;
}

static __u64 total_work(struct fleet *f)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < f->n; i++) {
		struct runner *rn = &f->rn[i];

		TEST_ASSERT(!__atomic_load_n(&rn->failed, __ATOMIC_ACQUIRE),
			    "%s VM %d: %s", f->sc->backend, i, rn->why);
		sum += __atomic_load_n(&rn->work, __ATOMIC_RELAXED);
	}
	return sum;
}

/* CPU seconds the VMs' threads have had (sandbox accounting). */
static double guest_cpu(struct fleet *f)
{
	double sum = 0;
	int i;

	for (i = 0; i < f->n; i++)
		sum += thread_cpu(f->rn[i].tid, NULL);
	return sum;
}

/*
 * Over @secs from now: work units per second, and the share of the CPU
 * the VMs' threads had (*share). Reads the same counters at the same pace
 * as the scanning loop, so that both disturb the guests alike.
 */
static double throughput(struct fleet *f, double secs, double *share)
{
	__u64 w0 = total_work(f);
	double c0 = guest_cpu(f), t0 = now(), t;
	int i;

	for (i = 1; i * SAMPLE_S <= secs; i++) {
		sleep_until(t0 + i * SAMPLE_S);
		scanner_saved(f->sc);
		thread_cpu(f->sc->pid, NULL);
		guest_cpu(f);
		total_work(f);
	}
	t = now() - t0;
	*share = (guest_cpu(f) - c0) / t;
	return (total_work(f) - w0) / t;
}

/* The end of this binary, i.e. of the guest image (GVA == link address). */
extern char _end[];

/* Create the VMs, start their vCPUs and wait until all are filled. */
static void fleet_start(struct fleet *f)
{
	__u64 data = (f->ident + f->uniq + f->zero) * PAGE;
	bool kvm = strcmp(f->sc->backend, "vmem");
	double t0;
	int i;

	stop_runners = 0;
	for (i = 0; i < f->n; i++) {
		struct runner *rn = &f->rn[i];
		/* The image, then the data: nothing left untouched above. */
		struct vm_params p = {
			.backend = f->sc->backend,
			.mem_size = (((unsigned long)_end + 0xfff) & ~0xfffULL) +
				    data,
		};
		__u64 base;
		int r = __vm_create(&p, &rn->vm);

		TEST_ASSERT(!r, "creating %s VM %d: %s", f->sc->backend, i,
			    strerror(-r));
		if (kvm)
			TEST_ASSERT(!madvise(rn->vm->vm->mem, p.mem_size,
					     MADV_MERGEABLE),
				    "MADV_MERGEABLE: %s", strerror(errno));
		base = vm_alloc(rn->vm, data);
		rn->vcpu = vm_vcpu_add(rn->vm, 0, guest_share);
		vcpu_args_set(rn->vcpu, 6, base, f->ident, f->uniq, f->zero,
			      (__u64)i, cfg.iters);
	}
	for (i = 0; i < f->n; i++)
		TEST_ASSERT(!pthread_create(&f->rn[i].thread, NULL, runner_fn,
					    &f->rn[i]), "pthread_create");
	t0 = now();
	for (i = 0; i < f->n; i++) {
		while (!__atomic_load_n(&f->rn[i].filled, __ATOMIC_ACQUIRE) ||
		       !__atomic_load_n(&f->rn[i].tid, __ATOMIC_RELAXED)) {
			total_work(f);	/* asserts on failures */
			TEST_ASSERT(now() - t0 < 600, "VM %d never filled", i);
			usleep(10000);
		}
	}
	printf("# %s N=%d: filled %d x %.0f MiB in %.1f s\n", f->sc->backend,
	       f->n, f->n, data / 1048576.0, now() - t0);
}

/* Stop and destroy the VMs, and leave no sharing state behind. */
static void fleet_stop(struct fleet *f)
{
	struct scanner *sc = f->sc;
	double t0;
	int i;

	scanner_on(sc, false);
	__atomic_store_n(&stop_runners, 1, __ATOMIC_RELAXED);
	for (i = 0; i < f->n; i++)
		pthread_join(f->rn[i].thread, NULL);
	for (i = 0; i < f->n; i++)
		vm_free(f->rn[i].vm);
	if (strcmp(sc->backend, "vmem"))
		set_knob(KSM_SYSFS, "run", 2);	/* drop KSM's rmap items */
	t0 = now();
	while (scanner_saved(sc) > 0 && now() - t0 < 10)
		usleep(10000);
	TEST_ASSERT(scanner_saved(sc) == 0,
		    "%s: %.0f bytes still saved after teardown", sc->backend,
		    scanner_saved(sc));
	memset(f->rn, 0, sizeof(f->rn));
}

/* Guest pages present in host memory (kvm: all of them are KSM's to scan). */
static __u64 resident_pages(struct fleet *f)
{
	static unsigned char vec[1 << 16];
	__u64 pages = 0, i, len;
	int v;

	for (v = 0; v < f->n; v++) {
		struct vmem_vm *vm = f->rn[v].vm->vm;

		len = vm->mem_size / PAGE;
		TEST_ASSERT(len <= sizeof(vec), "VM too large for mincore()");
		TEST_ASSERT(!mincore(vm->mem, vm->mem_size, vec), "mincore: %s",
			    strerror(errno));
		for (i = 0; i < len; i++)
			pages += vec[i] & 1;
	}
	return pages;
}

/* ---- one (backend, N) run ---- */

struct sample {
	double t, saved, cpu, guest;
	__u64 work;
};

/*
 * @base, @scan:		work/s without (mean of before and after) and while
 *				scanning; @spread: how far apart before and
 *				after were, relative to their mean
 * @base_share, @scan_share:	the VMs' share of the CPU, likewise
 */
struct result {
	const char *backend;
	int n;
	double ideal, saved, t50, t90, t_end, cpu, cpu90;
	double base, spread, scan, base_share, scan_share, pages_scanned;
};

/* When @frac of the final saving was first reached, and CPU until then. */
static double time_to(const struct sample *smp, int ns, double frac,
		      double *cpu)
{
	double goal = frac * smp[ns - 1].saved, fr;
	int i;

	for (i = 1; i < ns; i++) {
		if (smp[i].saved < goal)
			continue;
		fr = (goal - smp[i - 1].saved) /
		     (smp[i].saved - smp[i - 1].saved);
		if (cpu)
			*cpu = smp[i - 1].cpu +
			       fr * (smp[i].cpu - smp[i - 1].cpu) - smp[0].cpu;
		return smp[i - 1].t + fr * (smp[i].t - smp[i - 1].t);
	}
	if (cpu)
		*cpu = smp[ns - 1].cpu - smp[0].cpu;
	return smp[ns - 1].t;
}

static void run_one(struct scanner *sc, int n, struct result *res)
{
	static struct sample smp[MAX_SAMPLES];
	static struct fleet f;
	__u64 pages = (cfg.data_mib << 20) / PAGE, scanned0 = 0, full0;
	double t0, deadline, pass_s, window, base1, base2, ticks0, ticks1;
	double ticks_cpu, full_scans, share1, share2;
	bool kvm = strcmp(sc->backend, "vmem");
	int i, ns = 0;

	f.sc = sc;
	f.n = n;
	f.ident = pages / 2;
	f.uniq = pages / 4;
	f.zero = pages - f.ident - f.uniq;
	memset(res, 0, sizeof(*res));
	res->backend = sc->backend;
	res->n = n;
	res->ideal = ((n - 1) * f.ident + n * f.zero) * PAGE;

	fleet_start(&f);
	usleep(200000);
	base1 = throughput(&f, cfg.base_s, &share1);

	/*
	 * Scan until the saving is stable: less than 1% growth over the
	 * last `window` seconds, at least 3 s and one full pass over all
	 * the VMs' pages at the nominal rate (KSM saves nothing in its
	 * first pass, which only records checksums).
	 */
	pass_s = (double)n * pages / cfg.rate;
	window = pass_s > 3 ? pass_s : 3;
	if (!kvm)
		scanned0 = knob(SHARE_SYSFS, "pages_scanned");
	full0 = scanner_full_scans(sc);
	smp[0].cpu = thread_cpu(sc->pid, &ticks0);
	smp[0].work = total_work(&f);
	smp[0].guest = guest_cpu(&f);
	smp[0].saved = scanner_saved(sc);
	ns = 1;
	scanner_on(sc, true);
	t0 = now();
	deadline = t0 + cfg.cap_s;
	for (;;) {
		struct sample *s = &smp[ns];
		int back = (int)(window / SAMPLE_S + 0.5);

		sleep_until(t0 + ns * SAMPLE_S);
		s->t = now() - t0;
		s->saved = scanner_saved(sc);
		s->cpu = thread_cpu(sc->pid, NULL);
		s->work = total_work(&f);
		s->guest = guest_cpu(&f);
		ns++;
		if (now() >= deadline || ns == MAX_SAMPLES)
			break;
		if (s->saved > 0 && ns > back &&
		    s->saved - smp[ns - 1 - back].saved <= 0.01 * s->saved)
			break;
	}
	scanner_on(sc, false);
	res->t_end = smp[ns - 1].t;
	res->cpu = thread_cpu(sc->pid, &ticks1) - smp[0].cpu;
	ticks_cpu = ticks1 - ticks0;
	full_scans = scanner_full_scans(sc) - full0;
	if (!kvm)
		res->pages_scanned = knob(SHARE_SYSFS, "pages_scanned") -
				     scanned0;
	res->scan = (smp[ns - 1].work - smp[0].work) / res->t_end;
	res->scan_share = (smp[ns - 1].guest - smp[0].guest) / res->t_end;
	base2 = throughput(&f, cfg.base_s, &share2);
	res->base = (base1 + base2) / 2;
	res->spread = fabs(base1 - base2) / res->base;
	res->base_share = (share1 + share2) / 2;
	fleet_stop(&f);

	res->saved = smp[ns - 1].saved;
	res->t50 = time_to(smp, ns, 0.5, NULL);
	res->t90 = time_to(smp, ns, 0.9, &res->cpu90);
	for (i = 0; i < ns; i++)
		printf("ts,%s,%d,%.2f,%.3f,%.1f,%llu\n", sc->backend, n,
		       smp[i].t, smp[i].saved / 1048576,
		       (smp[i].cpu - smp[0].cpu) * 1e3,
		       (unsigned long long)(smp[i].work - smp[0].work));
	printf("# %s N=%d: %.1f MiB saved after %.1f s; work/s %.1f before, "
	       "%.1f after, %.1f while scanning; guests' CPU share %.3f, "
	       "%.3f, %.3f; scanner %.0f ms CPU (utime+stime %.0f ms), "
	       "%.0f full scans", sc->backend, n, res->saved / 1048576,
	       res->t_end, base1, base2, res->scan, share1, share2,
	       res->scan_share, res->cpu * 1e3, ticks_cpu * 1e3, full_scans);
	if (!kvm)
		printf(", %.0f pages examined (%.0f/s)", res->pages_scanned,
		       res->pages_scanned / res->t_end);
	printf("\n");
}

/* ---- the cost of scanning one page, and its floor ---- */

#define COST_WINDOWS	6

/* Pages the scanner has examined (KSM: whole passes over @resident pages). */
static double examined(struct scanner *sc, __u64 resident)
{
	if (!strcmp(sc->backend, "vmem"))
		return knob(SHARE_SYSFS, "pages_scanned");
	return (double)scanner_full_scans(sc) * resident;
}

/*
 * Steady state: one VM whose pages are all unique, so nothing is ever
 * merged and every page examined is hashed and looked up, no more. CPU
 * time per page examined over COST_WINDOWS windows: vmem's of 1.5 s; KSM's
 * of one whole pass each (KSM does not count pages scanned in this kernel,
 * but every pass visits every resident page), after two passes that build
 * its state. Host noise only ever adds time, so the best window is kept.
 * Return: scanner CPU microseconds per page examined.
 */
static double scan_cost_us(struct scanner *sc)
{
	static struct fleet f;
	__u64 pages = (cfg.data_mib << 20) / PAGE, resident = 0;
	double t0, c0, e0, t1, c1, e1, best = INFINITY, sum_c = 0, sum_e = 0;
	bool kvm = strcmp(sc->backend, "vmem");
	long long fs;
	int w;

	f.sc = sc;
	f.n = 1;
	f.ident = 0;
	f.uniq = pages;
	f.zero = 0;
	fleet_start(&f);
	if (kvm)
		resident = resident_pages(&f);
	scanner_on(sc, true);
	/* Past the first visits (vmem: hints inserted; KSM: its trees). */
	if (kvm) {
		fs = scanner_full_scans(sc) + 2;
		t0 = now();
		while (scanner_full_scans(sc) < fs && now() - t0 < 120)
			usleep(1000);
	} else {
		sleep_until(now() + 2.0 * pages / cfg.rate + 1);
	}
	for (w = 0; w < COST_WINDOWS; w++) {
		e0 = examined(sc, resident);
		c0 = thread_cpu(sc->pid, NULL);
		t0 = now();
		if (kvm) {
			fs = scanner_full_scans(sc);
			while (scanner_full_scans(sc) == fs && now() - t0 < 60)
				usleep(1000);
		} else {
			sleep_until(t0 + 1.5);
		}
		e1 = examined(sc, resident);
		c1 = thread_cpu(sc->pid, NULL);
		t1 = now();
		TEST_ASSERT(e1 > e0, "%s examined no page in %.1f s",
			    sc->backend, t1 - t0);
		if ((c1 - c0) / (e1 - e0) < best)
			best = (c1 - c0) / (e1 - e0);
		sum_c += c1 - c0;
		sum_e += e1 - e0;
	}
	printf("# %s: steady scan of one VM of %llu unique pages: %.0f pages "
	       "examined, %.0f ms CPU, %.2f us/page on average, %.2f in the "
	       "best of %d windows\n", sc->backend,
	       (unsigned long long)pages, sum_e, sum_c * 1e3,
	       sum_c / sum_e * 1e6, best * 1e6, COST_WINDOWS);
	fleet_stop(&f);
	return best * 1e6;
}

/* XXH64 of one page: the best of 20 rounds of 2,000 pages. */
static double hash_page_us(void)
{
	static __u64 buf[16][PAGE / 8];
	volatile XXH64_hash_t sink = 0;
	double t0, best = INFINITY;
	int i, r, w;

	for (i = 0; i < 16; i++)
		for (w = 0; w < (int)(PAGE / 8); w++)
			buf[i][w] = page_word(9, i, w);
	for (r = 0; r < 20; r++) {
		t0 = now();
		for (i = 0; i < 2000; i++)
			sink += XXH64(buf[i & 15], PAGE, 0);
		t0 = (now() - t0) / 2000;
		if (t0 < best)
			best = t0;
	}
	(void)sink;
	return best * 1e6;
}

/* ---- main ---- */

static void print_table(struct result *res, int nres)
{
	int i;

	printf("\n%-7s %2s %7s %7s %5s %5s %7s %7s %7s %7s %7s %6s\n",
	       "backend", "N", "saved", "ideal", "t50", "t90", "CPU@t90",
	       "CPU/MiB", "scanner", "guest", "work/s", "(base");
	printf("%-7s %2s %7s %7s %5s %5s %7s %7s %7s %7s %7s %6s\n", "", "",
	       "MiB", "MiB", "s", "s", "ms", "ms", "CPU %", "CPU -%", "-%",
	       "+-%)");
	for (i = 0; i < nres; i++) {
		struct result *r = &res[i];
		double saved90 = 0.9 * r->saved / 1048576;

		printf("%-7s %2d %7.1f %7.1f %5.1f %5.1f %7.0f %7.1f %7.1f "
		       "%7.1f %7.1f %6.0f\n", r->backend, r->n,
		       r->saved / 1048576, r->ideal / 1048576, r->t50, r->t90,
		       r->cpu90 * 1e3,
		       saved90 > 0 ? r->cpu90 * 1e3 / saved90 : NAN,
		       100 * r->cpu / r->t_end,
		       100 * (1 - r->scan_share / r->base_share),
		       100 * (1 - r->scan / r->base), 100 * r->spread / 2);
	}
	printf("\n");
	for (i = 0; i < nres; i++) {
		struct result *r = &res[i];

		printf("run,%s,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f,%.2f,%.2f,"
		       "%.4f,%.4f,%.0f\n", r->backend, r->n, r->saved / 1048576,
		       r->ideal / 1048576, r->t50, r->t90, r->t_end,
		       r->cpu90 * 1e3, r->cpu * 1e3, r->base, r->scan,
		       r->base_share, r->scan_share, r->pages_scanned);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-b vmem|kvm|both] [-n 1,2,4,8 | -n -] [-r PAGES_PER_S]\n"
		"       [-m DATA_MIB_PER_VM] [-k ITERS] [-c CAP_S] [-w BASE_S]\n"
		"       [-C CPU | -C -1]\n", prog);
}

int main(int argc, char **argv)
{
	static struct result res[2 * MAX_VMS];
	const char *which = "both", *nlist = "1,2,4,8";
	const char *backends[2] = { "vmem", "kvm" };
	double vmem_cpu = 0, vmem_pages = 0, floor_us, cost[2] = { NAN, NAN };
	int ns[MAX_VMS], nn = 0, nres = 0, nsc = 0, b, c, i;
	struct scanner sc[2];
	char *list, *tok;

	while ((c = getopt(argc, argv, "b:n:r:m:k:c:w:C:h")) != -1) {
		switch (c) {
		case 'b':
			which = optarg;
			break;
		case 'n':
			nlist = optarg;
			break;
		case 'r':
			cfg.rate = atoi(optarg);
			break;
		case 'm':
			cfg.data_mib = atoll(optarg);
			break;
		case 'k':
			cfg.iters = atoll(optarg);
			break;
		case 'c':
			cfg.cap_s = atof(optarg);
			break;
		case 'w':
			cfg.base_s = atof(optarg);
			break;
		case 'C':
			cfg.cpu = atoi(optarg);
			break;
		default:
			usage(argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	list = strdup(strcmp(nlist, "-") ? nlist : "");
	for (tok = strtok(list, ","); tok && nn < MAX_VMS; tok = strtok(NULL, ","))
		if (atoi(tok) > 0 && atoi(tok) <= MAX_VMS)
			ns[nn++] = atoi(tok);
	free(list);
	if ((!nn && strcmp(nlist, "-")) || cfg.rate < 50 ||
	    cfg.data_mib < 1 || cfg.data_mib > 200) {
		usage(argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * One CPU for the guests and the scanner alike: flushes then need no
	 * cross-CPU interrupts, whose cost under emulation on a busy host is
	 * the host's scheduling latency (milliseconds) rather than either
	 * scanner's.
	 */
	pin(0);
	/* 4 KiB pages for both scanners (vmem has no huge pages). */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);

	floor_us = hash_page_us();
	printf("# share_bench: R = %u pages/s (KSM: pages_to_scan %u every "
	       "20 ms); %d VMs at most, %llu MiB each: 1/2 identical, "
	       "1/4 unique, 1/4 zero; %llu iterations per work unit; CPU %d\n",
	       cfg.rate, cfg.rate * 20 / 1000, nn ? ns[nn - 1] : 0,
	       (unsigned long long)cfg.data_mib,
	       (unsigned long long)cfg.iters, cfg.cpu);
	printf("# XXH64 of one 4 KiB page: %.2f us\n", floor_us);
	for (b = 0; b < 2; b++) {
		int fd = open(b ? "/dev/kvm" : "/dev/vmem", O_RDWR);

		if (strcmp(which, "both") && strcmp(which, backends[b]))
			continue;
		if (fd < 0) {
			printf("# %s: skipped (%s)\n", backends[b],
			       strerror(errno));
			continue;
		}
		close(fd);
		sc[nsc].backend = backends[b];
		scanner_setup(&sc[nsc++]);
	}
	/* Interleaved, so that both see the same machine as far as can be. */
	for (i = 0; i < nn; i++) {
		for (b = 0; b < nsc; b++) {
			run_one(&sc[b], ns[i], &res[nres]);
			if (!strcmp(sc[b].backend, "vmem")) {
				vmem_cpu += res[nres].cpu;
				vmem_pages += res[nres].pages_scanned;
			}
			nres++;
		}
	}
	for (b = 0; b < nsc; b++)
		cost[strcmp(sc[b].backend, "vmem") ? 1 : 0] =
			scan_cost_us(&sc[b]);
	for (b = 0; b < nsc; b++)
		scanner_restore(&sc[b]);
	print_table(res, nres);
	printf("cost of scanning one page (steady state, nothing to merge): "
	       "vmem-share %.2f us, ksmd %.2f us; XXH64 of a page %.2f us; "
	       "vmem / XXH64 = %.1f\n", cost[0], cost[1], floor_us,
	       cost[0] / floor_us);
	if (vmem_pages > 0)
		printf("vmem-share over the runs above, merges included: "
		       "%.2f us per page examined\n",
		       vmem_cpu / vmem_pages * 1e6);
	printf("floor,%.3f,%.3f,%.3f,%.3f\n", floor_us, cost[0], cost[1],
	       vmem_pages > 0 ? vmem_cpu / vmem_pages * 1e6 : NAN);
	return 0;
}
