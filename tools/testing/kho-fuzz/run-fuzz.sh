#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KHO receive-path fuzzers built in OUT (see Makefile).
#
#   run-fuzz.sh --runs N OUT    every seed once, then N mutated inputs per
#                               target from a fixed random seed; fails on
#                               any crash or sanitizer report, or when a
#                               target ran fewer than N inputs
#   run-fuzz.sh --time S OUT    fuzz for S seconds in all, shared evenly by
#                               the targets, going on past crashes (saved in
#                               OUT/crashes); fails if any were found
#
# Prints one line per target: executions, crashes, seconds.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=$1 budget=$2 out=$3
targets=(in fdt radix tmpfs)
failed=0

run_fixed() {
	local name=$1 bin=$out/fuzz_$1 seeds=$here/corpus/$1 log=$out/logs/$1.log
	local runs

	# Every seed alone first: each one that crashes is named.
	local seed bad=0
	for seed in "$seeds"/*; do
		"$bin" -timeout=20 "$seed" > "$log" 2>&1 && continue
		bad=$((bad + 1))
		echo "fuzz_$name: seed ${seed##*/} crashes:" >&2
		grep -E 'KHO-FUZZ BUG|ERROR:|runtime error|#[0-9]+ 0x.* in ' "$log" |
			grep -v -E -e ' in (fuzzer::|main|_start|__libc)' \
				-e ' in (__sanitizer|abort|raise|__pthread)' |
			head -n 6 | sed 's/^/    /' >&2
	done
	if [ $bad -gt 0 ]; then
		echo "fuzz_$name: 0 executions, $bad seeds crash"
		return 1
	fi
	rm -rf "$out/work/$name" && mkdir -p "$out/work/$name"
	if ! "$bin" -seed=1 -runs="$budget" -timeout=20 -artifact_prefix="$out/crashes/$name-" \
		"$out/work/$name" "$seeds" > "$log" 2>&1; then
		echo "fuzz_$name: crash or sanitizer report (log: $log):" >&2
		grep -E 'KHO-FUZZ BUG|ERROR:|runtime error|#[0-9]+ 0x.* in |Test unit written' \
			"$log" |
			grep -v -E ' in (fuzzer::|main|_start|__libc)' | head -n 20 >&2
		echo "fuzz_$name: crashes: 1"
		return 1
	fi
	runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
	echo "fuzz_$name: ${runs:-0} executions, 0 crashes"
	[ "${runs:-0}" -ge "$budget" ] ||
		{ echo "fuzz_$name: ran ${runs:-0} inputs, fewer than $budget" >&2; return 1; }
}

run_timed() {
	local name=$1 bin=$out/fuzz_$1 seeds=$here/corpus/$1 log=$out/logs/$1.log
	local secs=$(( budget / ${#targets[@]} )) stat execs crashes

	mkdir -p "$out/work/$name"
	"$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$secs" -timeout=20 -artifact_prefix="$out/crashes/$name-" \
		"$out/work/$name" "$seeds" > "$log" 2>&1
	# Fork mode's status lines: "#N: cov: ... oom/timeout/crash: O/T/C time: Ss ..."
	stat=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
	execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<< "$stat")
	crashes=$(sed -n 's|.*oom/timeout/crash: \([0-9]*/[0-9]*/[0-9]*\).*|\1|p' <<< "$stat")
	echo "fuzz_$name: ${execs:-0} executions in ${secs}s, oom/timeout/crash: ${crashes:-?}"
	[ -n "$stat" ] || { echo "fuzz_$name: did not run (log: $log)" >&2; return 1; }
	[ "${crashes##*/}" = 0 ] && [ "${crashes%%/*}" = 0 ] ||
		{ echo "fuzz_$name: findings saved as $out/crashes/$name-*" >&2; return 1; }
}

mkdir -p "$out/logs" "$out/crashes"
for name in "${targets[@]}"; do
	case $mode in
	--runs) run_fixed "$name" || failed=1 ;;
	--time) run_timed "$name" || failed=1 ;;
	*) echo "usage: $0 --runs N | --time SECONDS OUT" >&2; exit 2 ;;
	esac
done
exit $failed
