// SPDX-License-Identifier: GPL-2.0
/*
 * `vmemctl run`: boot an ELF or flat image in a new VM on /dev/vmem (or,
 * for comparisons, /dev/kvm) and exit with a status that tells how the
 * guest ended. This half parses and checks options and image, sets the VM
 * up and reports; run_vcpu.c runs it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmem/vmem.h>

#include "run.h"

#define DEFAULT_MEM	(64ULL << 20)

static void usage(FILE *f)
{
	fprintf(f,
"usage: vmemctl run [options] IMAGE\n"
"\n"
"Run IMAGE, a freestanding x86-64 program, in a new VM and exit with a status\n"
"that tells how it ended.\n"
"\n"
"Options:\n"
"  -m, --mem SIZE      guest memory (default 64M); K, M, G, T suffixes\n"
"  -c, --cpus N        vCPUs, 1..%d (default 1), each on its own thread\n"
"  -n, --name NAME     VM name in sysfs and netlink (default: vm<id>)\n"
"  -f, --format FMT    elf or flat (default: elf if IMAGE starts with the ELF\n"
"                      magic, else flat)\n"
"      --shares N      proportional memory share (default %d)\n"
"      --min SIZE      memory reserved for the VM (default 0)\n"
"      --salt N        page-sharing salt: only VMs with equal salts share pages\n"
"                      (default 0)\n"
"  -t, --timeout SECS  stop the guest after SECS seconds (exit status 124)\n"
"  -b, --backend NAME  vmem (default) or kvm: the same guest on /dev/kvm, for\n"
"                      comparisons; --name/--shares/--min/--salt are then unused\n"
"  -v, --verbose       report ignored I/O, the outcome and exit counts\n"
"      --stats         at the end, report the memory vmem gave the guest\n"
"  -h, --help          this text\n"
"\n"
"Guest contract:\n"
"  Memory    [0, SIZE) of guest-physical memory, identity-mapped (virtual ==\n"
"            physical) with paging in 64-bit mode. [0, 4 MiB) is the system\n"
"            area (page tables, GDT, IDT, stacks; page 0 is not mapped).\n"
"  Loading   ELF: each PT_LOAD segment at its address (at least 0x400000);\n"
"            flat: the file at 0x400000, entered at its first byte.\n"
"  Entry     every vCPU starts at the entry point in 64-bit mode, CPL 0,\n"
"            interrupts off, SSE enabled (AVX only after the guest sets\n"
"            CR4.OSXSAVE and XCR0 itself), with\n"
"              RDI = vCPU id (0..N-1)   RSI = number of vCPUs   RDX = SIZE\n"
"              RSP = 0x100000 + (id + 1) * 0x8000 - 8, holding a zero return\n"
"                    address (a 28 KiB stack; a guard page lies below it)\n"
"  Ports     0xe9   out: a byte to stdout; in: 0xe9\n"
"            0x3f8  8250 UART: THR writes go to stdout, LSR (0x3fd) always\n"
"                   reports the transmitter empty; no input, no interrupts\n"
"            0xf4   out: stop the VM, exit status = value & 0xff\n"
"            0xf6   out: this vCPU sleeps value milliseconds\n"
"            other  in: all ones; out: ignored (shown with -v)\n"
"            Accesses beyond guest memory read all ones, writes are ignored.\n"
"  Faults    an exception the guest does not handle itself (its IDT points\n"
"            at built-in stubs until it loads its own) is reported with\n"
"            vector, error code and RIP.\n"
"\n"
"Exit status:\n"
"  N     the guest wrote N to port 0xf4\n"
"  0     every vCPU executed HLT (\"halted\")\n"
"  1     vmemctl could not start the guest (bad option, image, memory size,\n"
"        no /dev/vmem or no permission)\n"
"  2     the guest crashed: an unhandled exception or a triple fault\n"
"  3     the hypervisor failed: entry failure or internal error\n"
"  124   --timeout expired\n"
"  130, 143  interrupted by SIGINT, SIGTERM\n",
		VMEM_MAX_VCPUS, VMEM_DEFAULT_SHARES);
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_SHARES = 256, OPT_MIN, OPT_SALT, OPT_STATS };
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "shares", required_argument, NULL, OPT_SHARES },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "salt", required_argument, NULL, OPT_SALT },
		{ "timeout", required_argument, NULL, 't' },
		{ "backend", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->mem = DEFAULT_MEM;
	o->cpus = 1;
	o->backend = "vmem";
	o->format = VMEM_IMAGE_AUTO;
	while ((c = getopt_long(argc, argv, "m:c:n:f:t:b:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem)) {
				vmemctl_err("--mem '%s': not a size (e.g. 64M, 2G)", optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_u64(optarg, &o->cpus) || !o->cpus ||
			    o->cpus > VMEM_MAX_VCPUS) {
				vmemctl_err("--cpus '%s': must be 1..%d", optarg,
					    VMEM_MAX_VCPUS);
				return -1;
			}
			break;
		case 'n':
			if (strlen(optarg) >= VMEM_NAME_LEN || !*optarg) {
				vmemctl_err("--name: 1..%d characters",
					    VMEM_NAME_LEN - 1);
				return -1;
			}
			o->name = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "elf")) {
				o->format = VMEM_IMAGE_ELF;
			} else if (!strcmp(optarg, "flat")) {
				o->format = VMEM_IMAGE_FLAT;
			} else {
				vmemctl_err("--format '%s': elf or flat", optarg);
				return -1;
			}
			break;
		case OPT_SHARES:
			if (parse_u64(optarg, &o->shares) || !o->shares ||
			    o->shares > VMEM_MAX_SHARES) {
				vmemctl_err("--shares '%s': must be 1..%d", optarg,
					    VMEM_MAX_SHARES);
				return -1;
			}
			break;
		case OPT_MIN:
			if (parse_size(optarg, &o->min)) {
				vmemctl_err("--min '%s': not a size", optarg);
				return -1;
			}
			break;
		case OPT_SALT:
			if (parse_u64(optarg, &o->salt)) {
				vmemctl_err("--salt '%s': not a number", optarg);
				return -1;
			}
			break;
		case 't':
			if (parse_u64(optarg, &o->timeout) || !o->timeout ||
			    o->timeout > 100000000) {
				vmemctl_err("--timeout '%s': seconds, at least 1",
					    optarg);
				return -1;
			}
			break;
		case 'b':
			if (!vmem_backend_find(optarg)) {
				vmemctl_err("--backend '%s': vmem or kvm", optarg);
				return -1;
			}
			o->backend = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "Try 'vmemctl run --help'.\n");
			return -1;
		}
	}
	if (optind != argc - 1) {
		vmemctl_err(optind == argc ? "no IMAGE given; see --help" :
			    "one IMAGE only; see --help");
		return -1;
	}
	o->image = argv[optind];
	return 0;
}

/* Check memory options against the layout and the image; say what is wrong. */
static int check_memory(const struct run_opts *o, const struct vmem_image *img)
{
	char a[32], b[32];

	format_size(o->mem, a, sizeof(a));
	if (o->mem % 4096) {
		vmemctl_err("--mem %s: must be a multiple of 4 KiB", a);
		return -1;
	}
	if (o->mem > VMEM_MAX_MEM_SIZE) {
		vmemctl_err("--mem %s: at most 1 TiB", a);
		return -1;
	}
	if (o->mem <= VMEM_GUEST_LOAD_ADDR) {
		vmemctl_err("--mem %s is too little: the first 4 MiB are the system area, images load above it",
			    a);
		return -1;
	}
	if (o->min > o->mem) {
		format_size(o->min, b, sizeof(b));
		vmemctl_err("--min %s is more than --mem %s", b, a);
		return -1;
	}
	if (img->start < VMEM_GUEST_LOAD_ADDR) {
		vmemctl_err("%s: loads at 0x%llx, inside the system area; link it at 0x%llx or above",
			    o->image, (unsigned long long)img->start,
			    VMEM_GUEST_LOAD_ADDR);
		return -1;
	}
	if (img->end > o->mem) {
		vmemctl_err("%s: needs guest memory up to 0x%llx (%llu KiB), more than --mem %s",
			    o->image, (unsigned long long)img->end,
			    (unsigned long long)(img->end + 1023) / 1024, a);
		return -1;
	}
	return 0;
}

static int create_vm(const struct run_opts *o, struct vmem_vm **vm)
{
	const struct vmem_backend_ops *ops = vmem_backend_find(o->backend);
	struct vmem_vm_params p = {
		.mem_size = o->mem,
		.min_size = o->min,
		.salt = o->salt,
		.shares = o->shares,
		.name = o->name,
	};
	bool vmem = !strcmp(o->backend, "vmem");
	int r;

	r = vmem_vm_create(ops, &p, vm);
	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		vmemctl_err("%s: %s%s", ops->dev_path, strerror(-r),
			    vmem ? " (is vmem.ko loaded?)" :
			    " (is kvm_amd or kvm_intel loaded?)");
		break;
	case -EACCES:
	case -EPERM:
		vmemctl_err("%s: %s (run as root%s)", ops->dev_path,
			    strerror(-r), vmem ? " or as a member of group vmem" : "");
		break;
	case -EPROTO:
		vmemctl_err("%s: API version mismatch between vmemctl and the kernel",
			    ops->dev_path);
		break;
	case -EEXIST:
		vmemctl_err("a VM named '%s' exists already", o->name);
		break;
	case -EINVAL:
		vmemctl_err("the kernel rejected the VM configuration%s",
			    o->name ? " (a --name has letters, digits, '-', '_' and '.', and does not start with '.')" : "");
		break;
	case -ENOSPC:
		vmemctl_err("no more VMs allowed (module parameter max_vms)");
		break;
	case -ENOMEM:
		vmemctl_err("not enough memory for the VM%s",
			    o->min ? " (the --min reservation does not fit in the pool)" : "");
		break;
	default:
		vmemctl_err("creating the VM: %s", strerror(-r));
	}
	return -1;
}

/* Write the system area and the image, create and place the vCPUs. */
static int prepare(struct run_vm *rv, const struct vmem_image *img)
{
	const struct run_opts *o = rv->o;
	unsigned int i;
	int r;

	r = vmem_x86_setup_vm(rv->vm);
	if (!r)
		r = vmem_image_load(rv->vm, img);
	if (r) {
		vmemctl_err("writing guest memory: %s", strerror(-r));
		return -1;
	}
	for (i = 0; i < o->cpus; i++) {
		__u64 args[3] = { i, o->cpus, o->mem };
		struct vmem_vcpu *vcpu;

		r = vmem_vcpu_create(rv->vm, i, &vcpu);
		if (!r)
			r = vmem_x86_setup_vcpu(vcpu, img->entry, args, 3);
		if (r) {
			vmemctl_err("setting up vCPU %u: %s", i, strerror(-r));
			return -1;
		}
		rv->threads[i].rv = rv;
		rv->threads[i].vcpu = vcpu;
	}
	return 0;
}

/* How much machine memory the guest got, and what it is made of. */
static void report_memory(struct run_vm *rv)
{
	struct vmem_vm_stats st;
	int r = vmem_vm_get_stats(rv->vm, &st);

	if (r) {
		vmemctl_err("memory statistics: %s", strerror(-r));
		return;
	}
	vmemctl_err("memory: guest %.1f MiB, touched %.1f MiB; vmem holds %.1f MiB "
		    "private, %.1f MiB shared, %.1f MiB zero pages; "
		    "%llu second-level faults, %llu table pages",
		    st.mem_pages / 256.0, st.touched / 256.0,
		    st.allocated / 256.0, st.shared / 256.0, st.zero / 256.0,
		    (unsigned long long)st.npt_faults,
		    (unsigned long long)st.slpt_pages);
}

static void report(struct run_vm *rv)
{
	bool where = rv->o->verbose || rv->status == EXIT_TIMEOUT;
	struct vmem_regs regs;
	unsigned int i;

	console_flush(&rv->con);
	for (i = 0; where && i < rv->o->cpus; i++) {
		struct vcpu_thread *t = &rv->threads[i];

		if (vmem_vcpu_get_regs(t->vcpu, &regs))
			regs.rip = ~0ULL;
		vmemctl_err("vCPU %u: RIP 0x%llx, %llu exits, %llu ignored port I/O, %llu ignored MMIO",
			    i, (unsigned long long)regs.rip,
			    (unsigned long long)t->exits,
			    (unsigned long long)t->pio_ignored,
			    (unsigned long long)t->mmio_ignored);
	}
	if (rv->o->stats)
		report_memory(rv);
	/* A guest's own exit code is its business; say more only if asked. */
	if (rv->o->verbose || !rv->guest_exit)
		vmemctl_err("%s", rv->msg);
}

/**
 * cmd_run() - `vmemctl run [options] IMAGE`.
 * @argc: argument count; argv[0] is "vmemctl run".
 * @argv: arguments.
 *
 * Return: the exit status described in usage().
 */
int cmd_run(int argc, char **argv)
{
	static struct run_vm rv;
	struct run_opts o;
	struct vmem_image img;
	int r;

	r = parse_opts(argc, argv, &o);
	if (r)
		return r > 0 ? 0 : EXIT_ERROR;
	r = vmem_image_read(o.image, &img);
	if (r) {
		if (r == -ENOEXEC)
			vmemctl_err("%s: %s", o.image, img.err);
		else
			vmemctl_err("%s: %s", o.image, strerror(-r));
		return EXIT_ERROR;
	}
	r = vmem_image_parse(&img, o.format, VMEM_GUEST_LOAD_ADDR);
	if (r) {
		vmemctl_err("%s: not a usable %s image: %s", o.image,
			    vmem_image_format_name(img.format), img.err);
		goto out_img;
	}
	if (check_memory(&o, &img) || create_vm(&o, &rv.vm)) {
		r = -1;
		goto out_img;
	}

	rv.o = &o;
	console_init(&rv.con);
	pthread_mutex_init(&rv.lock, NULL);
	if (pipe(rv.wake)) {
		vmemctl_err("pipe: %s", strerror(errno));
		r = -1;
		goto out_vm;
	}
	r = prepare(&rv, &img);
	if (!r)
		r = run_vcpus(&rv);
	if (!r)
		report(&rv);
	close(rv.wake[0]);
	close(rv.wake[1]);
out_vm:
	vmem_vm_destroy(rv.vm);
out_img:
	vmem_image_free(&img);
	return r ? EXIT_ERROR : rv.status;
}
