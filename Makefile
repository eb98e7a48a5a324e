# SPDX-License-Identifier: GPL-2.0
#
# Kexec HandOver for Linux 6.12 LTS: build, test and demo driver.
#
#   make [kernel]  install build packages, fetch Debian's linux-source-6.12,
#                  lay the series over it and build the test kernel
#   make series    write the series as mails for git am to build/series
#   make check-series  build every prefix of the series (KEXEC_HANDOVER=y, =n)
#   make check-docs  build our documentation with make htmldocs (core-api,
#                  admin-guide/mm, filesystems) and fail on a warning about it
#   make check-static  W=1, sparse and kernel-doc -Wall on the series' own
#                  code (harness/check-static.sh; objects in build/obj/static)
#   make check     build what is needed and run every test (TAP, then
#                  "N passed, N failed")
#   make demo      boot the kernel in QEMU and live-update it with kexec
#   make demo-arm64  the same with our kernel built for arm64
#   make peer      fetch and build the newest Debian linux-source-7.X as the
#                  mainline kernel to hand over to and from (build/obj/peer)
#   make fuzz      fuzz the receive path for FUZZ_TIME seconds (default 600)
#                  with libFuzzer, ASan and UBSan (tools/testing/kho-fuzz)
#   make bench     measure preserve, restore, boot and blackout on our kernel
#                  and on the peer, side by side (BENCH_REPS, default 9):
#                  build/bench/results.md, results.json, restore.png, boot.png
#   make kernel-debug  build the debug test kernel (KASAN, KFENCE, lockdep,
#                  DEBUG_VM, DEBUG_PAGEALLOC, ...) in build/obj/debug
#   make kernel-arm64  cross-compile the test kernel for arm64 in
#                  build/obj/arm64 and fetch the arm64 guest's programs
#
# Everything generated lives in build/.

BASE_PKG    ?= linux-source-6.12
BUILD       := $(CURDIR)/build
PRISTINE    := $(BUILD)/src/linux-6.12
TREE        := $(BUILD)/linux
OUT         := $(BUILD)/obj/ours
BZIMAGE     := $(OUT)/arch/x86/boot/bzImage
PEER_BZIMAGE := $(BUILD)/obj/peer/arch/x86/boot/bzImage
ARM64_OUT   := $(BUILD)/obj/arm64
ARM64_IMAGE := $(ARM64_OUT)/arch/arm64/boot/Image
DEBUG_OUT   := $(BUILD)/obj/debug
KHO_SERIES  ?= $(CURDIR)/patches/series
CONFIGS     := $(CURDIR)/harness/kho.config
DEBUG_CONFIGS := $(CONFIGS) $(CURDIR)/harness/kho-debug.config

export KHO_ROOT := $(CURDIR)
export KHO_BUILD := $(BUILD)
# ccache in depend mode (see harness/lib.sh): also for the tests' builds.
ifeq ($(CCACHE_NODEPEND),)
export CCACHE_DEPEND ?= 1
else
unexport CCACHE_DEPEND
endif

# One top-level target at a time: they build into the same directories.
.NOTPARALLEL:

.PHONY: all kernel kernel-debug kernel-arm64 demo-arm64 deps source assemble series check-series check-docs check-static check demo peer fuzz bench clean distclean

all: kernel

deps:
	@harness/deps.sh

source: deps
	@harness/fetch-source.sh $(BASE_PKG) $(PRISTINE)

assemble: source
	@harness/assemble.sh --series $(KHO_SERIES) $(PRISTINE) $(TREE)

kernel: assemble
	@harness/build-kernel.sh $(TREE) $(OUT) $(CONFIGS)

# The series as mails for git am, signed off by SIGNOFF="Name <mail>" or
# this repository's git identity (harness/make-series.py).
series: source
	@harness/make-series.py $(PRISTINE) $(BUILD)/series

# Every prefix of the series builds, with KEXEC_HANDOVER=y and =n.
check-series: source
	@harness/check-series.sh

# Our pages build with the kernel's make htmldocs without a warning
# (harness/check-docs.sh; HTML in build/obj/docs/Documentation/output).
check-docs: assemble
	@harness/check-docs.sh

# W=1, sparse and kernel-doc -Wall: no finding in the files the series adds
# nor on the lines it adds to upstream files.
check-static: assemble
	@harness/deps.sh sparse
	@harness/check-static.sh

kernel-debug: assemble
	@harness/build-kernel.sh $(TREE) $(DEBUG_OUT) $(DEBUG_CONFIGS)

# Our kernel for arm64 (cross-compiled; harness/kho-arm64.config) and the
# arm64 guest's programs from Debian's arm64 packages.
kernel-arm64: assemble
	@harness/build-arm64.sh $(TREE) $(ARM64_OUT)

# QEMU tests run two at a time (run-tests.sh, KHO_TEST_JOBS): under TCG
# each keeps about one core busy.
TEST_JOBS ?= 2

# harness/check.sh: our kernel first (a build that fails is reported as a
# failed test, so that the run still ends with its summary line), then the
# tests, while the mainline peer and the debug kernel are built behind them
# at the lowest priority. The tests that need one of those start once it is
# built; when it cannot be built they fail, naming its log in
# build/test-logs, and the other tests still run.
check:
	@KHO_KERNEL=$(BZIMAGE) KHO_PEER_KERNEL=$(PEER_BZIMAGE) \
		KHO_DEBUG_OUT=$(DEBUG_OUT) KHO_DEBUG_CONFIGS="$(DEBUG_CONFIGS)" \
		KHO_ARM64_OUT=$(ARM64_OUT) \
		KHO_TEST_JOBS=$(TEST_JOBS) harness/check.sh $(TESTS)

# Nine: a boot under TCG on this kind of machine now and then stalls for
# 0.3-2 s (one run in four in harness/bench.sh's runs of 2026-12-02); the
# median of nine stays off up to four such runs.
BENCH_REPS ?= 9
bench: kernel peer
	@KHO_KERNEL=$(BZIMAGE) KHO_PEER_KERNEL=$(PEER_BZIMAGE) harness/bench.sh -r $(BENCH_REPS)

# make demo ARCH=arm64 is make demo-arm64. The harness gives kbuild its
# ARCH itself, so ours must not reach it (it would cross-build the x86
# kernels): neither through the environment nor MAKEFLAGS.
KHO_ARCH_ARG := $(ARCH)
unexport ARCH
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))
ifneq ($(filter-out x86 x86_64 arm64,$(KHO_ARCH_ARG)),)
$(error ARCH=$(KHO_ARCH_ARG): the series is built for x86_64 and arm64)
endif

ifeq ($(KHO_ARCH_ARG),arm64)
demo: demo-arm64
else
demo: kernel
	@KHO_KERNEL=$(BZIMAGE) harness/demo.sh
endif

# The same live update on arm64 (QEMU's virt machine, TCG).
demo-arm64: kernel-arm64
	@KHO_KERNEL=$(ARM64_IMAGE) KHO_ARCH=arm64 harness/demo.sh

peer: deps
	@harness/peer.sh

FUZZ_TIME ?= 600
fuzz: assemble
	@nice $(MAKE) --no-print-directory -C tools/testing/kho-fuzz TREE=$(TREE) \
		O=$(BUILD)/tools/kho-fuzz FUZZ_TIME=$(FUZZ_TIME) run

clean:
	rm -rf $(BUILD)/obj $(BUILD)/test-logs $(BUILD)/tools

distclean:
	rm -rf $(BUILD)
