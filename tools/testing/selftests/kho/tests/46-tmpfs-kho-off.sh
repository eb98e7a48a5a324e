#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs without KHO: on a kernel booted without kho=on (and not
# by KHO), mount -o kho=x fails with EINVAL and says how to enable it; a
# plain tmpfs still works.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-kho-off tmpfs.sh -f "$tool:/bin/kho_tree" -a "kt.tmpfs=off") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 1 "one kernel booted" || rc=1
expect "$log" '^KT: stage 1 done' "the kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount x on /kho/x: failed: Invalid argument$' 1 \
	"mount -o kho=x fails with EINVAL" || rc=1
expect_count "$log" 'tmpfs: kho=x: KHO is not enabled \(boot with kho=on\)$' 1 \
	"the kernel says KHO is not enabled" || rc=1
expect_count "$log" '^KT: plain tmpfs: works$' 1 "a plain tmpfs works" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "kho mount without kho=on (log: $log)"
