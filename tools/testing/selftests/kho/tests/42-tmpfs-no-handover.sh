#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, a name with nothing handed over: on a cold boot with
# kho=on, mount -o kho=x succeeds with an empty tmpfs and says so; in the
# KHO boot after it, which got only x, kho=y starts empty the same way and
# works, while x comes back with what the first kernel wrote.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-no-handover tmpfs.sh -f "$tool:/bin/kho_tree" -a "kho=on kt.tmpfs=empty") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount x on /kho/x: ok$' 2 \
	"kho=x mounts on the cold boot and after kexec" || rc=1
expect_count "$log" 'tmpfs: kho=x: nothing handed over, starting empty$' 1 \
	"the cold boot says kho=x starts empty" || rc=1
expect_count "$log" '^KT: entries in x: 0$' 1 "kho=x is empty on the cold boot" || rc=1
expect_count "$log" \
	'tmpfs: kho=x: handed over by the previous kernel, waiting for mount -o kho=x$' 1 \
	"the KHO boot announces kho=x" || rc=1
expect_count "$log" 'tmpfs: kho=y: handed over' 0 "nothing is announced for kho=y" || rc=1
expect "$log" '^KT: pending: x $' "tmpfs/pending lists x only" || rc=1
expect_count "$log" '^KT: mount y on /kho/y: ok$' 1 "kho=y mounts in the KHO boot" || rc=1
expect_count "$log" 'tmpfs: kho=y: nothing handed over, starting empty$' 1 \
	"the KHO boot says kho=y starts empty" || rc=1
expect "$log" '^KT: entries in y: 0$' "kho=y is empty" || rc=1
expect "$log" '^KT: y: y works$' "kho=y can be written and read" || rc=1
expect "$log" '^KT: x note: written in the first kernel$' \
	"kho=x has what the first kernel wrote" || rc=1
kt_same_sum "$log" x 2 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "kho mounts with nothing handed over (log: $log)"
