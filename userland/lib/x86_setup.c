// SPDX-License-Identifier: GPL-2.0
/*
 * Builds the fixed guest layout of <vmem/layout.h> in guest memory and puts
 * vCPUs into 64-bit mode, for any backend. Descriptor formats: AMD APM
 * vol. 2, 4.8 (code/data), 4.8.3 (system descriptors), 8.9 (IDT gates);
 * paging: 5.3 (long-mode page translation). Process context.
 */
#include <errno.h>
#include <string.h>

#include <vmem/backend.h>
#include <vmem/x86.h>

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
#define PAGE_SIZE_4K	0x1000ULL
#define SIZE_2M		(1ULL << 21)
#define SIZE_1G		(1ULL << 30)

#define GDT_CODE64	0x00af9b000000ffffULL	/* P, DPL0, exec/read, L, G */
#define GDT_DATA	0x00cf93000000ffffULL	/* P, DPL0, read/write, B, G */
#define TSS_LIMIT	0x67			/* 104-byte 64-bit TSS */
#define TSS_TYPE_BUSY	0xb
#define GATE_INTR	0x8e			/* P, DPL0, 64-bit interrupt gate */

/* Vectors for which the CPU pushes an error code. */
static int has_error_code(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 ||
	       v == 29 || v == 30;
}

static int is_guard_page(__u64 gpa)
{
	__u64 end = VMEM_GUEST_STACKS + VMEM_MAX_VCPUS * VMEM_GUEST_STACK_SLOT;

	return gpa == 0 || (gpa >= VMEM_GUEST_STACKS && gpa < end &&
			    (gpa - VMEM_GUEST_STACKS) % VMEM_GUEST_STACK_SLOT == 0);
}

/*
 * PML4, PDPTs and the two PTs are contiguous at VMEM_GUEST_PML4; the PDs
 * follow at VMEM_GUEST_PD, one per GiB up to 64 GiB.
 */
#define NR_TOP_PAGES	(1 + VMEM_GUEST_NR_PDPT + VMEM_GUEST_NR_PT)

static int write_page_tables(struct vmem_vm *vm)
{
	__u64 top[NR_TOP_PAGES * 512], pd[512];
	__u64 *pml4 = top;
	__u64 *pdpt = top + 512;
	__u64 *pt = top + 512 * (1 + VMEM_GUEST_NR_PDPT);
	__u64 map = vm->mem_size > VMEM_GUEST_MIN_MAP ?
		    vm->mem_size : VMEM_GUEST_MIN_MAP;
	__u64 gib, nr_gib = (map + SIZE_1G - 1) / SIZE_1G;
	unsigned int i;
	int r;

	memset(top, 0, sizeof(top));
	for (i = 0; i < VMEM_GUEST_NR_PDPT; i++)
		if (nr_gib > i * 512ULL)
			pml4[i] = (VMEM_GUEST_PDPT + i * PAGE_SIZE_4K) |
				  PTE_P | PTE_RW;
	for (i = 0; i < 512 * VMEM_GUEST_NR_PT; i++) {
		__u64 gpa = i * PAGE_SIZE_4K;

		if (!is_guard_page(gpa))
			pt[i] = gpa | PTE_P | PTE_RW;
	}
	for (gib = 0; gib < nr_gib; gib++) {
		if (gib < VMEM_GUEST_NR_PD)
			pdpt[gib] = (VMEM_GUEST_PD + gib * PAGE_SIZE_4K) |
				    PTE_P | PTE_RW;
		else
			pdpt[gib] = (gib * SIZE_1G) | PTE_P | PTE_RW | PTE_PS;
	}
	r = vmem_vm_write(vm, VMEM_GUEST_PML4, top, sizeof(top));
	if (r)
		return r;

	for (gib = 0; gib < nr_gib && gib < VMEM_GUEST_NR_PD; gib++) {
		for (i = 0; i < 512; i++)
			pd[i] = (gib * SIZE_1G + i * SIZE_2M) |
				PTE_P | PTE_RW | PTE_PS;
		if (gib == 0)
			for (i = 0; i < VMEM_GUEST_NR_PT; i++)
				pd[i] = (VMEM_GUEST_PT + i * PAGE_SIZE_4K) |
					PTE_P | PTE_RW;
		r = vmem_vm_write(vm, VMEM_GUEST_PD + gib * PAGE_SIZE_4K,
				  pd, sizeof(pd));
		if (r)
			return r;
	}
	return 0;
}

static int write_gdt_tss(struct vmem_vm *vm)
{
	__u64 gdt[5] = { 0, GDT_CODE64, GDT_DATA };
	__u8 tss[TSS_LIMIT + 1];
	__u64 base = VMEM_GUEST_TSS;
	int r;

	gdt[3] = TSS_LIMIT | (base & 0xffffff) << 16 |
		 (__u64)(0x80 | TSS_TYPE_BUSY) << 40 |
		 ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;
	r = vmem_vm_write(vm, VMEM_GUEST_GDT, gdt, sizeof(gdt));
	if (r)
		return r;

	/* No I/O permission bitmap: its offset points past the limit. */
	memset(tss, 0, sizeof(tss));
	tss[102] = sizeof(tss);
	return vmem_vm_write(vm, VMEM_GUEST_TSS, tss, sizeof(tss));
}

/*
 * The default handlers: each stub pushes a zero error code if the CPU did
 * not, pushes its vector and jumps to common code that reports through
 * VMEM_PORT_EXCEPTION and halts for good.
 */
static int write_default_stubs(struct vmem_vm *vm)
{
	static const __u8 common[] = {
		0x5f,			/* pop %rdi: vector */
		0x5e,			/* pop %rsi: error code */
		0x48, 0x8b, 0x14, 0x24,	/* mov (%rsp),%rdx: RIP */
		0x0f, 0x20, 0xd1,	/* mov %cr2,%rcx */
		0xe7, VMEM_PORT_EXCEPTION, /* out %eax,$port */
		0xfa,			/* cli */
		0xf4,			/* hlt */
		0xeb, 0xfd,		/* jmp hlt */
	};
	__u8 code[256 * VMEM_GUEST_EXC_STUB_SIZE + sizeof(common)];
	__u64 common_gpa = VMEM_GUEST_EXC_STUBS + 256 * VMEM_GUEST_EXC_STUB_SIZE;
	unsigned int v;

	memset(code, 0xcc, sizeof(code));
	for (v = 0; v < 256; v++) {
		__u8 *stub = code + v * VMEM_GUEST_EXC_STUB_SIZE, *p = stub;
		__u64 gpa = VMEM_GUEST_EXC_STUBS + v * VMEM_GUEST_EXC_STUB_SIZE;
		__s32 rel;

		if (!has_error_code(v)) {
			*p++ = 0x6a;	/* push $0 */
			*p++ = 0;
		}
		*p++ = 0x68;		/* push $imm32 */
		memcpy(p, &v, 4);
		p += 4;
		*p++ = 0xe9;		/* jmp rel32 */
		rel = (__s32)(common_gpa - (gpa + (p + 4 - stub)));
		memcpy(p, &rel, 4);
	}
	memcpy(code + 256 * VMEM_GUEST_EXC_STUB_SIZE, common, sizeof(common));
	return vmem_vm_write(vm, VMEM_GUEST_EXC_STUBS, code, sizeof(code));
}

/**
 * vmem_x86_set_idt() - point all 256 IDT gates at handler stubs.
 * @vm: the VM.
 * @stubs: guest address of the stub for vector 0.
 * @stride: bytes between consecutive vectors' stubs.
 *
 * Gates are 64-bit interrupt gates (IF cleared on entry), DPL 0, no IST.
 *
 * Return: 0 or -errno.
 */
int vmem_x86_set_idt(struct vmem_vm *vm, __u64 stubs, unsigned int stride)
{
	__u64 idt[512];
	unsigned int v;

	for (v = 0; v < 256; v++) {
		__u64 a = stubs + (__u64)v * stride;

		idt[2 * v] = (a & 0xffff) | (__u64)VMEM_GUEST_SEL_CODE << 16 |
			     (__u64)GATE_INTR << 40 |
			     ((a >> 16) & 0xffff) << 48;
		idt[2 * v + 1] = a >> 32;
	}
	return vmem_vm_write(vm, VMEM_GUEST_IDT, idt, sizeof(idt));
}

/**
 * vmem_x86_setup_vm() - write the system area of <vmem/layout.h>.
 * @vm: a new VM of at least VMEM_GUEST_LOAD_ADDR bytes.
 *
 * Writes the identity page tables, GDT, TSS, libvmem's default exception
 * stubs and an IDT that points at them. Touches only the system area.
 *
 * Return: 0, -EINVAL if the VM is too small, or -errno.
 */
int vmem_x86_setup_vm(struct vmem_vm *vm)
{
	int r;

	if (vm->mem_size < VMEM_GUEST_LOAD_ADDR)
		return -EINVAL;
	r = write_page_tables(vm);
	if (!r)
		r = write_gdt_tss(vm);
	if (!r)
		r = write_default_stubs(vm);
	if (!r)
		r = vmem_x86_set_idt(vm, VMEM_GUEST_EXC_STUBS,
				     VMEM_GUEST_EXC_STUB_SIZE);
	return r;
}

static void flat_segment(struct vmem_segment *s, __u16 sel, __u8 type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
}

/**
 * vmem_x86_long_mode_sregs() - turn @sregs into the layout's 64-bit state.
 * @sregs: usually what the vCPU reported; only segment, descriptor-table,
 *	   CR0/CR3/CR4 and EFER fields change (APIC base is kept).
 */
void vmem_x86_long_mode_sregs(struct vmem_sregs *sregs)
{
	flat_segment(&sregs->cs, VMEM_GUEST_SEL_CODE, 0xb);
	sregs->cs.l = 1;
	flat_segment(&sregs->ds, VMEM_GUEST_SEL_DATA, 0x3);
	sregs->ds.db = 1;
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;

	memset(&sregs->tr, 0, sizeof(sregs->tr));
	sregs->tr.selector = VMEM_GUEST_SEL_TSS;
	sregs->tr.base = VMEM_GUEST_TSS;
	sregs->tr.limit = TSS_LIMIT;
	sregs->tr.type = TSS_TYPE_BUSY;
	sregs->tr.present = 1;

	memset(&sregs->ldt, 0, sizeof(sregs->ldt));
	sregs->ldt.type = 0x2;
	sregs->ldt.present = 1;
	sregs->ldt.limit = 0xffff;
	sregs->ldt.unusable = 1;

	sregs->gdt.base = VMEM_GUEST_GDT;
	sregs->gdt.limit = 5 * 8 - 1;
	sregs->idt.base = VMEM_GUEST_IDT;
	sregs->idt.limit = 256 * 16 - 1;

	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		     X86_CR0_PG;
	sregs->cr3 = VMEM_GUEST_PML4;
	sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
}

/**
 * vmem_x86_setup_vcpu() - put a vCPU into the layout's entry state.
 * @vcpu: a vCPU of a VM prepared by vmem_x86_setup_vm().
 * @entry: guest RIP.
 * @args: values for RDI, RSI, RDX, RCX, R8, R9 (the C calling convention).
 * @nargs: how many, at most 6.
 *
 * RSP = VMEM_GUEST_STACK_TOP(id) - 8, where a zero return address is
 * written; RFLAGS = 0x2; other general registers zero.
 *
 * Return: 0, -EINVAL for more than 6 arguments, or -errno.
 */
int vmem_x86_setup_vcpu(struct vmem_vcpu *vcpu, __u64 entry,
			const __u64 *args, unsigned int nargs)
{
	__u64 *argp[6];
	struct vmem_sregs sregs;
	struct vmem_regs regs;
	__u64 zero = 0;
	unsigned int i;
	int r;

	if (nargs > 6)
		return -EINVAL;
	r = vmem_vcpu_get_sregs(vcpu, &sregs);
	if (r)
		return r;
	vmem_x86_long_mode_sregs(&sregs);
	r = vmem_vcpu_set_sregs(vcpu, &sregs);
	if (r)
		return r;

	memset(&regs, 0, sizeof(regs));
	argp[0] = &regs.rdi;
	argp[1] = &regs.rsi;
	argp[2] = &regs.rdx;
	argp[3] = &regs.rcx;
	argp[4] = &regs.r8;
	argp[5] = &regs.r9;
	for (i = 0; i < nargs; i++)
		*argp[i] = args[i];
	regs.rip = entry;
	regs.rflags = X86_RFLAGS_FIXED;
	regs.rsp = VMEM_GUEST_STACK_TOP(vcpu->id) - 8;
	r = vmem_vm_write(vcpu->vm, regs.rsp, &zero, sizeof(zero));
	if (r)
		return r;
	return vmem_vcpu_set_regs(vcpu, &regs);
}
