#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad handover data, one boot chain each: a root FDT with a foreign
# compatible, and a memory map that points outside RAM. The second kernel
# must name the reason, boot without the handover (no in/, test_kho starts
# afresh) and still hand over normally to a third kernel.
. "$(dirname "$0")/../lib.sh"

rc=0
check_refusal() {
	local what=$1 reason=$2 log
	log=$(kt_boot "kho-bad-$what" kho-chain.sh -m 1024 \
		-a "kho=on kt.stages=3 kt.corrupt=$what") ||
		fail "QEMU or the kernel failed (log: $log)"
	echo "  -- corrupt=$what"
	expect "$log" "^KT: corrupted the handover: $what\$" "first kernel corrupted its handover" || rc=1
	expect_count "$log" "KHO: $reason" 1 "second kernel names the reason" || rc=1
	expect_count "$log" 'KHO: disabling KHO revival: booting without the handover$' 1 \
		"second kernel drops the handover" || rc=1
	expect_count "$log" '^KT: is-kho-boot: no$' 2 "kernels 1 and 2 run without an incoming handover" || rc=1
	expect "$log" '^KT: init reached: stage 3' "the kexec after the refusal still works" || rc=1
	expect_count "$log" 'KHO: found kexec handover data' 1 \
		"the third kernel accepts the second kernel's (valid) handover" || rc=1
	expect_count "$log" 'test_kho: restore succeeded' 1 "test_kho data survives the valid hop" || rc=1
}

check_refusal compatible "handover FDT is 'kho-v0-corrupted', not 'kho-v4'\$"
check_refusal map 'preserved-memory map \[mem 0x0004000000000000-0x0004000000000fff\] is not in system RAM$'
[ $rc = 0 ] || fail "bad handover data was not refused cleanly"
