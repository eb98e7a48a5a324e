#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [-r REPS] [-s] [-o DIR]
#
# Measure Kexec HandOver on our kernel and on the mainline peer, side by
# side on the same QEMU guest: the kho_bench module
# (tools/testing/selftests/kho/bench) is built against both trees, and
# every case below boots each kernel, preserves in the first kernel,
# kexecs into the same kernel, and restores and verifies in the second.
# Repetitions are interleaved (rep 1 of every case and kernel, then rep 2,
# ...) so that a slow spell of the host does not fall on one side.
#
#   -r REPS  repetitions of each case and kernel (default 9, see the
#            Makefile's BENCH_REPS)
#   -s       smoke run: one repetition of small cases on a small guest, so
#            that make check proves the benchmark still works
#   -o DIR   where results go (default build/bench, build/bench-smoke)
#
# BENCH_CASES="order0-3g order9-3g" runs only the cases named (with
# "none", the baseline the boot figures are measured against), for a
# quick look at one figure; its report (default build/bench-cases) has
# only those rows.
#
# Needs KHO_KERNEL and KHO_PEER_KERNEL (bzImages in their build trees).
# Writes DIR/results.json, DIR/results.md (medians, ours/mainline; the boot
# rows also the fastest runs', see bench-report.py) and
# DIR/restore.png, DIR/boot.png; each run's serial log is in DIR/logs.
# A run whose log shows a failure, a warning or a crash fails the bench.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

reps=9 smoke=0 dir=
while getopts "r:so:" opt; do
	case $opt in
	r) reps=$OPTARG ;;
	s) smoke=1 reps=1 ;;
	o) dir=$OPTARG ;;
	*) sed -n '4,23p' "$0" >&2; exit 2 ;;
	esac
done
if [ -z "$dir" ]; then
	dir=$KHO_BUILD/bench
	[ $smoke = 0 ] || dir=$KHO_BUILD/bench-smoke
	# A partial run must not replace the results of a whole one.
	[ -z "${BENCH_CASES:-}" ] || dir=$KHO_BUILD/bench-cases
fi
selftests=$KHO_ROOT/tools/testing/selftests/kho

# Both kernels boot with kunit.enable=0: our test kernel has KUnit suites
# built in, which would otherwise run at every boot.
#
# QEMU allocates all guest memory before the guest starts: otherwise the
# host faults it in, huge page by huge page, while the guest boots, and
# boot times swing by hundreds of milliseconds with where each kernel
# happens to put its memory map.
export KHO_QEMU_PREALLOC=1
#
# Cases: name, guest MiB, kt.bench= parameters of the first kernel (for
# the tmpfs cases, which run on our kernel only: the file's MiB).
if [ $smoke = 1 ]; then
	cases=(
		"none 1024 mib:0"
		"order0-64m 1024 mib:64,order:0,ranges:4,vmalloc_mib:8"
		"mix-64m 1024 mib:64,order:-1"
		"tmpfs2m-64m 1024 64"
	)
else
	cases=(
		"none 4096 mib:0"
		"order0-1g 4096 mib:1024,order:0"
		"order0-3g 4096 mib:3072,order:0"
		"order9-3g 4096 mib:3072,order:9"
		"mix-1g 4096 mib:1024,order:-1,ranges:128,vmalloc_mib:256"
		"tmpfs4k-1g 4096 1024"
		"tmpfs2m-1g 4096 1024"
	)
fi

if [ -n "${BENCH_CASES:-}" ]; then
	read -r -a wanted <<< "none $BENCH_CASES"
	picked=()
	for want in "${wanted[@]}"; do
		found=
		for c in "${cases[@]}"; do
			[ "${c%% *}" != "$want" ] || found=$c
		done
		[ -n "$found" ] ||
			die "BENCH_CASES: no case '$want' (cases: ${cases[*]%% *})"
		[[ " ${picked[*]%% *} " == *" $want "* ]] || picked+=("$found")
	done
	cases=("${picked[@]}")
fi

kernel_tree() {
	(cd "$(dirname "$1")/../../.." && pwd)
}

[ -f "${KHO_KERNEL:-}" ] || die "KHO_KERNEL='${KHO_KERNEL:-}' is not a kernel image; run make kernel"
[ -f "${KHO_PEER_KERNEL:-}" ] || die "KHO_PEER_KERNEL='${KHO_PEER_KERNEL:-}' is not a kernel image; run make peer"
declare -A image=([ours]=$KHO_KERNEL [mainline]=$KHO_PEER_KERNEL)
declare -A release

rm -rf "$dir" && mkdir -p "$dir/logs"

# One module source, built against each tree.
for k in ours mainline; do
	tree=$(kernel_tree "${image[$k]}")
	release[$k]=$(cat "$tree/include/config/kernel.release")
	mod=$dir/module/$k
	mkdir -p "$mod"
	cp "$selftests/bench/kho_bench.c" "$selftests/bench/Kbuild" "$mod/"
	if ! make -s -C "$tree" M="$mod" CC="ccache gcc" modules > "$mod/build.log" 2>&1 ||
		grep -q 'warning:' "$mod/build.log"; then
		sed 's/^/    /' "$mod/build.log" >&2
		die "kho_bench.c does not build cleanly against the $k tree (Linux ${release[$k]})"
	fi
done
note "ours: Linux ${release[ours]}; mainline: Linux ${release[mainline]}"

# What differs between the two configurations, for the reader of the table.
"$KHO_BUILD/linux/scripts/diffconfig" "$(kernel_tree "$KHO_KERNEL")/.config" \
	"$(kernel_tree "$KHO_PEER_KERNEL")/.config" > "$dir/config-diff.txt" || true
note "config differences (ours -> mainline): $(grep -c '' "$dir/config-diff.txt") options, in $dir/config-diff.txt"
grep -E '^ ?[-+ ]?(DEFERRED_STRUCT_PAGE_INIT|TRANSPARENT_HUGEPAGE|NUMA|PREEMPT|HZ|SMP|KASAN|DEBUG_VM) ' \
	"$dir/config-diff.txt" | sed 's/^/    /' || true

runs=$dir/runs.tsv
: > "$runs"
failed=0
for ((rep = 1; rep <= reps; rep++)); do
	for c in "${cases[@]}"; do
		read -r name mem params <<< "$c"
		for k in ours mainline; do
			# The persistent tmpfs is ours only: kt.benchfs= picks its
			# folio size instead of module parameters.
			args="kt.bench=$params"
			case $name in
			tmpfs*) [ $k = ours ] || continue
				args="kt.benchfs=${name:5:2} kt.benchmib=$params" ;;
			esac
			log=$dir/logs/$name-$k-$rep.log
			note "rep $rep/$reps: $name on $k"
			if "$selftests/run-qemu.sh" -k "${image[$k]}" -s "$selftests/scenarios/bench.sh" \
				-l "$log" -m "$mem" -c 2 -t 900 -a "kho=on kunit.enable=0 $args" \
				-f "$dir/module/$k/kho_bench.ko:/modules/${release[$k]}/kho_bench.ko" > /dev/null &&
				grep -q 'kho_bench: restore succeeded' "$log" &&
				! grep -q 'kho_bench: FAILED' "$log"; then
				printf '%s\t%s\t%s\t%s\n' "$name" "$k" "$rep" "$log" >> "$runs"
			else
				echo "error: $name on $k (rep $rep) failed; log: $log" >&2
				grep -E 'kho_bench: FAILED|log-check' "$log" | sed 's/^/    /' >&2 || true
				failed=$((failed + 1))
			fi
		done
	done
done

python3 "$KHO_ROOT/harness/bench-report.py" "$runs" "$dir" \
	"ours=Linux ${release[ours]}" "mainline=Linux ${release[mainline]}"
# The plots are against GiB preserved: BENCH_CASES="none" has nothing to
# draw, and gnuplot would refuse the empty x range.
plots=", $dir/restore.png, $dir/boot.png"
if ! awk '!/^#/ && $1 > 0 { found = 1 } END { exit !found }' "$dir/plot.dat"; then
	note "no case with memory preserved: no plots"
	plots=
elif command -v gnuplot > /dev/null; then
	gnuplot "$dir/plot.gp" || die "gnuplot failed on $dir/plot.gp"
else
	echo "error: gnuplot is missing (make bench installs gnuplot-nox)" >&2
	failed=$((failed + 1))
fi
[ $failed = 0 ] || die "$failed benchmark run(s) failed"
note "results: $dir/results.md, $dir/results.json$plots"
