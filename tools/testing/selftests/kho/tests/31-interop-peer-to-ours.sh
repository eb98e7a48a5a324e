#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The mainline peer hands over to our 6.12 kernel: we accept the handover,
# reserve what the peer preserved, take the pstore region back at the same
# address with the pmsg line in it, and restore the peer's own test folios
# (kho-test-v1) against the checksum the peer recorded.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-peer-to-ours "peer ours" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token" -m 1024) ||
	fail "QEMU or a kernel failed (log: $log)"
expect "$log" 'Linux version 7\.' "the peer booted first" || rc=1
expect "$log" 'Linux version 6\.12\.' "our kernel booted second" || rc=1
expect "$log" "^KT: pmsg written: KTPMSG $token\$" "the peer wrote to /dev/pmsg0" || rc=1
expect_count "$log" 'KHO: found kexec handover data: FDT at 0x[0-9a-f]+, [0-9]+ scratch areas$' 1 \
	"our kernel accepted the peer's handover" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no refusal" || rc=1
expect "$log" 'KHO: reserved [1-9][0-9]* preserved ranges' \
	"our kernel reserved what the peer preserved" || rc=1
expect_count "$log" "reserve_mem: 'oops' taken over from the previous kernel" 1 \
	"our kernel took the peer's pstore region over" || rc=1
expect "$log" 'test_kho_v1: restore succeeded: [0-9]+ folios, 8192 KiB$' \
	"the peer's 8 MiB of test folios came back with the peer's checksum" || rc=1
expect "$log" "^KT: pstore pmsg: KTPMSG $token\$" \
	"our kernel read the pmsg line from pstore" || rc=1
expect_count "$log" '(test_kho|test_kho_v1): .*(FAILED|failed)' 0 \
	"no KHO test reports a failure" || rc=1
kt_same_region "$log" 2 || rc=1
expect "$log" 'KHO: exec from: 7\.[0-9.]+ \(count 1\)$' \
	"our kernel read the peer's kexec-metadata" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored$' 1 \
	"every page the peer preserved found its owner" || rc=1
[ $rc = 0 ] || fail "handover from the mainline peer to our kernel (log: $log)"
