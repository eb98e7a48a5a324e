#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ours -> mainline peer -> ours: the pstore region stays at the same
# address through both handovers, and the pmsg line written in the first
# kernel, read and written again by the peer, is read by the third.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-round-trip "ours peer ours" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token" -m 1024) ||
	fail "QEMU or a kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.12\.' 2 "our kernel booted first and third" || rc=1
expect_count "$log" 'Linux version 7\.' 1 "the peer booted second" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect "$log" "Revived memory reservation 'oops' from KHO" \
	"the peer took the pstore region over" || rc=1
expect_count "$log" "reserve_mem: 'oops' taken over from the previous kernel" 1 \
	"our second kernel took it back from the peer" || rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 \
	"the pmsg line was read after each handover" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
expect_count "$log" '(test_kho|test_kho_v1): .*(FAILED|failed)' 0 \
	"no KHO test reports a failure" || rc=1
expect "$log" 'KHO: exec from: 7\.[0-9.]+ \(count 2\)$' \
	"the third kernel counts two live updates, the last from the peer" || rc=1
kt_same_region "$log" 3 || rc=1
[ $rc = 0 ] || fail "round trip through the mainline peer (log: $log)"
