#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Our 6.12 kernel hands over to the mainline peer: the peer accepts the
# handover without a refusal, takes the pstore region back at the same
# address with the pmsg line in it, and its own KHO test restores and
# checks 8 MiB of folios we handed over in its format (kho-test-v1), which
# only works if the preserved-memory map, the vmalloc list and the scratch
# areas it received are consistent.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-ours-to-peer "ours peer" \
	"kho=on $KT_PSTORE_ARGS test_kho_v1.max_mem=8388608 kt.token=$token" -m 1024) ||
	fail "QEMU or a kernel failed (log: $log)"
expect "$log" 'Linux version 6\.12\.' "our kernel booted first" || rc=1
expect "$log" 'Linux version 7\.' "the peer booted second" || rc=1
expect "$log" 'test_kho_v1: preserved [0-9]+ folios, 8192 KiB$' \
	"we handed over 8 MiB in kho-test-v1 format" || rc=1
expect "$log" "^KT: pmsg written: KTPMSG $token\$" "we wrote to /dev/pmsg0" || rc=1
if grep -q 'KHO: disabling KHO revival' "$log"; then
	echo "  the peer refused the handover:"
	sed -n '/Linux version 7\./,$p' "$log" | grep -E 'KHO|memblock|reserve' |
		sed 's/^/    /' | head -n 20
	rc=1
fi
expect_count "$log" 'KHO: found kexec handover data\.$' 1 "the peer accepted the handover" || rc=1
expect "$log" "Revived memory reservation 'oops' from KHO" \
	"the peer took the pstore region over" || rc=1
expect "$log" 'KHO: exec from: 6\.12\.[0-9]+ \(count 1\)$' \
	"the peer read our kexec-metadata" || rc=1
expect "$log" 'test_kho: KHO restore succeeded' \
	"the peer's KHO test restored and checked our folios" || rc=1
expect "$log" "^KT: pstore pmsg: KTPMSG $token\$" "the peer read the pmsg line from pstore" || rc=1
expect_count "$log" '(test_kho|test_kho_v1): .*(FAILED|failed)' 0 \
	"no KHO test reports a failure" || rc=1
kt_same_region "$log" 2 || rc=1
[ $rc = 0 ] || fail "handover from our kernel to the mainline peer (log: $log)"
