#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [TEST...]: make check. Builds our kernel, then runs the tests
# (tools/testing/selftests/kho/run-tests.sh) while the mainline peer and the
# debug kernel are built behind them.
#
# Most tests need only our kernel, and a QEMU test under TCG leaves part of
# a core idle (boots, kexec, the host side of a test). The peer and the
# debug kernel are built one after the other at the lowest priority in that
# idle time, each into its log in the test log directory; run-tests.sh
# starts the tests that need one of them once it is there. A kernel that
# cannot be built makes the tests that need it fail, naming the log; the
# other tests still run.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tree=$KHO_BUILD/linux
peer_bzimage=$KHO_BUILD/obj/peer/arch/x86/boot/bzImage
debug_out=$KHO_BUILD/obj/debug
selftests=$KHO_ROOT/tools/testing/selftests/kho
logdir=${KHO_LOGDIR:-$KHO_BUILD/test-logs}
pending=$KHO_BUILD/pending

if ! make -C "$KHO_ROOT" --no-print-directory kernel; then
	printf 'TAP version 13\n1..1\nnot ok 1 - build (make kernel failed, see above)\n'
	echo "0 passed, 1 failed"
	exit 1
fi

mkdir -p "$logdir"
rm -rf "$pending"
mkdir -p "$pending"

# build_behind NAME LOG COMMAND...: run COMMAND at the lowest priority with
# its output in LOG, then leave its exit status in $pending/NAME.rc.
build_behind() {
	local name=$1 log=$2 rc

	shift 2
	nice -n 19 "$@" > "$log" 2>&1
	rc=$?
	echo "$rc" > "$pending/$name.rc.tmp"
	mv "$pending/$name.rc.tmp" "$pending/$name.rc"
}

# The tree was just assembled by make kernel: build the debug kernel from
# it directly, so that nothing re-assembles the tree the tests read.
# The builder is its own process group (set -m), so that an interrupted
# check stops every compiler it started.
set -m
(
	build_behind peer "$logdir/build-peer.log" "$KHO_ROOT/harness/peer.sh"
	build_behind debug "$logdir/build-debug.log" \
		"$KHO_ROOT/harness/build-kernel.sh" "$tree" "$debug_out" \
		"$KHO_ROOT/harness/kho.config" "$KHO_ROOT/harness/kho-debug.config"
) &
builder=$!
set +m
trap 'kill -- -$builder 2>/dev/null; exit 130' INT TERM

KHO_KERNEL=$KHO_BUILD/obj/ours/arch/x86/boot/bzImage \
KHO_PEER_KERNEL=$peer_bzimage KHO_PEER_PENDING=$pending/peer.rc \
KHO_DEBUG_KERNEL=$debug_out/arch/x86/boot/bzImage \
KHO_DEBUG_PENDING=$pending/debug.rc KHO_BUILDER_PID=$builder \
KHO_TEST_JOBS=${KHO_TEST_JOBS:-2} "$selftests/run-tests.sh" "$@"
rc=$?
# A run of some tests only may end before the builds do: they finish, as
# make check always built all three kernels.
wait "$builder"
exit $rc
