#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mainline peer -> ours -> peer, with one more reserve_mem= region on our
# kernel ("shift"). Our kernel places a region it declares anew outside
# the scratch areas, so it can be handed on; the peer takes pstore back in
# the third kernel, and nothing is refused on either side.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-ours-new-region "peer ours peer" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token kt.args-2=reserve_mem=6M:4096:shift" \
	-m 1024) || fail "QEMU or a kernel failed (log: $log)"
expect_count "$log" 'Linux version 7\.' 2 "the peer booted first and third" || rc=1
expect_count "$log" 'Linux version 6\.12\.' 1 "our kernel booted second" || rc=1
expect "$log" 'Kernel command line: .*kt\.stage=2 .*reserve_mem=6M:4096:shift' \
	"our kernel booted with the extra region" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect_count "$log" "reserve_mem: 'oops' taken over from the previous kernel" 1 \
	"our kernel took pstore over from the peer" || rc=1
expect_count "$log" "reserve_mem: no room for 'shift' outside scratch" 0 \
	"our kernel placed the new region where it can be handed on" || rc=1
expect "$log" "Revived memory reservation 'oops' from KHO" \
	"the third kernel (peer) took pstore back" || rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 \
	"the pmsg line was read after each handover" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
kt_same_region "$log" 3 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a new reserve_mem region on our kernel (log: $log)"
