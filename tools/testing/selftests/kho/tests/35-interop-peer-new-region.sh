#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ours -> mainline peer -> ours, with one more reserve_mem= region on the
# peer ("shift"). Mainline allocates a new region in the scratch it booted
# from and preserves it there, so the third kernel finds preserved memory
# inside its scratch areas. It must take that memory out of scratch and
# keep the whole handover: pstore survives all three kernels, and the
# region it does not declare is freed, not lost or refused.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-peer-new-region "ours peer ours" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token kt.args-2=reserve_mem=6M:4096:shift" \
	-m 1024) || fail "QEMU or a kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.12\.' 2 "our kernel booted first and third" || rc=1
expect_count "$log" 'Linux version 7\.' 1 "the peer booted second" || rc=1
expect "$log" 'Kernel command line: .*kt\.stage=2 .*reserve_mem=6M:4096:shift' \
	"the peer booted with the extra region" || rc=1
expect_count "$log" 'Kernel command line: .*kt\.stage=3 .*reserve_mem=6M:4096:shift' 0 \
	"the third kernel booted without it" || rc=1
expect "$log" "Revived memory reservation 'oops' from KHO" \
	"the peer took the pstore region over" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect_count "$log" 'KHO: .*lies in scratch' 0 \
	"no preserved range was called corrupt for lying in scratch" || rc=1
# Now and then mainline's kexec puts our initrd or boot parameters on the
# region (test 38 makes it do so): our kernel drops what was
# overwritten, carves what is left and frees it.
if grep -q 'lies under memory this kernel uses at boot (initrd, boot parameters' "$log"; then
	echo "    note: the peer put a kexec segment on its new region"
	freed="could not be restored whole from the handover; freed the [0-9]+ KiB still preserved"
else
	freed="is not used by this kernel; freed 6144 KiB"
fi
if grep -q "'shift' .* freed the 0 KiB still preserved" "$log"; then
	echo "    note: the segment covered all of it: nothing was left to carve"
else
	expect "$log" \
		'KHO: [0-9]+ preserved ranges lie in the scratch areas; taken out of scratch' \
		"the third kernel found the peer's new region inside scratch and carved it out" ||
		rc=1
fi
expect_count "$log" "reserve_mem: 'oops' taken over from the previous kernel" 1 \
	"our third kernel took pstore back from the peer" || rc=1
expect "$log" "reserve_mem: 'shift' \\[mem [^]]*\\] $freed" \
	"the peer's region that our kernel does not declare is freed" || rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 \
	"the pmsg line was read after each handover" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
expect "$log" 'KHO: all preserved memory was restored' \
	"nothing preserved was left unclaimed in the third kernel" || rc=1
kt_same_region "$log" 3 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a new reserve_mem region on the peer (log: $log)"
