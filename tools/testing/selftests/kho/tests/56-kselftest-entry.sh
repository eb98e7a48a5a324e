#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tools/testing/selftests/kho is a kselftest of the kernel tree it is in.
# From build/linux (the tree git am of the series gives, test 09), with the
# kernel under test as KHO_KERNEL:
# 1. make -C tools/testing/selftests TARGETS=kho run_tests: kselftest's
#    runner reads kho/settings (no timeout) and runs kho_vmtest.sh on
#    tests 03 and 10; their TAP is nested in the runner's, each is ok, the
#    runner's line for kho_vmtest.sh is ok, make exits 0.
# 2. make ... install, then run_kselftest.sh: the installed copy, outside
#    any kernel tree, runs test 03 (chosen by name, through
#    KSELFTEST_KHO_VMTEST_SH_ARGS) and passes.
# 3. Negative controls: the installed copy with test 03 made to expect a
#    KUnit suite that does not exist reports "not ok" for it and exits 1;
#    without KHO_KERNEL and outside a tree it fails (exit 1, the runner says
#    "not ok ... # exit=1"), naming what is missing: no skip.
# 4. The kernel it builds when KHO_KERNEL is not given: kho/config and
#    kho/vm.config (CONFIG_NR_CPUS, kept out of config for kselftest-merge)
#    hold the options of harness/kho.config, and kho_vmtest.sh -c, run by
#    make run_tests, configures from them the .config of the test kernel,
#    line for line.
# Nothing in build/linux is written.
. "$(dirname "$0")/../lib.sh"

need_kernel
tree=$KHO_ROOT/build/linux
ksft=$tree/tools/testing/selftests
[ -f "$tree/.kho-manifest" ] || fail "no assembled tree; run make kernel"
diff -rq "$KT_DIR" "$ksft/kho" > /dev/null ||
	fail "$ksft/kho is not this repository's copy; run make kernel"
command -v rsync > /dev/null || "$KHO_ROOT/harness/deps.sh" rsync > /dev/null ||
	fail "rsync is missing (kselftest's make install needs it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/stamp"
# What the harness would pass on, and that a kernel tree does not have.
unset KHO_PEER_KERNEL KHO_DEBUG_KERNEL KHO_VMTEST_TESTS srctree KHO_TREE
rc=0

# kselftest's runner writes the TAP of a test through a descriptor of its
# own that it opens on /dev/stdout for appending: a file it writes to must
# be opened for appending too, or the two overwrite each other.
echo "  -- 1. make run_tests in the tree, tests 03 and 10"
out=$tmp/run_tests.out
KHO_OUTPUT=$tmp/out1 KHO_VMTEST_TESTS="03 10" \
	make -C "$ksft" TARGETS=kho O="$tmp/obj" run_tests >> "$out" 2>&1
status=$?
sed 's/^/    | /' "$out"
if [ $status = 0 ]; then
	echo "  ok: make run_tests exited 0"
else
	echo "  make run_tests exited $status"
	rc=1
fi
expect "$out" '^TAP version 13$' "kselftest's TAP header" || rc=1
expect "$out" '^1\.\.1$' "the runner's plan: one program" || rc=1
expect "$out" '^# timeout set to 0$' "kho/settings lifts the runner's 45 s timeout" || rc=1
expect "$out" '^# 1\.\.2$' "the nested plan of two tests" || rc=1
expect "$out" '^# ok 1 - 03-kunit ' "test 03 ok" || rc=1
expect "$out" '^# ok 2 - 10-kexec-roundtrip ' "test 10 ok" || rc=1
expect "$out" '^# # 2 passed, 0 failed$' "the nested summary" || rc=1
expect "$out" '^ok 1 selftests: kho: kho_vmtest\.sh$' "the runner's ok" || rc=1
expect "$tmp/out1/logs/kexec-roundtrip.log" '^# log-check: clean' \
	"the QEMU log went to KHO_OUTPUT and was checked" || rc=1

echo "  -- 2. make install, run_kselftest.sh from the installed copy, test 03-kunit"
inst=$tmp/install
make -C "$ksft" TARGETS=kho O="$tmp/obj" KSFT_INSTALL_PATH="$inst" install \
	> "$tmp/install.out" 2>&1 || { cat "$tmp/install.out"; fail "make install failed"; }
[ "$(cat "$inst/kselftest-list.txt")" = "kho:kho_vmtest.sh" ] ||
	{ cat "$inst/kselftest-list.txt"; fail "kselftest-list.txt is not kho:kho_vmtest.sh"; }
for f in kho_vmtest.sh run-tests.sh run-qemu.sh lib.sh config settings kho_tree.c \
	scenarios/idle.sh tests/03-kunit.sh; do
	[ -f "$inst/kho/$f" ] || { echo "  not installed: kho/$f"; rc=1; }
done
[ -x "$inst/kho/kho_vmtest.sh" ] || { echo "  kho_vmtest.sh is not executable"; rc=1; }
out=$tmp/installed.out
KHO_OUTPUT=$tmp/out2 KSELFTEST_KHO_VMTEST_SH_ARGS=03-kunit "$inst/run_kselftest.sh" \
	>> "$out" 2>&1
sed 's/^/    | /' "$out"
expect "$out" '^# ok 1 - 03-kunit ' "test 03 ok in the installed copy" || rc=1
expect "$out" '^ok 1 selftests: kho: kho_vmtest\.sh$' "the runner's ok" || rc=1

echo "  -- 3. negative controls"
sed -i 's/^suites="/suites="kho_absent /' "$inst/kho/tests/03-kunit.sh"
grep -q '^suites="kho_absent ' "$inst/kho/tests/03-kunit.sh" ||
	fail "cannot plant the missing suite in the installed test 03"
out=$tmp/broken.out
(cd / && KHO_OUTPUT=$tmp/out3 "$inst/kho/kho_vmtest.sh" 03) > "$out" 2>&1
status=$?
sed 's/^/    | /' "$out"
if [ $status = 1 ]; then
	echo "  ok: a failing test: kho_vmtest.sh exited 1"
else
	echo "  a failing test: kho_vmtest.sh exited $status, not 1"
	rc=1
fi
expect "$out" '^not ok 1 - 03-kunit ' "the failing test is not ok" || rc=1
expect "$out" 'missing in kunit\.log: KUnit suite kho_absent passed' \
	"it names the suite it did not find" || rc=1
out=$tmp/nokernel.out
(unset KHO_KERNEL; KHO_OUTPUT=$tmp/out4 "$inst/kho/kho_vmtest.sh") > "$out" 2>&1
status=$?
sed 's/^/    | /' "$out"
if [ $status = 1 ]; then
	echo "  ok: no kernel: kho_vmtest.sh exited 1"
else
	echo "  no kernel: kho_vmtest.sh exited $status, not 1"
	rc=1
fi
expect "$out" '^# error: no kernel to test: set KHO_KERNEL ' "it names what is missing" || rc=1
expect "$out" '^not ok 1 - kernel$' "reported as not ok" || rc=1
out=$tmp/nokernel-runner.out
(unset KHO_KERNEL; KHO_OUTPUT=$tmp/out4 "$inst/run_kselftest.sh") >> "$out" 2>&1
expect "$out" '^not ok 1 selftests: kho: kho_vmtest\.sh # exit=1$' \
	"kselftest's runner says not ok, exit 1, not SKIP" || rc=1

echo "  -- 4. the kernel configuration it builds from the tree"
if diff <(grep -h '^CONFIG_' "$KHO_ROOT/harness/kho.config" | sort) \
	<(grep -h '^CONFIG_' "$ksft/kho/config" "$ksft/kho/vm.config" | sort) \
	> "$tmp/options.diff"; then
	echo "  ok: kho/config and kho/vm.config have the options of harness/kho.config"
else
	sed 's/^/    /' "$tmp/options.diff"
	echo "  kho/config and kho/vm.config differ from harness/kho.config"
	rc=1
fi
# Through kselftest's make, whose variables kbuild must not see.
out=$tmp/config.out
KHO_OUTPUT=$tmp/out5 KSELFTEST_KHO_VMTEST_SH_ARGS=-c \
	make -C "$ksft" TARGETS=kho O="$tmp/obj" run_tests >> "$out" 2>&1
expect "$out" '^ok 1 selftests: kho: kho_vmtest\.sh$' "kho_vmtest.sh -c under make run_tests" ||
	{ cat "$out"; fail "kho_vmtest.sh -c failed"; }
ours=$(dirname "$KHO_KERNEL")/../../../.config
[ -f "$ours" ] || fail "no .config next to KHO_KERNEL ($ours)"
if diff "$ours" "$tmp/out5/kernel/.config" > "$tmp/config.diff"; then
	echo "  ok: kho_vmtest.sh -c configures the test kernel's .config"
else
	sed 's/^/    /' "$tmp/config.diff"
	echo "  kho_vmtest.sh -c configures another .config than the test kernel's"
	rc=1
fi

changed=$(find "$tree" -newer "$tmp/stamp" -print -quit)
if [ -z "$changed" ]; then
	echo "  ok: nothing in build/linux was written"
else
	echo "  build/linux was written to: $changed"
	rc=1
fi
[ $rc = 0 ] || fail "tools/testing/selftests/kho as a kselftest"
