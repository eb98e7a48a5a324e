#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A memblock subtree of a foreign version ("memblock-v9", injected with
# out/corrupt): the second kernel names it once, takes no region over,
# allocates every region anew and runs on with the rest of the handover
# (test_kho's data comes back). The regions it could not trust stay
# reserved and are reported as unrestored, not silently reused.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot kho-reserve-mem-foreign reserve-mem.sh \
	-a "kho=on $KT_RESERVE_MEM_ARGS kt.shift=1 kt.corrupt=sub:memblock kt.token=$token") ||
	fail "QEMU or the kernel failed (log: $log)"
expect "$log" '^KT: corrupted the handover: sub:memblock$' \
	"first kernel gave its memblock subtree a foreign version" || rc=1
expect_count "$log" 'reserve_mem: the handed-over region list is not memblock-v1;'\
' allocating every region anew$' 1 "second kernel names the foreign version once" || rc=1
expect_count "$log" "reserve_mem: '.*' taken over" 0 "no region is taken over" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 1 \
	"the rest of the handover is accepted" || rc=1
expect "$log" 'test_kho: restore succeeded' "test_kho's data comes back" || rc=1
expect "$log" '^KT: init reached: stage 2' "second kernel runs on" || rc=1
expect "$log" '^KT: pstore pmsg: none$' "the untrusted pstore contents are not used" || rc=1
left=$(sed -n \
	's/.*KHO: \([0-9]*\) KiB of preserved memory was not restored by its owner.*/\1/p' "$log")
if [ -n "$left" ] && [ "$left" -ge 3072 ]; then
	echo "  ok: the untrusted regions stay reserved and are reported ($left KiB)"
else
	echo "  the untrusted regions are not reported as unrestored (${left:-none})"
	rc=1
fi
[ $rc = 0 ] || fail "foreign memblock subtree (log: $log)"
