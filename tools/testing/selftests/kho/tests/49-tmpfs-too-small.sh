#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs: a handover that does not fit the new mount's explicit
# size= or nr_inodes= is refused with ENOSPC and a message before anything
# is created, and stays pending: the next mount without those options
# restores the whole tree.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-too-small tmpfs.sh -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=small kt.seed=49") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount s on /kho/s: failed: No space left on device$' 2 \
	"size=1m and nr_inodes=10 are both refused with ENOSPC" || rc=1
expect_count "$log" 'tmpfs: kho=s: the handover holds [0-9]+ KiB, more than size=1024k$' 1 \
	"the size refusal names both sizes" || rc=1
expect_count "$log" 'tmpfs: kho=s: the handover holds [0-9]+ names, more than nr_inodes=10$' 1 \
	"the nr_inodes refusal names both counts" || rc=1
expect "$log" '^KT: pending: s $' "the handover is still pending after the refusals" || rc=1
expect_count "$log" '^KT: mount s on /kho/s: ok$' 2 \
	"kho=s mounts in kernel 1 and, without the options, in kernel 2" || rc=1
expect_count "$log" '^KT: manifest s: same$' 1 "kernel 2 restores the whole tree" || rc=1
kt_same_sum "$log" s 2 || rc=1
kt_frozen_restored "$log" s 1 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a handover too big for the new mount (log: $log)"
