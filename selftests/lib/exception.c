// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exception dispatch. Every IDT vector enters a stub in handlers.S
 * that saves the interrupted state and calls route_exception(), which runs
 * the handler the test installed for the vector or reports UCALL_UNHANDLED
 * to the host. The handler table is a global of the test binary, so the
 * host installs a handler by writing the guest's copy of it.
 */
#include "vmem_test.h"

exception_handler_t vmem_exception_handlers[256];

void route_exception(struct ex_regs *regs);

/**
 * route_exception() - guest: called by handlers.S for every exception.
 * @regs: the saved state; changes are restored by IRETQ.
 */
void route_exception(struct ex_regs *regs)
{
	exception_handler_t handler = vmem_exception_handlers[regs->vector & 0xff];

	if (handler) {
		handler(regs);
		return;
	}
	ucall(UCALL_UNHANDLED, 4, regs->vector, regs->error_code, regs->rip,
	      read_cr2());
	for (;;)
		asm volatile("cli; hlt");
}

/**
 * vm_install_exception_handler() - host: route @vector to @handler.
 * @vm: the VM (created with the test binary loaded).
 * @vector: 0 .. 255.
 * @handler: a function of the test binary, or NULL for "unhandled".
 */
void vm_install_exception_handler(struct vmem_test_vm *vm, int vector,
				  exception_handler_t handler)
{
	TEST_ASSERT(vector >= 0 && vector < 256, "vector %d", vector);
	TEST_ASSERT(vm->has_image, "no guest startup code in this VM");
	vm_write_guest(vm, (unsigned long)&vmem_exception_handlers[vector],
		       &handler, sizeof(handler));
}
