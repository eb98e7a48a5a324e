#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The receive path under libFuzzer with AddressSanitizer and UBSan
# (tools/testing/kho-fuzz): the whole boot-time handling of a handover
# (kho_in.c with the kernel's own userspace memblock, kho_restore.c,
# kho_scratch.c, kexec-metadata and the memblock subtree), the root FDT
# checks, the map walk and the tmpfs image checks, all built unchanged.
# Every seed of the corpus (real handovers as our kernel writes them and
# one per defect class of issue 12) must pass, then a fixed budget of
# mutated inputs per target, with no crash or sanitizer report.
. "$(dirname "$0")/../lib.sh"

runs=${KHO_FUZZ_RUNS:-10000}
command -v clang > /dev/null || fail "clang is missing (harness/deps.sh installs it)"
make -s -C "$KHO_ROOT/tools/testing/kho-fuzz" TREE="${KHO_BUILD:-$KHO_ROOT/build}/linux" \
	O="${KHO_BUILD:-$KHO_ROOT/build}/tools/kho-fuzz" all ||
	fail "the fuzzers do not build (clang with libFuzzer, libclang-rt-dev," \
		"and an assembled tree are needed)"
out=$("$KHO_ROOT/tools/testing/kho-fuzz/run-fuzz.sh" --runs "$runs" \
	"${KHO_BUILD:-$KHO_ROOT/build}/tools/kho-fuzz" 2>&1)
rc=$?
echo "$out" | sed 's/^/  /'
[ $rc -eq 0 ] || fail "a fuzzer crashed or reported a sanitizer error"
[ "$(echo "$out" | grep -c "^fuzz_.*: $runs executions, 0 crashes$")" -eq 4 ] ||
	fail "not all four fuzzers ran $runs inputs"
