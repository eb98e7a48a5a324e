#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memblock as the series changes it, in the kernel's own userspace simulator
# (tools/testing/memblock, built from the assembled tree): the upstream
# memblock tests pass with and without NUMA and print no warning; a plain
# reservation may cover a kernel reservation silently, while any other
# request over a region of another kind still warns; and reserving 10^6
# separate ranges the way a kexec handover is taken over stays fast.
. "$(dirname "$0")/../lib.sh"

tree=$KHO_ROOT/build/linux
out=$KHO_ROOT/build/tools/kho-memblock
sim=$out/tree/tools/testing/memblock
[ -f "$tree/mm/memblock.c" ] || fail "kernel tree $tree missing; run make kernel"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() { make -s -C "$KHO_ROOT/tools/testing/kho-memblock" TREE="$tree" O="$out" "$@"; }

# The simulator prints memblock's WARN_ON()s as "assertion failed at ...".
run_sim() {
	local what=$1; shift
	"$sim/main" "$@" > "$tmp/out" 2> "$tmp/err" ||
		{ cat "$tmp/out" "$tmp/err"; fail "upstream memblock tests ($what) failed"; }
	if [ -s "$tmp/err" ]; then
		cat "$tmp/err"
		fail "upstream memblock tests ($what) warned"
	fi
	echo "  ok: upstream memblock tests pass, $what"
}

rm -f "$out/tree/.copied"
mk sim > "$tmp/build" 2>&1 || { cat "$tmp/build"; fail "the memblock simulator does not build"; }
run_sim "no NUMA"
run_sim "no NUMA, movable_node" -m
mk sim NUMA=1 > "$tmp/build" 2>&1 ||
	{ cat "$tmp/build"; fail "the memblock simulator does not build with NUMA=1"; }
run_sim "NUMA"
run_sim "NUMA, movable_node" -m

mk check > "$tmp/build" 2>&1 || { cat "$tmp/build"; fail "overlap_check does not build"; }
for case in plain-over-kern kern-over-plain memory; do
	"$out/overlap_check" "$case" > "$tmp/out" 2> "$tmp/err" ||
		{ cat "$tmp/out" "$tmp/err"; fail "$case: wrong regions"; }
	warned=$(grep -c 'assertion failed at .*memblock\.c' "$tmp/err" || true)
	want=1
	[ "$case" = plain-over-kern ] && want=0
	[ "$warned" = "$want" ] ||
		{ cat "$tmp/out" "$tmp/err"; fail "$case: $warned warnings, expected $want"; }
	echo "  ok: $case: regions as expected, $warned warning(s)"
done

# Before patch 0013 this took 23 s for 10^5 ranges and grew with the
# square of their number (about 40 min for 10^6); now well under a second.
mk bench > "$tmp/build" 2>&1 || { cat "$tmp/build"; fail "reserve_bench does not build"; }
line=$(timeout 60 "$out/reserve_bench" 1000000) ||
	fail "reserve_bench failed or ran over 60 s: quadratic again?"
echo "  $line"
secs=$(sed -n 's/.*: \([0-9.]*\) s,.*/\1/p' <<< "$line")
[ -n "$secs" ] || fail "no time in reserve_bench output"
awk -v s="$secs" 'BEGIN { exit !(s < 30) }' ||
	fail "reserving 10^6 ranges took $secs s (limit 30 s): quadratic again?"
echo "  ok: 10^6 separate ascending ranges reserved in $secs s"
