#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A preserved block under the next kernel's initrd (injected between
# kexec -l and kexec -e with out/corrupt=initrd, as a sender that placed a
# kexec segment on preserved memory would leave it): the next kernel drops
# that one block with one line saying so, and keeps everything else: the
# handover is accepted, test_kho restores its data, and the kernel hands
# over normally to a third kernel.
. "$(dirname "$0")/../lib.sh"

rc=0
log=$(kt_boot kho-drop-under-initrd kho-chain.sh -m 1024 \
	-a "kho=on kt.stages=3 kt.corrupt=initrd") ||
	fail "QEMU or the kernel failed (log: $log)"
expect "$log" '^KT: corrupted the handover: initrd$' \
	"the first kernel preserved a page under the loaded initrd" || rc=1
expect_count "$log" "KHO: preserved memory in $KT_MEM_RE lies under memory this kernel uses\
 at boot .*; dropped 4 KiB in 1 ranges\$" 1 \
	"the second kernel drops that one block and says so" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused the handover" || rc=1
expect_count "$log" '^KT: is-kho-boot: yes$' 2 "kernels 2 and 3 took the handover over" || rc=1
expect_count "$log" 'test_kho: restore succeeded' 2 "test_kho data survives both hops" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored' 2 \
	"nothing else was left unclaimed" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a preserved block under the next kernel's initrd (log: $log)"
