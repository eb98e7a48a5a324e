#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs: two kho mounts of different trees and sizes, finalized
# (each shows up as its own subtree, tmpfs-a and tmpfs-b) and handed over
# together; the next kernel lists both as pending and restores each under
# its own name, mounted in the other order, with its own size= and
# nr_inodes=, and the same space in use (df). kho=a uses huge=within_size,
# so its big file is in 2 MiB folios, which come back at that order. A
# plain tmpfs next to them is not handed over.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-two-mounts tmpfs.sh -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=two kt.seed=41") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect "$log" '^KT: finalize 1: ok$' "finalize succeeded" || rc=1
expect "$log" '^KT: sub_fdts: (.* )?tmpfs-a (.* )?tmpfs-b ' \
	"finalize shows subtrees tmpfs-a and tmpfs-b" || rc=1
for n in a b; do
	expect_count "$log" "^KT: mount $n on /kho/$n: ok\$" 2 \
		"kho=$n mounts in both kernels" || rc=1
	expect_count "$log" "tmpfs: kho=$n: $KT_TMPFS_WAITING kho=$n\$" 1 \
		"kernel 2 announces kho=$n at boot" || rc=1
	expect_count "$log" "^KT: manifest $n: same\$" 1 "kernel 2 sees the tree of kho=$n" || rc=1
	kt_same_sum "$log" $n 2 || rc=1
	kt_frozen_restored "$log" $n 1 || rc=1
done
for n in a b; do
	used=$(sed -n "s/^KT: used $n: //p" "$log" | sort -u)
	if [ "$(echo "$used" | wc -l)" = 1 ] && [ -n "$used" ]; then
		echo "  ok: kho=$n uses $used in both kernels"
	else
		echo "  kho=$n: space in use differs:" $used
		rc=1
	fi
done
# Large folios stay large: fewer folios than 4 KiB pages, in both kernels.
read -r folios kib < <(sed -n 's/.*tmpfs: kho=a: restored [0-9]* inodes,'\
' \([0-9]*\) folios (\([0-9]*\) KiB)$/\1 \2/p' "$log")
if [ -n "$folios" ] && [ $((folios * 4)) -lt "$kib" ]; then
	echo "  ok: kho=a restored $kib KiB in $folios folios (large folios kept)"
else
	echo "  kho=a restored ${kib:-?} KiB in ${folios:-?} folios: no large folios"
	rc=1
fi
pending=$(sed -n 's/^KT: pending: //p' "$log" | head -n 1 | tr ' ' '\n' | sort | xargs)
if [ "$pending" = "a b" ]; then
	echo "  ok: tmpfs/pending lists a and b"
else
	echo "  tmpfs/pending lists '$pending', not a and b"
	rc=1
fi
# The mounts of kernel 2 come in the other order: b, then a.
order=$(sed -n 's/^KT: mount \([ab]\) on .*: ok$/\1/p' "$log" | tr -d '\n')
[ "$order" = abba ] || { echo "  mount order $order, not abba"; rc=1; }
mapfile -t a_opts < <(sed -n 's/^KT: options a: //p' "$log")
mapfile -t b_opts < <(sed -n 's/^KT: options b: //p' "$log")
for o in "${a_opts[@]}"; do
	[[ ,$o, == *,size=65536k,* ]] ||
		{ echo "  kho=a mounted with '$o', not size=65536k"; rc=1; }
done
for o in "${b_opts[@]}"; do
	[[ ,$o, == *,size=32768k,* && ,$o, == *,nr_inodes=3000,* ]] ||
		{ echo "  kho=b mounted with '$o', not size=32768k,nr_inodes=3000"; rc=1; }
done
echo "  options: a: ${a_opts[*]} | b: ${b_opts[*]}"
a=$(sed -n 's/^KT: sum a: //p' "$log" | head -n 1)
b=$(sed -n 's/^KT: sum b: //p' "$log" | head -n 1)
[ -n "$a" ] && [ "$a" != "$b" ] || { echo "  kho=a and kho=b do not hold different trees"; rc=1; }
expect "$log" '^KT: plain tmpfs after kexec: 0 entries$' \
	"the plain tmpfs was not handed over" || rc=1
expect_count "$log" 'tmpfs: kho=[ab]: nothing handed over, starting empty$' 2 \
	"kernel 1 (a cold boot) starts a and b empty, kernel 2 does not" || rc=1
expect_count "$log" 'tmpfs: kho=[^:]*: (unsupported|inconsistent|already)' 0 \
	"no kho mount was refused" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "two persistent tmpfs mounts across kexec (log: $log)"
