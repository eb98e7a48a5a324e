#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [TEST...]: make check. Builds our kernel, then runs the tests
# (tools/testing/selftests/kho/run-tests.sh) while the mainline peer, our
# arm64 kernel and the debug kernel are built behind them.
#
# Most tests need only our kernel. The peer, arm64 and debug kernels are built
# one after the other at the lowest priority, in whatever time the tests
# leave idle (under TCG a QEMU test keeps its core nearly busy, so that is
# about a quarter of a 2-core machine: see README.md, Time), each into its
# log in the test log directory; run-tests.sh
# starts the tests that need one of them once it is there. A kernel that
# cannot be built makes the tests that need it fail, naming the log; the
# other tests still run.
#
# The Makefile passes KHO_KERNEL, KHO_PEER_KERNEL, KHO_DEBUG_OUT,
# KHO_ARM64_OUT and KHO_DEBUG_CONFIGS (a list of paths without spaces); the
# defaults below are its own.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tree=$KHO_BUILD/linux
kernel=${KHO_KERNEL:-$KHO_BUILD/obj/ours/arch/x86/boot/bzImage}
peer_kernel=${KHO_PEER_KERNEL:-$KHO_BUILD/obj/peer/arch/x86/boot/bzImage}
debug_out=${KHO_DEBUG_OUT:-$KHO_BUILD/obj/debug}
arm64_out=${KHO_ARM64_OUT:-$KHO_BUILD/obj/arm64}
read -ra debug_configs <<< \
	"${KHO_DEBUG_CONFIGS:-$KHO_ROOT/harness/kho.config $KHO_ROOT/harness/kho-debug.config}"
export KHO_LOGDIR=${KHO_LOGDIR:-$KHO_BUILD/test-logs}
pending=$KHO_BUILD/pending

# Two runs in one build directory would build into the same objects. The
# lock is inherited by the builder, so a builder left behind by a killed
# run still holds it.
mkdir -p "$KHO_BUILD" "$KHO_LOGDIR"
exec {lock}> "$KHO_BUILD/check.lock" || die "cannot open $KHO_BUILD/check.lock"
flock -n "$lock" || die "another make check (or its kernel builds) is running in $KHO_BUILD"

# kill_tree PID: send SIGTERM to PID and everything it started.
kill_tree() {
	local child

	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		kill_tree "$child"
	done
	kill -TERM "$1" 2>/dev/null
}

# stop NUMBER: end what this run started and exit as killed by signal
# NUMBER. make kernel and the tests stay in make's process group, where a
# password prompt of sudo (deps.sh) can read the terminal; the builder,
# which never asks, is a process group of its own.
builder= running=
stop() {
	trap - INT TERM HUP
	[ -n "$running" ] && kill_tree "$running"
	[ -n "$builder" ] && kill -TERM -- "-$builder" 2>/dev/null
	wait
	exit $((128 + $1))
}
trap 'stop 2' INT
trap 'stop 15' TERM
trap 'stop 1' HUP

# run COMMAND...: run COMMAND in the background and wait for it, so that a
# signal is handled at once rather than when COMMAND ends.
run() {
	"$@" &
	running=$!
	wait "$running"
	local rc=$?
	running=
	return $rc
}

if ! run make -C "$KHO_ROOT" --no-print-directory kernel; then
	printf 'TAP version 13\n1..1\nnot ok 1 - build (make kernel failed, see above)\n'
	echo "0 passed, 1 failed"
	exit 1
fi

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

# The tree was just assembled by make kernel: the debug kernel is built
# from it directly, so that nothing re-assembles the tree the tests read.
set -m
(
	build_behind peer "$KHO_LOGDIR/build-peer.log" "$KHO_ROOT/harness/peer.sh"
	build_behind arm64 "$KHO_LOGDIR/build-arm64.log" \
		"$KHO_ROOT/harness/build-arm64.sh" "$tree" "$arm64_out"
	build_behind debug "$KHO_LOGDIR/build-debug.log" \
		"$KHO_ROOT/harness/build-kernel.sh" "$tree" "$debug_out" "${debug_configs[@]}"
) < /dev/null > /dev/null 2>&1 &
builder=$!
set +m

KHO_KERNEL=$kernel KHO_PEER_KERNEL=$peer_kernel KHO_PEER_PENDING=$pending/peer.rc \
KHO_DEBUG_KERNEL=$debug_out/arch/x86/boot/bzImage \
KHO_DEBUG_PENDING=$pending/debug.rc KHO_BUILDER_PID=$builder \
KHO_ARM64_KERNEL=$arm64_out/arch/arm64/boot/Image KHO_ARM64_PENDING=$pending/arm64.rc \
KHO_ARM64_PEER_KERNEL=$KHO_BUILD/obj/peer-arm64/arch/arm64/boot/Image \
KHO_TEST_JOBS=${KHO_TEST_JOBS:-2} \
	run "$KHO_ROOT/tools/testing/selftests/kho/run-tests.sh" "$@" < /dev/null
rc=$?
# A run of some tests only may end before the builds do: they finish, as
# make check always builds every kernel, and a failed one is named
# (the exit status is the tests').
if [ ! -f "$pending/debug.rc" ]; then
	echo "make check: waiting for the peer, arm64 and debug kernel builds" \
		"(logs: $KHO_LOGDIR/build-{peer,arm64,debug}.log)" >&2
fi
wait "$builder"
builder=
for name in peer arm64 debug; do
	[ "$(cat "$pending/$name.rc" 2>/dev/null)" = 0 ] ||
		echo "error: the $name kernel could not be built (log: $KHO_LOGDIR/build-$name.log)" >&2
done
exit $rc
