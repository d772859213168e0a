# SPDX-License-Identifier: GPL-2.0
#
# vmem top-level build.
#   make            module + userland + selftests (installs missing packages)
#   make check      everything, then the tests in the sandbox; ends "N passed, M failed"
#                   (the suite runs twice: SVM backend under QEMU, VMX under Bochs)
#   make check-svm  only the SVM half;  make check-vmx  only the VMX half
#   make demo       example guests and page sharing, in the sandbox
#   make check-debug  the same suite on a KASAN/lockdep/kmemleak/UBSAN kernel
#                   (built once by tools/debug-kernel, ~15 min, then cached)
#   make sandbox    an interactive shell in the sandbox with vmem.ko loaded
#   make bench      the benchmarks in one sandbox boot (vmem vs KVM)
#   make bench-share  only page sharing: vmem's scanner vs KSM (~3.5 min)
#   make C=1        the same build with sparse on the module
#
# The module builds against KDIR: the running kernel's build tree when there
# is one, else the sandbox kernel's headers. `make check` always builds
# against the sandbox kernel, since that is what the tests boot.

TOP := $(CURDIR)
CONFIG_MK := $(TOP)/build/config.mk

# tools/install-deps writes build/config.mk: KVER, KDIR, SANDBOX_VMLINUZ, ...
-include $(CONFIG_MK)
SANDBOX_KDIR := $(KDIR)
HOST_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR),file)
  KDIR := $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),$(SANDBOX_KDIR))
endif

PAYLOAD := $(TOP)/build/payload

all: module userland selftests unit

deps:
	@$(TOP)/tools/install-deps

$(CONFIG_MK):
	@$(TOP)/tools/install-deps

module: $(CONFIG_MK)
	$(MAKE) -C $(KDIR) M=$(TOP) modules

selftests: $(CONFIG_MK)
	$(MAKE) -C selftests KSFT_DIR=$(TOP)/build/kselftest

unit: $(CONFIG_MK)
	$(MAKE) -C selftests/unit KSFT_DIR=$(TOP)/build/kselftest

userland:
	$(MAKE) -C userland

# What the sandbox sees as /vmem.
payload: selftests userland
	$(MAKE) KDIR=$(SANDBOX_KDIR) module
	rm -rf $(PAYLOAD) && mkdir -p $(PAYLOAD)
	cp module/vmem.ko selftests/run_all.sh userland/vmemctl/vmemctl $(PAYLOAD)/
	$(MAKE) -C selftests install KSFT_DIR=$(TOP)/build/kselftest \
		DESTDIR=$(PAYLOAD)/selftests

DEMO_PAYLOAD := $(TOP)/build/demo-payload

# The main job: example guests, then page sharing among identical guests.
demo: deps userland
	$(MAKE) KDIR=$(SANDBOX_KDIR) module
	rm -rf $(DEMO_PAYLOAD) && mkdir -p $(DEMO_PAYLOAD)
	cp module/vmem.ko userland/vmemctl/vmemctl userland/examples/*.elf \
		userland/examples/*.bin tools/demo-guest.sh $(DEMO_PAYLOAD)/
	$(TOP)/tools/sandbox --payload $(DEMO_PAYLOAD) \
		--module $(DEMO_PAYLOAD)/vmem.ko --timeout 900 -- sh demo-guest.sh

BENCH_PAYLOAD := $(TOP)/build/bench-payload

# Both benchmarks in one sandbox boot; bench-share: only vmem's page sharing
# against KSM. The share results (CSV, table, PNG plot) go to bench/results/;
# the plot needs gnuplot, installed from Debian's archive if missing.
bench: BENCH_WHICH := all
bench-share: BENCH_WHICH := share
bench bench-share: deps
	$(MAKE) KDIR=$(SANDBOX_KDIR) module
	$(MAKE) -C bench
	@command -v gnuplot >/dev/null 2>&1 || \
		apt-get install -y --no-install-recommends gnuplot-nox || \
		{ apt-get update && apt-get install -y --no-install-recommends gnuplot-nox; }
	rm -rf $(BENCH_PAYLOAD) && mkdir -p $(BENCH_PAYLOAD)/bench
	cp module/vmem.ko $(BENCH_PAYLOAD)/
	cp bench/guest_bench bench/share_bench bench/run.sh $(BENCH_PAYLOAD)/bench/
	$(TOP)/bench/sandbox-run.sh $(BENCH_PAYLOAD) $(BENCH_WHICH) $(TOP)/build/$@.log

.PHONY: bench-share

check: deps
	@$(TOP)/tools/check

check-svm: deps
	@$(TOP)/tools/check svm

check-vmx: deps
	@$(TOP)/tools/check vmx

# The payload of `make check`, with vmem.ko built against the debug kernel
# (DEBUG_KDIR, from tools/debug-kernel --env) in a copy of the module sources
# under build/, so it never touches module/*.o or build/payload.
DEBUG_PAYLOAD := $(TOP)/build/debug-payload
DEBUG_SRC := $(TOP)/build/debug-src

debug-payload: selftests userland
	@test -f "$(DEBUG_KDIR)/Module.symvers" || \
		{ echo "debug-payload: DEBUG_KDIR='$(DEBUG_KDIR)' is not a built kernel tree"; exit 1; }
	mkdir -p $(DEBUG_SRC)
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude=modules.order --exclude=Module.symvers \
		Kbuild include module | tar -xf - -C $(DEBUG_SRC)
	$(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_SRC) modules
	rm -rf $(DEBUG_PAYLOAD) && mkdir -p $(DEBUG_PAYLOAD)
	cp $(DEBUG_SRC)/module/vmem.ko selftests/run_all.sh \
		tools/debug-kernel-guest.sh userland/vmemctl/vmemctl $(DEBUG_PAYLOAD)/
	$(MAKE) -C selftests install KSFT_DIR=$(TOP)/build/kselftest \
		DESTDIR=$(DEBUG_PAYLOAD)/selftests

check-debug: deps
	@$(TOP)/tools/debug-kernel-check

sandbox: deps payload
	$(TOP)/tools/sandbox --interactive --payload $(PAYLOAD) --kvm-modules \
		--module $(PAYLOAD)/vmem.ko

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	$(MAKE) -C selftests clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C bench clean
	$(MAKE) -C userland clean
	rm -rf $(PAYLOAD)

.PHONY: all deps module selftests unit userland payload demo bench check check-svm \
	check-vmx sandbox clean \
	debug-payload check-debug
