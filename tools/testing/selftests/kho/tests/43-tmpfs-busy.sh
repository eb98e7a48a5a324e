#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, one name mounted twice: while kho=b is mounted, a second
# mount -o kho=b fails with EBUSY and says so, and the first mount keeps
# its tree; the same holds after kexec, once kho=b has been restored.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-busy tmpfs.sh -f "$tool:/bin/kho_tree" -a "kho=on kt.tmpfs=busy kt.seed=43") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount b on /kho/b: ok$' 2 \
	"the first mount of kho=b works in both kernels" || rc=1
expect_count "$log" '^KT: mount b on /kho/b2: failed: Device or resource busy$' 2 \
	"the second mount of kho=b fails with EBUSY in both kernels" || rc=1
expect_count "$log" 'tmpfs: kho=b: already mounted$' 2 \
	"the kernel says kho=b is already mounted" || rc=1
expect_count "$log" 'tmpfs: kho=b: restored [0-9]+ inodes' 1 "kho=b was restored once" || rc=1
expect_count "$log" '^KT: manifest b: same$' 1 "the tree of kho=b came through" || rc=1
kt_same_sum "$log" b 2 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "second mount of a kho name (log: $log)"
