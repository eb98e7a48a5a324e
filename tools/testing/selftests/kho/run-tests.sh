#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh [TEST...]: run the tests in tests/ (or the ones named) and
# print TAP, then one line "N passed, N failed". Each test's full output is
# kept in $KHO_LOGDIR/<test>.out and its last lines are shown on failure.
# Exit status is non-zero when any test failed.
#
# Every QEMU run of a test has its kernel log checked (run-qemu.sh,
# log-check.sh) and records the verdict in $KHO_LOGDIR/<test>.runs: a test
# with a run whose log was not clean fails, whatever the test script said.
#
# KHO_TEST_JOBS=N (default 1) runs up to N tests at once. A QEMU test
# under TCG keeps about one core busy, most of it in one vCPU thread, so
# two of them share a 2-core machine well, as do the tests that build or
# check with one process at a time (01, 02, 04, 05, 08, 09, 33, 34, 51,
# 55, 56: user plus system time about equal to their wall time). The tests in
# KHO_ALONE_TESTS run alone: 00 runs make kernel, 07, 53 and 54 build
# with make -jN (1.4 to 2 cores), and 52 builds every prefix of the series
# when their digest changed. The TAP lines come out in test order either
# way.
#
# KHO_PEER_PENDING, KHO_ARM64_PENDING and KHO_DEBUG_PENDING name files that
# do not exist yet when the peer, our arm64 kernel or the debug kernel is
# still being built behind the tests (harness/check.sh, KHO_BUILDER_PID the
# builder): the file then receives the build's exit status. The tests that
# need only our kernel then run first, those that need the peer once it is
# built, then the arm64 tests, the debug: runs last. The tests themselves
# do not see these four variables.
set -uo pipefail
export -n KHO_PEER_PENDING KHO_ARM64_PENDING KHO_DEBUG_PENDING KHO_BUILDER_PID

here=$(cd "$(dirname "$0")" && pwd)
export KHO_ROOT=${KHO_ROOT:-$(cd "$here/../../../.." && pwd)}
export KHO_LOGDIR=${KHO_LOGDIR:-$KHO_ROOT/build/test-logs}
mkdir -p "$KHO_LOGDIR"

# The tests that also run on the debug kernel (KASAN, KFENCE, lockdep,
# DEBUG_VM, DEBUG_PAGEALLOC, page poisoning: harness/kho-debug.config):
# the log check's negative control (which there also provokes a real KASAN
# and KFENCE report), the chain of three kernels (15, whose first hop is
# test 10's round trip), test_kho, a refused damaged handover, reserve_mem,
# mainline interop there and back (32; not 30, as mainline's test_kho
# compares csum_partial()'s unfolded sum, which a KASAN kernel computes
# differently, nor 31, as a peer that boots first sizes scratch for itself,
# too small for a KASAN kernel to start in), the persistent tmpfs (40; 41
# mounts the same code twice), and damaged LUO handovers (64; not 63, whose
# 1 GiB memfd does not fit beside KASAN in its 2 GiB guest).
KHO_DEBUG_TESTS=${KHO_DEBUG_TESTS:-06 15 16 18 21 32 40 64}
# The tests that also run on arm64 (our kernel cross-built for it,
# harness/build-arm64.sh, on QEMU's virt machine) as "arm64:NAME", logs in
# $KHO_LOGDIR/arm64, against the mainline peer built for arm64
# (KHO_ARM64_PEER_KERNEL): the log check's negative control with a real
# WARN and panic, the kexec round trip, a bad kho_scratch=, the chain with
# KASLR, test_kho, a foreign root compatible, damaged maps and handovers
# refused, kexec_load after a handover, reserve_mem with pstore and its
# mismatches, persistent tmpfs trees, LUO memfd sessions, handovers to the
# peer, from it and there and back (with LUO too), and (from tests/arm64/,
# which hold the tests of arm64 alone) damaged /chosen properties and a
# handover on a machine booted through UEFI firmware.
KHO_ARM64_TESTS=${KHO_ARM64_TESTS:-06 10 12 15 16 17 18 19 21 22 23 24 28 29 30 31 32 40 41 \
63 65 66 67}
KHO_TEST_JOBS=${KHO_TEST_JOBS:-1}
KHO_ALONE_TESTS=${KHO_ALONE_TESTS:-00 07 52 53 54}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("$here"/tests/*.sh)
	# With KHO_DEBUG_KERNEL set (make check sets it), each of those runs
	# again on it as "debug:NAME", with its logs in $KHO_LOGDIR/debug.
	if [ -n "${KHO_ARM64_KERNEL+set}" ]; then
		for d in $KHO_ARM64_TESTS; do
			tests+=("arm64:$(ls "$here/tests/$d"-*.sh \
				"$here/tests/arm64/$d"-*.sh 2>/dev/null)")
		done
	fi
	if [ -n "${KHO_DEBUG_KERNEL+set}" ]; then
		for d in $KHO_DEBUG_TESTS; do
			tests+=("debug:$(ls "$here/tests/$d"-*.sh)")
		done
	fi
fi

# Probe the accelerator once for the whole run, with the kernel under test.
if [ -z "${KHO_ACCEL:-}" ] && [ -f "${KHO_KERNEL:-}" ]; then
	KHO_ACCEL=$("$here/run-qemu.sh" -P -k "$KHO_KERNEL")
	export KHO_ACCEL
fi
echo "TAP version 13"
echo "1..${#tests[@]}"
echo "# accelerator: ${KHO_ACCEL:-unknown} (KVM is used only when a probe boot under it succeeds)"
# check_runs RUNS: every QEMU run of the test recorded a clean log check.
# Prints the runs that did not.
check_runs() {
	local bad
	bad=$(awk '$1 == "started" { state[$2] = "did not finish (no log check)" }
		   $1 == "clean" { delete state[$2] }
		   $1 == "FAILED" { f = $2; sub(/:$/, "", f); delete state[f]
				    print "log check failed: " substr($0, 8) }
		   END { for (l in state) print l ": " state[l] }' "$1")
	if [ -n "$bad" ]; then
		sed 's/^/FAIL: /' <<< "$bad"
		return 1
	fi
	echo "log check: $(grep -c '^clean ' "$1") QEMU log(s) clean"
}

# run_test N TEST: run one test and leave its TAP lines in $tapdir/N.
run_test() {
	local n=$1 t=$2 name logdir out start result env=()

	name=$(basename "$t" .sh)
	logdir=$KHO_LOGDIR
	if [[ $t == debug:* ]]; then
		# Under TCG the debug kernel is several times slower.
		t=${t#debug:}
		name=debug:$(basename "$t" .sh)
		logdir=$KHO_LOGDIR/debug
		mkdir -p "$logdir"
		env=(KHO_KERNEL="${KHO_DEBUG_KERNEL:-}" KHO_LOGDIR="$logdir"
		     KHO_TIMEOUT_SCALE="${KHO_DEBUG_TIMEOUT_SCALE:-4}"
		     KHO_DEBUG_RUN=1)
	elif [[ $t == arm64:* ]]; then
		# TCG runs arm64 guests on x86_64 about half as fast.
		t=${t#arm64:}
		name=arm64:$(basename "$t" .sh)
		logdir=$KHO_LOGDIR/arm64
		mkdir -p "$logdir"
		env=(KHO_KERNEL="${KHO_ARM64_KERNEL:-}" KHO_LOGDIR="$logdir"
		     KHO_PEER_KERNEL="${KHO_ARM64_PEER_KERNEL:-}"
		     KHO_TIMEOUT_SCALE="${KHO_ARM64_TIMEOUT_SCALE:-2}"
		     KHO_ARCH=arm64 KHO_ACCEL=tcg)
	fi
	out=$logdir/${name#*:}.out
	export KHO_QEMU_RUNS=$logdir/${name#*:}.runs
	: > "$KHO_QEMU_RUNS"
	start=$(date +%s)
	env "${env[@]}" bash "$t" > "$out" 2>&1
	result=$?
	check_runs "$KHO_QEMU_RUNS" >> "$out" || result=1
	{
		if [ $result = 0 ]; then
			echo "ok $n - $name # $(($(date +%s) - start))s"
		else
			echo "not ok $n - $name # $(($(date +%s) - start))s"
			tail -n 25 "$out" | sed 's/^/#   /'
		fi
	} > "$tapdir/$n.tmp"
	mv "$tapdir/$n.tmp" "$tapdir/$n"
}

# is_alone TEST: TEST must not run beside another.
is_alone() {
	local num

	num=$(basename "${1#*:}" .sh)
	num=${num%%-*}
	[[ " $KHO_ALONE_TESTS " == *" $num "* ]]
}

# kernel_needed TEST: the kernel TEST waits for, "debug" for a debug: run,
# "arm64" for an arm64: run, "peer" for a test that boots or builds against
# the peer, else "ours".
kernel_needed() {
	if [[ $1 == debug:* ]]; then
		echo debug
	elif [[ $1 == arm64:* ]]; then
		echo arm64
	elif grep -qE '^[^#]*\<(need_peer|kt_boot_chain)\>' "$1"; then
		echo peer
	else
		echo ours
	fi
}

# await_kernel KIND: return once the KIND ("peer", "arm64" or "debug") kernel built
# behind the tests is there. When its build failed, the variable naming it
# is emptied, so that the tests that need it fail and say so; the build's
# last lines go to the TAP stream as comments.
await_kernel() {
	local kind=$1 pending var log rc

	case $kind in
	peer) pending=${KHO_PEER_PENDING:-} var=KHO_PEER_KERNEL ;;
	arm64) pending=${KHO_ARM64_PENDING:-} var=KHO_ARM64_KERNEL ;;
	debug) pending=${KHO_DEBUG_PENDING:-} var=KHO_DEBUG_KERNEL ;;
	*) return 0 ;;
	esac
	[ -n "$pending" ] || return 0
	# The kernels are built one after the other: peer, arm64, debug (and
	# debug:32 needs the peer too).
	[ "$kind" = arm64 ] && await_kernel peer
	[ "$kind" = debug ] && await_kernel arm64
	while [ ! -f "$pending" ] && [ -n "${KHO_BUILDER_PID:-}" ] &&
		kill -0 "$KHO_BUILDER_PID" 2>/dev/null; do
		print_done
		sleep 2
	done
	rc=$(cat "$pending" 2>/dev/null || echo "none (the builder stopped)")
	log=$KHO_LOGDIR/build-$kind.log
	if [ "$rc" != 0 ]; then
		echo "# error: the $kind kernel could not be built (exit status $rc);" \
			"the tests that need it fail; last lines of $log:"
		tail -n 15 "$log" 2>/dev/null | sed 's/^/#   /'
		export "$var="
	else
		echo "# the $kind kernel was built behind the tests (log: $log)"
	fi
	case $kind in
	peer) KHO_PEER_PENDING= ;;
	arm64) KHO_ARM64_PENDING= ;;
	debug) KHO_DEBUG_PENDING= ;;
	esac
}

# Run order: with kernels still being built, the tests of each kernel in
# turn, each group in test order; else test order.
order=()
if [ -n "${KHO_PEER_PENDING:-}${KHO_ARM64_PENDING:-}${KHO_DEBUG_PENDING:-}" ]; then
	for kind in ours peer arm64 debug; do
		for i in "${!tests[@]}"; do
			[ "$(kernel_needed "${tests[$i]}")" = "$kind" ] && order+=("$i")
		done
	done
else
	order=("${!tests[@]}")
fi

tapdir=$(mktemp -d)
trap 'rm -rf "$tapdir"' EXIT
passed=0 failed=0 printed=0 running=0
# print_done: print the TAP lines of the finished tests that follow the
# ones printed, in test order, and count them.
print_done() {
	while [ -f "$tapdir/$((printed + 1))" ]; do
		printed=$((printed + 1))
		if grep -q '^ok ' "$tapdir/$printed"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		cat "$tapdir/$printed"
	done
}

for i in "${order[@]}"; do
	t=${tests[$i]}
	n=$((i + 1))
	await_kernel "$(kernel_needed "$t")"
	if is_alone "$t" || [ "$KHO_TEST_JOBS" -le 1 ]; then
		wait
		running=0
		print_done
		run_test "$n" "$t"
		print_done
		continue
	fi
	if [ "$running" -ge "$KHO_TEST_JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	print_done
	run_test "$n" "$t" &
	running=$((running + 1))
done
wait
print_done
echo "$passed passed, $failed failed"
# A run of the whole suite leaves its result for the series' cover letter.
if [ $# -eq 0 ]; then
	commit=$(git -C "$KHO_ROOT" describe --always --dirty 2>/dev/null ||
		echo 'an unknown commit')
	echo "$passed passed, $failed failed on $commit, $(date -u +%Y-%m-%d)," \
		"QEMU ${KHO_ACCEL:-accelerator unknown}" > "$KHO_LOGDIR/summary"
fi
[ "$failed" -eq 0 ]
