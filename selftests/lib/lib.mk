# SPDX-License-Identifier: GPL-2.0
#
# libvmemtest.a, the guest-code test library, as a make fragment. Include it
# from any Makefile (paths are resolved relative to this file); it defines
#   LIBVMEMTEST, LIBVMEM           the archives (rules to build both)
#   VMEMTEST_CFLAGS                flags for test sources with guest code
#   VMEMTEST_LDFLAGS               link flags (-no-pie: GVA == link address)
#   VMEMTEST_LDLIBS                the archives, in link order
#
# Guest code must not use the red zone (exceptions push frames onto the
# interrupted stack), a stack protector (%fs is not set up in the guest) or
# position-independent addressing; hence the flags.

# Leave the includer's default goal alone.
VMEMTEST_SAVED_GOAL := $(.DEFAULT_GOAL)

VMEMTEST_LIBDIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VMEMTEST_ROOT := $(VMEMTEST_LIBDIR)/../..
LIBVMEM_DIR := $(VMEMTEST_ROOT)/userland
LIBVMEM := $(LIBVMEM_DIR)/libvmem.a
LIBVMEMTEST := $(VMEMTEST_LIBDIR)/libvmemtest.a

VMEMTEST_CFLAGS := -I$(VMEMTEST_LIBDIR)/../include -I$(LIBVMEM_DIR)/include \
	-I$(VMEMTEST_ROOT)/include/uapi \
	-fno-pie -mno-red-zone -fno-stack-protector
VMEMTEST_LDFLAGS := -no-pie -pthread
VMEMTEST_LDLIBS := $(LIBVMEMTEST) $(LIBVMEM)

VMEMTEST_SRCS := $(wildcard $(VMEMTEST_LIBDIR)/*.c $(VMEMTEST_LIBDIR)/*.S)
VMEMTEST_OBJS := $(addsuffix .o,$(basename $(VMEMTEST_SRCS)))
VMEMTEST_HDRS := $(wildcard $(VMEMTEST_LIBDIR)/../include/*.h \
			    $(LIBVMEM_DIR)/include/vmem/*.h)
VMEMTEST_LIB_CFLAGS := -O2 -g -Wall -Wstrict-prototypes -D_GNU_SOURCE \
	$(VMEMTEST_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns

$(LIBVMEMTEST): $(VMEMTEST_OBJS)
	$(AR) rcs $@ $^

$(VMEMTEST_LIBDIR)/%.o: $(VMEMTEST_LIBDIR)/%.c $(VMEMTEST_HDRS)
	$(CC) $(VMEMTEST_LIB_CFLAGS) -c $< -o $@

$(VMEMTEST_LIBDIR)/%.o: $(VMEMTEST_LIBDIR)/%.S
	$(CC) $(VMEMTEST_LIB_CFLAGS) -c $< -o $@

$(LIBVMEM): FORCE
	$(MAKE) -C $(LIBVMEM_DIR) libvmem.a

vmemtest-clean:
	rm -f $(VMEMTEST_OBJS) $(LIBVMEMTEST)

FORCE:

.PHONY: vmemtest-clean FORCE

.DEFAULT_GOAL := $(VMEMTEST_SAVED_GOAL)
