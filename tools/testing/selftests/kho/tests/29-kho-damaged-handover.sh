#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Single fields of a live handover damaged in the first kernel
# (out/corrupt): the kexec-metadata blob pointed 1 TiB up, a reserve_mem
# region whose end wraps around the address space, a scratch array
# that claims 1 GiB, and one with an extra area far beyond RAM (which KASLR
# in the decompressor must not use either). The second kernel drops only
# the damaged part, says why in one line, and hands over normally to a
# third kernel. Also: a client cannot restore the root FDT's page, and
# CmaTotal counts the scratch areas in every kernel, also after a handover.
. "$(dirname "$0")/../lib.sh"

rc=0

echo "  -- kexec-metadata points at 1 TiB"
log=$(kt_boot kho-bad-metadata kho-chain.sh -m 1024 \
	-a "kho=on kt.stages=3 kt.corrupt=u64:/kexec-metadata:preserved-data:0x10000000000") ||
	fail "QEMU or the kernel failed (log: $log)"
expect "$log" '^KT: corrupted the handover: u64:/kexec-metadata:preserved-data:0x10000000000$' \
	"the first kernel pointed kexec-metadata at 1 TiB" || rc=1
expect_count "$log" 'KHO: subtree kexec-metadata: its [0-9]+ bytes at 0x10000000000'\
' are not preserved memory \(or were restored already\); ignoring it$' 1 \
	"the second kernel ignores the blob and says why" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "the rest of the handover is kept" || rc=1
expect_count "$log" 'test_kho: restore succeeded' 2 "test_kho data survives both hops" || rc=1
expect_count "$log" 'KHO: exec from: 6\.[^ ]* \(count 1\)$' 1 \
	"the third kernel reads the second kernel's metadata (the count restarts)" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
kt_no_warnings "$log" || rc=1

echo "  -- the memblock subtree's 'oops' region wraps around the address space"
token=$(kt_token)
log=$(kt_boot kho-reserve-mem-wrap reserve-mem.sh -a "kho=on $KT_RESERVE_MEM_ARGS kt.token=$token \
kt.corrupt=u64@memblock:/oops:start:0xfffffffffffff000,u64@memblock:/oops:size:0xfc0") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" '^KT: corrupted the handover: u64@memblock:/oops:(start|size):' 2 \
	"the first kernel set start 0xfffffffffffff000, size 0xfc0" || rc=1
expect_count "$log" "reserve_mem: 'oops' is malformed in the handover; allocating it anew\$" 1 \
	"the second kernel refuses the region and says why" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 1 \
	"the rest of the handover is accepted" || rc=1
expect "$log" 'test_kho: restore succeeded' "test_kho's data comes back" || rc=1
expect "$log" '^KT: pstore pmsg: none$' "the untrusted pstore contents are not used" || rc=1
expect "$log" '^KT: init reached: stage 2' "the second kernel runs on" || rc=1
kt_no_warnings "$log" || rc=1

check_refusal scratch-count 'scratch array of 1073741824 bytes is impossible$' || rc=1
check_refusal scratch-area \
	'scratch area \[mem 0x0000200000000000-0x000020003fffffff\] is not in system RAM$' || rc=1

echo "  -- test_kho tries to restore the root FDT's page"
log=$(kt_boot kho-steal-fdt kho-chain.sh -m 1024 -a "kho=on kt.stages=3 kt.steal=fdt") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'test_kho: steal refused: 0x[0-9a-f]+ cannot be restored$' 1 \
	"the second kernel refuses to hand the root FDT page to a client" || rc=1
expect_count "$log" 'test_kho: steal FAILED' 0 "nobody got the root FDT page" || rc=1
expect_count "$log" 'test_kho: restore succeeded' 2 "test_kho data survives both hops" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored' 2 \
	"nothing else was left unclaimed" || rc=1
expect_count "$log" '^KT: cma: total [0-9]+ KiB, scratch [0-9]+ KiB$' 3 \
	"each kernel reported CmaTotal" || rc=1
bad=$(sed -n 's/^KT: cma: total \([0-9]*\) KiB, scratch \([0-9]*\) KiB$/\1 \2/p' "$log" |
	awk '$1 != $2 { n++ } END { print n + 0 }')
if [ "$bad" = 0 ]; then
	echo "  ok: CmaTotal equals the scratch areas in all three kernels"
else
	echo "  FAIL: CmaTotal differs from the scratch areas in $bad kernels"
	grep '^KT: cma:' "$log" | sed 's/^/    /'
	rc=1
fi
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a damaged handover field was not dropped cleanly"
