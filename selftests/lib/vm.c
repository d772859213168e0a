// SPDX-License-Identifier: GPL-2.0
/*
 * Test VMs and vCPUs (host side): creation on the chosen backend, loading
 * the test binary into the guest, the exception IDT, vCPU entry state,
 * running, registers and guest memory access. Simple functions assert;
 * __ variants return -errno. Runs in the test process; different vCPUs may
 * be run from different threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <vmem/backend.h>
#include <vmem/ioctl.h>
#include <vmem/loader.h>
#include <vmem/x86.h>

#include "vmem_test.h"

/* handlers.S and guest.c: the guest side of every test VM. */
extern char vmem_idt_stubs[];
extern char vmem_guest_entry[];

/**
 * vm_default_backend() - the backend the simple functions use.
 *
 * Return: $VMEM_TEST_BACKEND if set and non-empty, else "vmem".
 */
const char *vm_default_backend(void)
{
	const char *b = getenv(VMEM_TEST_BACKEND_ENV);

	return b && *b ? b : "vmem";
}

/**
 * vm_backend_usable() - can the default backend create and run VMs here?
 * @why: set to the reason when it cannot.
 * @size: size of @why.
 *
 * Checks that the device opens and, for vmem, that the API version matches
 * and a hardware backend (VMEM_CAP_SVM or VMEM_CAP_VMX) is present.
 *
 * Return: true if usable.
 */
bool vm_backend_usable(char *why, size_t size)
{
	const char *name = vm_default_backend();
	const struct vmem_backend_ops *ops = vmem_backend_find(name);
	int fd, ok = 1;

	if (!ops) {
		snprintf(why, size, "unknown backend '%s' in $%s", name,
			 VMEM_TEST_BACKEND_ENV);
		return false;
	}
	fd = open(ops->dev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "%s: %s%s", ops->dev_path, strerror(errno),
			 ops == &vmem_backend_vmem ?
			 " (is vmem.ko loaded?)" : "");
		return false;
	}
	if (ops == &vmem_backend_vmem) {
		if (vmemio_get_api_version(fd) != VMEM_API_VERSION) {
			snprintf(why, size, "vmem API version mismatch");
			ok = 0;
		} else if (vmemio_check_extension(fd, VMEM_CAP_SVM) <= 0 &&
			   vmemio_check_extension(fd, VMEM_CAP_VMX) <= 0) {
			snprintf(why, size, "vmem has no hardware backend (neither VMEM_CAP_SVM nor VMEM_CAP_VMX)");
			ok = 0;
		}
	}
	close(fd);
	return ok;
}

static int load_self(struct vmem_test_vm *vm)
{
	struct vmem_image img;
	int r;

	r = vmem_image_read("/proc/self/exe", &img);
	if (r)
		return r;
	r = vmem_image_parse(&img, VMEM_IMAGE_ELF, 0);
	if (r) {
		fprintf(stderr, "# test binary: %s\n", img.err);
		goto out;
	}
	if (img.start < VMEM_GUEST_LOAD_ADDR || img.end > vm->mem_size) {
		fprintf(stderr,
			"# test binary spans [0x%llx, 0x%llx); guest memory for it is [0x%llx, 0x%llx)\n",
			(unsigned long long)img.start,
			(unsigned long long)img.end,
			VMEM_GUEST_LOAD_ADDR,
			(unsigned long long)vm->mem_size);
		r = -E2BIG;
		goto out;
	}
	r = vmem_image_load(vm->vm, &img);
	vm->has_image = !r;
	vm->image_end = img.end;
out:
	vmem_image_free(&img);
	return r;
}

/**
 * __vm_create() - create a test VM with full control.
 * @p: parameters (see struct vm_params).
 * @vmp: set to the VM.
 *
 * Creates the VM, writes the system area (<vmem/layout.h>), loads the test
 * binary and points the IDT at the library's exception stubs.
 *
 * Return: 0, -EINVAL for an unknown backend, the backend's -errno (-ENOENT:
 * no such device), -E2BIG if the test binary does not fit.
 */
int __vm_create(const struct vm_params *p, struct vmem_test_vm **vmp)
{
	const char *name = p->backend ? p->backend : vm_default_backend();
	const struct vmem_backend_ops *ops = vmem_backend_find(name);
	struct vmem_vm_params vp = {
		.mem_size = p->mem_size ? p->mem_size : VMEM_TEST_DEFAULT_MEM,
		.min_size = p->min_size,
		.salt = p->salt,
		.shares = p->shares,
		.name = p->name,
	};
	struct vmem_test_vm *vm;
	int r;

	if (!ops)
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->backend = ops->name;
	vm->mem_size = vp.mem_size;
	r = vmem_vm_create(ops, &vp, &vm->vm);
	if (r)
		goto fail;
	r = vmem_x86_setup_vm(vm->vm);
	if (r)
		goto fail;
	vm->image_end = VMEM_GUEST_LOAD_ADDR;
	if (!p->no_image) {
		r = load_self(vm);
		if (r)
			goto fail;
		r = vmem_x86_set_idt(vm->vm, (unsigned long)vmem_idt_stubs,
				     VMEM_GUEST_EXC_STUB_SIZE);
		if (r)
			goto fail;
	}
	vm->alloc_next = (vm->image_end + 0xfff) & ~0xfffULL;
	*vmp = vm;
	return 0;
fail:
	vmem_vm_destroy(vm->vm);
	free(vm);
	return r;
}

/**
 * vm_create() - create a test VM on the default backend, or skip the test
 * if that backend is not available.
 * @mem_size: guest memory; 0 for VMEM_TEST_DEFAULT_MEM.
 * @nr_vcpus: vCPUs the test will add with vm_vcpu_add() (checked only).
 *
 * Return: the VM.
 */
struct vmem_test_vm *vm_create(__u64 mem_size, unsigned int nr_vcpus)
{
	struct vm_params p = { .mem_size = mem_size };
	const char *backend = vm_default_backend();
	const struct vmem_backend_ops *ops = vmem_backend_find(backend);
	struct vmem_test_vm *vm;
	int r;

	TEST_ASSERT(ops, "unknown backend '%s' in $" VMEM_TEST_BACKEND_ENV
		    " (vmem or kvm)", backend);
	TEST_ASSERT(nr_vcpus <= VMEM_MAX_VCPUS, "%u vCPUs, at most %d",
		    nr_vcpus, VMEM_MAX_VCPUS);
	r = __vm_create(&p, &vm);
	if (r == -ENOENT || r == -ENXIO || r == -ENODEV)
		__test_skip("%s: %s%s", ops->dev_path, strerror(-r),
			    strcmp(backend, "vmem") ? "" :
			    " (is vmem.ko loaded?)");
	if (r == -ENOTTY)
		__test_skip("the %s backend lacks an ioctl VM setup needs (%s)",
			    backend, strerror(-r));
	TEST_ASSERT(!r, "creating a %s VM of %llu bytes: %s", backend,
		    (unsigned long long)p.mem_size, strerror(-r));
	return vm;
}

/**
 * vm_free() - destroy a test VM and its vCPUs.
 * @vm: the VM, or NULL.
 */
void vm_free(struct vmem_test_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	vmem_vm_destroy(vm->vm);
	for (i = 0; i < VMEM_MAX_VCPUS; i++)
		free(vm->vcpus[i]);
	free(vm);
}

/**
 * __vm_vcpu_add() - add vCPU @id, entering @guest_code.
 * @vm: the VM.
 * @id: vCPU id.
 * @guest_code: a function of the test binary; it runs after the library's
 *	guest startup (SSE/AVX enabled as CPUID allows) with the arguments of
 *	vcpu_args_set(); returning from it counts as GUEST_DONE(). In a VM
 *	created with no_image, the vCPU starts at @guest_code directly.
 * @vcpup: set to the vCPU.
 *
 * Return: 0 or -errno.
 */
int __vm_vcpu_add(struct vmem_test_vm *vm, unsigned int id, void *guest_code,
		  struct vmem_test_vcpu **vcpup)
{
	struct vmem_test_vcpu *vcpu;
	struct vmem_regs regs;
	__u64 entry = (unsigned long)guest_code;
	int r;

	if (id >= VMEM_MAX_VCPUS)
		return -EINVAL;
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	r = vmem_vcpu_create(vm->vm, id, &vcpu->vcpu);
	if (r)
		goto fail;
	if (vm->has_image)
		entry = (unsigned long)vmem_guest_entry;
	r = vmem_x86_setup_vcpu(vcpu->vcpu, entry, NULL, 0);
	if (r)
		goto fail;
	/* The entry stub calls the function in RBX (callee-saved). */
	r = vmem_vcpu_get_regs(vcpu->vcpu, &regs);
	if (r)
		goto fail;
	regs.rbx = (unsigned long)guest_code;
	r = vmem_vcpu_set_regs(vcpu->vcpu, &regs);
	if (r)
		goto fail;
	vm->vcpus[id] = vcpu;
	*vcpup = vcpu;
	return 0;
fail:
	free(vcpu);	/* a created libvmem vCPU is freed with the VM */
	return r;
}

/**
 * vm_vcpu_add() - add vCPU @id entering @guest_code; asserts success.
 * @vm: the VM.
 * @id: vCPU id.
 * @guest_code: see __vm_vcpu_add().
 *
 * Return: the vCPU.
 */
struct vmem_test_vcpu *vm_vcpu_add(struct vmem_test_vm *vm, unsigned int id,
				   void *guest_code)
{
	struct vmem_test_vcpu *vcpu;
	int r = __vm_vcpu_add(vm, id, guest_code, &vcpu);

	if (r == -ENOTTY)
		__test_skip("the %s backend lacks an ioctl vCPU setup needs (%s)",
			    vm->backend, strerror(-r));
	TEST_ASSERT(!r, "adding vCPU %u: %s", id, strerror(-r));
	return vcpu;
}

/**
 * vm_create_with_one_vcpu() - the usual start of a test: a VM with default
 * memory on the default backend and vCPU 0 entering @guest_code.
 * @vcpu: set to the vCPU.
 * @guest_code: see __vm_vcpu_add().
 *
 * Return: the VM (skips the test if the backend is missing).
 */
struct vmem_test_vm *vm_create_with_one_vcpu(struct vmem_test_vcpu **vcpu,
					     void *guest_code)
{
	struct vmem_test_vm *vm = vm_create(0, 1);

	*vcpu = vm_vcpu_add(vm, 0, guest_code);
	return vm;
}

/**
 * vcpu_args_set() - pass up to 6 integer arguments to the guest function.
 * @vcpu: a vCPU that has not run yet.
 * @n: number of arguments.
 * @...: __u64 values (cast or suffix literals: 5ULL, not 5), for RDI,
 *	 RSI, RDX, RCX, R8 and R9.
 */
void vcpu_args_set(struct vmem_test_vcpu *vcpu, unsigned int n, ...)
{
	struct vmem_regs regs;
	__u64 *slot[6] = { &regs.rdi, &regs.rsi, &regs.rdx,
			   &regs.rcx, &regs.r8, &regs.r9 };
	va_list ap;
	unsigned int i;

	TEST_ASSERT(n <= 6, "%u arguments, at most 6", n);
	vcpu_regs_get(vcpu, &regs);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		*slot[i] = va_arg(ap, __u64);
	va_end(ap);
	vcpu_regs_set(vcpu, &regs);
}

/**
 * __vcpu_run_to_exit() - run until the next exit; vcpu->exit says why.
 * @vcpu: the vCPU.
 *
 * Return: 0 or -errno.
 */
int __vcpu_run_to_exit(struct vmem_test_vcpu *vcpu)
{
	int r = vmem_vcpu_run(vcpu->vcpu, &vcpu->exit);

	vcpu->io_pending = !r && (vcpu->exit.reason == VMEM_EXIT_IO ||
				  vcpu->exit.reason == VMEM_EXIT_MMIO);
	return r;
}

/**
 * vcpu_run_to_exit() - run until the next exit; asserts the run itself worked.
 * @vcpu: the vCPU.
 *
 * Skips the test if the kernel cannot run vCPUs (-ENOTTY).
 */
void vcpu_run_to_exit(struct vmem_test_vcpu *vcpu)
{
	int r = __vcpu_run_to_exit(vcpu);

	if (r == -ENOTTY)
		__test_skip("%s cannot run vCPUs yet (RUN: %s)",
			    vcpu->vm->backend, strerror(-r));
	TEST_ASSERT(!r, "running vCPU %u: %s", vcpu->id, strerror(-r));
}

/**
 * vcpu_run_complete_io() - finish the instruction behind the last I/O or
 * MMIO exit without running guest code further (a run with an immediate
 * exit), so that register state is consistent. IN/MMIO-read data must
 * already be in place.
 * @vcpu: the vCPU.
 */
void vcpu_run_complete_io(struct vmem_test_vcpu *vcpu)
{
	if (!vcpu->io_pending)
		return;
	vmem_vcpu_request_exit(vcpu->vcpu);
	vcpu_run_to_exit(vcpu);
	TEST_ASSERT_EXIT_REASON(vcpu, VMEM_EXIT_INTR);
}

/**
 * vcpu_regs_get() - read the vCPU's general registers.
 * @vcpu: the vCPU.
 * @regs: filled in.
 */
void vcpu_regs_get(struct vmem_test_vcpu *vcpu, struct vmem_regs *regs)
{
	int r = vmem_vcpu_get_regs(vcpu->vcpu, regs);

	TEST_ASSERT(!r, "GET_REGS: %s", strerror(-r));
}

/**
 * vcpu_regs_set() - write the vCPU's general registers, completing a
 * pending I/O exit first.
 * @vcpu: the vCPU.
 * @regs: new values.
 */
void vcpu_regs_set(struct vmem_test_vcpu *vcpu, const struct vmem_regs *regs)
{
	int r;

	vcpu_run_complete_io(vcpu);
	r = vmem_vcpu_set_regs(vcpu->vcpu, regs);
	TEST_ASSERT(!r, "SET_REGS: %s", strerror(-r));
}

/**
 * vcpu_sregs_get() - read segment, table and control registers.
 * @vcpu: the vCPU.
 * @sregs: filled in.
 */
void vcpu_sregs_get(struct vmem_test_vcpu *vcpu, struct vmem_sregs *sregs)
{
	int r = vmem_vcpu_get_sregs(vcpu->vcpu, sregs);

	TEST_ASSERT(!r, "GET_SREGS: %s", strerror(-r));
}

/**
 * vcpu_sregs_set() - write segment, table and control registers,
 * completing a pending I/O exit first.
 * @vcpu: the vCPU.
 * @sregs: new values.
 */
void vcpu_sregs_set(struct vmem_test_vcpu *vcpu,
		    const struct vmem_sregs *sregs)
{
	int r;

	vcpu_run_complete_io(vcpu);
	r = vmem_vcpu_set_sregs(vcpu->vcpu, sregs);
	TEST_ASSERT(!r, "SET_SREGS: %s", strerror(-r));
}

/**
 * __vm_read_guest() - copy guest memory to @buf.
 * @vm: the VM.
 * @gpa: guest-physical (== guest-virtual) address.
 * @buf: destination.
 * @len: bytes.
 *
 * Return: 0 or -errno.
 */
int __vm_read_guest(struct vmem_test_vm *vm, __u64 gpa, void *buf, size_t len)
{
	return vmem_vm_read(vm->vm, gpa, buf, len);
}

/**
 * __vm_write_guest() - copy @buf into guest memory.
 * @vm: the VM.
 * @gpa: guest-physical (== guest-virtual) address.
 * @buf: source.
 * @len: bytes.
 *
 * Return: 0 or -errno.
 */
int __vm_write_guest(struct vmem_test_vm *vm, __u64 gpa, const void *buf,
		     size_t len)
{
	return vmem_vm_write(vm->vm, gpa, buf, len);
}

/**
 * vm_read_guest() - copy guest memory to @buf; asserts success.
 * @vm: the VM.
 * @gpa: guest address.
 * @buf: destination.
 * @len: bytes.
 */
void vm_read_guest(struct vmem_test_vm *vm, __u64 gpa, void *buf, size_t len)
{
	int r = __vm_read_guest(vm, gpa, buf, len);

	TEST_ASSERT(!r, "reading %zu bytes at 0x%llx: %s", len,
		    (unsigned long long)gpa, strerror(-r));
}

/**
 * vm_write_guest() - copy @buf into guest memory; asserts success.
 * @vm: the VM.
 * @gpa: guest address.
 * @buf: source.
 * @len: bytes.
 */
void vm_write_guest(struct vmem_test_vm *vm, __u64 gpa, const void *buf,
		    size_t len)
{
	int r = __vm_write_guest(vm, gpa, buf, len);

	TEST_ASSERT(!r, "writing %zu bytes at 0x%llx: %s", len,
		    (unsigned long long)gpa, strerror(-r));
}

/**
 * vm_alloc() - reserve page-aligned guest memory above the test binary.
 * @vm: the VM.
 * @size: bytes (rounded up to 4 KiB).
 *
 * Nothing is written: the memory is untouched and reads as zero.
 *
 * Return: its guest address (GPA == GVA).
 */
__u64 vm_alloc(struct vmem_test_vm *vm, __u64 size)
{
	__u64 gpa = vm->alloc_next;

	size = (size + 0xfff) & ~0xfffULL;
	TEST_ASSERT(size <= vm->mem_size - gpa,
		    "vm_alloc(%llu): only %llu bytes left",
		    (unsigned long long)size,
		    (unsigned long long)(vm->mem_size - gpa));
	vm->alloc_next += size;
	return gpa;
}

/**
 * vcpu_exit_describe() - the last exit as text, for messages.
 * @vcpu: the vCPU.
 * @buf: where to write.
 * @size: its size.
 *
 * Return: @buf.
 */
const char *vcpu_exit_describe(struct vmem_test_vcpu *vcpu, char *buf,
			       size_t size)
{
	const struct vmem_exit *e = &vcpu->exit;
	struct vmem_regs regs;
	int n;

	n = snprintf(buf, size, "%s", vmem_exit_name(e->reason));
	switch (e->reason) {
	case VMEM_EXIT_IO:
		n += snprintf(buf + n, size - n, " %s port 0x%x size %u",
			      e->io.direction == VMEM_EXIT_IO_OUT ? "out" : "in",
			      e->io.port, e->io.size);
		break;
	case VMEM_EXIT_MMIO:
		n += snprintf(buf + n, size - n, " %s 0x%llx len %u",
			      e->mmio.is_write ? "write" : "read",
			      (unsigned long long)e->mmio.gpa, e->mmio.len);
		break;
	case VMEM_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, size - n, " suberror %u",
			      e->internal.suberror);
		break;
	case VMEM_EXIT_FAIL_ENTRY:
		n += snprintf(buf + n, size - n, " reason 0x%llx",
			      (unsigned long long)e->fail_entry.reason);
		break;
	case VMEM_EXIT_UNKNOWN:
		n += snprintf(buf + n, size - n, " (backend exit %u)",
			      e->raw_reason);
		break;
	}
	if (n < (int)size && !vmem_vcpu_get_regs(vcpu->vcpu, &regs))
		snprintf(buf + n, size - n, " at RIP 0x%llx",
			 (unsigned long long)regs.rip);
	return buf;
}
