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
# two of them share a 2-core machine well. The tests in KHO_ALONE_TESTS
# (those that build trees or programs, or measure) still run alone. The
# TAP lines come out in test order either way.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export KHO_ROOT=${KHO_ROOT:-$(cd "$here/../../../.." && pwd)}
export KHO_LOGDIR=${KHO_LOGDIR:-$KHO_ROOT/build/test-logs}
mkdir -p "$KHO_LOGDIR"

# The tests that also run on the debug kernel (KASAN, KFENCE, lockdep,
# DEBUG_VM, DEBUG_PAGEALLOC, page poisoning: harness/kho-debug.config):
# the log check's negative control (which there also provokes a real KASAN
# and KFENCE report), the kexec round trip and chain, test_kho, a refused
# damaged handover, reserve_mem, mainline interop there and back (32; not
# 30, as mainline's test_kho compares csum_partial()'s unfolded sum, which
# a KASAN kernel computes differently, nor 31, as a peer that boots first
# sizes scratch for itself, too small for a KASAN kernel to start in),
# the persistent tmpfs, and damaged LUO handovers (64; not 63, whose 1 GiB
# memfd does not fit beside KASAN in its 2 GiB guest).
KHO_DEBUG_TESTS=${KHO_DEBUG_TESTS:-06 10 15 16 18 21 32 40 41 64}
KHO_TEST_JOBS=${KHO_TEST_JOBS:-1}
KHO_ALONE_TESTS=${KHO_ALONE_TESTS:-00 01 02 04 05 07 08 09 33 34 51 52 53 54 55 56}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("$here"/tests/*.sh)
	# With KHO_DEBUG_KERNEL set (make check sets it, empty when the debug
	# kernel could not be built), each of those runs again on it as
	# "debug:NAME", with its logs in $KHO_LOGDIR/debug.
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
		     KHO_TIMEOUT_SCALE="${KHO_DEBUG_TIMEOUT_SCALE:-4}")
	fi
	out=$logdir/${name#debug:}.out
	export KHO_QEMU_RUNS=$logdir/${name#debug:}.runs
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

	num=$(basename "${1#debug:}" .sh)
	num=${num%%-*}
	[[ " $KHO_ALONE_TESTS " == *" $num "* ]]
}

# print_done: print the TAP lines of the finished tests that follow the
# ones printed, in order, and count them.
print_done() {
	while [ "$printed" -lt "$n" ] && [ -f "$tapdir/$((printed + 1))" ]; do
		printed=$((printed + 1))
		if grep -q '^ok ' "$tapdir/$printed"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		cat "$tapdir/$printed"
	done
}

tapdir=$(mktemp -d)
trap 'rm -rf "$tapdir"' EXIT
passed=0 failed=0 n=0 printed=0 running=0
for t in "${tests[@]}"; do
	n=$((n + 1))
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
