#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, handovers nobody mounts again: the next kernel lists
# them in tmpfs/pending until they are mounted or released. Releasing
# kho=r1 (a 64 MiB file) by name frees its memory (MemFree rises by at
# least 80% of it) and says so; a later mount of r1 starts empty. An
# unknown name is refused with ENOENT. "all" releases what is still
# pending (r2) but not r3, which is mounted by then and keeps its tree.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-release tmpfs.sh -m 1024 -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=release kt.seed=47") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount r[123] on /kho/r[123]: ok$' 6 "each mount works" || rc=1

# pending, in the order the scenario reads it: before anything, after
# releasing r1, after mounting r3, after "all".
mapfile -t pending < <(sed -n 's/^KT: pending: //p' "$log" |
	while read -r line; do echo $line | tr ' ' '\n' | sort | xargs; done)
want=("r1 r2 r3" "r2 r3" "r2" "")
for i in 0 1 2 3; do
	if [ "${#pending[@]}" = 4 ] && [ "${pending[i]}" = "${want[i]}" ]; then
		echo "  ok: pending read $((i + 1)): '${want[i]}'"
	else
		echo "  pending read $((i + 1)): '${pending[i]:-}', want '${want[i]}'" \
			"(${#pending[@]} reads)"
		rc=1
	fi
done

expect "$log" '^KT: release r1: ok$' "release takes r1" || rc=1
expect_count "$log" 'tmpfs: kho=r1: released [0-9]+ KiB that was not mounted again$' 1 \
	"the kernel reports r1 released" || rc=1
released=$(sed -nE \
	's/.*tmpfs: kho=r1: released ([0-9]+) KiB that was not mounted again$/\1/p' "$log")
if [ -n "$released" ] && [ "$released" -ge $((64 << 10)) ]; then
	echo "  ok: $released KiB released for r1, at least its 64 MiB file"
else
	echo "  ${released:-no} KiB released for r1, less than its 64 MiB file"
	rc=1
fi
read -r before after < <(sed -n \
	's/^KT: MemFree before release r1: \([0-9]*\) kB, after: \([0-9]*\) kB$/\1 \2/p' "$log")
if [ -n "${before:-}" ] && [ $((after - before)) -ge $((64 * 1024 * 8 / 10)) ]; then
	echo "  ok: MemFree rose by $((after - before)) kB ($before -> $after)"
else
	echo "  MemFree went from ${before:-?} to ${after:-?} kB, less than 80% of 64 MiB more"
	rc=1
fi
expect "$log" '^KT: release nosuch: refused: No such file or directory$' \
	"release refuses an unknown name with ENOENT" || rc=1
expect_count "$log" 'tmpfs: kho=r1: nothing handed over, starting empty$' 2 \
	"r1 starts empty after its release (and on the cold boot)" || rc=1
expect_count "$log" '^KT: entries in r1: 0$' 1 "the mount of r1 after its release is empty" || rc=1
expect "$log" '^KT: release all: ok$' "release takes all" || rc=1
expect_count "$log" 'tmpfs: kho=r2: released [0-9]+ KiB that was not mounted again$' 1 \
	"all released r2" || rc=1
expect_count "$log" 'tmpfs: kho=r3: released' 0 "all left r3, which is mounted, alone" || rc=1
expect_count "$log" 'tmpfs: kho=r2: nothing handed over, starting empty$' 2 \
	"r2 starts empty after its release (and on the cold boot)" || rc=1
expect_count "$log" '^KT: entries in r2: 0$' 1 "the mount of r2 after its release is empty" || rc=1
expect_count "$log" 'tmpfs: kho=r3: restored [0-9]+ inodes' 1 "r3 was restored" || rc=1
expect_count "$log" '^KT: manifest r3: same$' 2 \
	"r3 keeps its tree, before and after release all" || rc=1
kt_same_sum "$log" r3 3 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "releasing handed-over kho mounts (log: $log)"
