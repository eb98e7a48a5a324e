#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Eight kernels, ours and the mainline peer in turn, with KASLR on in all
# of them and a new reserve_mem= region ("shift") on every peer. Each of
# our kernels therefore boots with preserved memory inside its scratch
# areas, where its decompressor picks a random slot: a slot that landed on
# preserved memory would drop it (a "lies under memory this kernel uses"
# line naming the kernel image) or corrupt the pstore region. Seven
# handovers in one chain give KASLR seven chances to get it wrong.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
kernels="ours peer ours peer ours peer ours peer"
args="kho=on $KT_PSTORE_ARGS kt.token=$token"
for stage in 2 4 6 8; do
	args+=" kt.args-$stage=reserve_mem=6M:4096:shift"
done
KHO_TIMEOUT=${KHO_TIMEOUT:-600}
log=$(kt_boot_chain interop-kaslr-chain "$kernels" "$args" -m 1024) ||
	fail "QEMU or a kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.12\.' 4 "our kernel booted four times" || rc=1
expect_count "$log" 'Linux version 7\.' 4 "the peer booted four times" || rc=1
expect_count "$log" 'Kernel command line: .*nokaslr' 0 "KASLR was on in every kernel" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect_count "$log" 'KHO: preserved memory .* lies under memory this kernel uses at boot'\
' \(.*(kernel image|low memory)' 0 \
	"no kernel was placed on preserved memory" || rc=1
# Mainline 7.3's kexec_file places its segments anywhere in the scratch
# areas, missing its own reserve_mem= regions that lie there: now and then
# the peer puts our boot parameters on its "shift" region and overwrites
# part of it. Our kernel must then drop just that part and say so.
under_peer=$(grep -c 'lies under memory this kernel uses at boot'\
' (initrd, boot parameters or firmware data)' "$log" || true)
if [ "$under_peer" -gt 0 ]; then
	echo "    note: $under_peer time(s) a peer put a kexec segment on its own preserved memory"
	expect_count "$log" \
		"reserve_mem: 'shift' .* could not be restored whole from the handover" \
		"$under_peer" \
		"each such drop left only that reserve_mem region incomplete" || rc=1
fi
# The initrd (12 MiB) can cover the whole 6 MiB region: nothing of it is
# left to take out of scratch then, and that kernel prints no such line.
whole=$(grep -cE "reserve_mem: 'shift' .* could not be restored whole"\
' from the handover; freed the 0 KiB still preserved' "$log" || true)
[ "$whole" -eq 0 ] ||
	echo "    note: $whole time(s) the peer's segment covered all of its region"
expect_count "$log" \
	'KHO: [0-9]+ preserved ranges lie in the scratch areas; taken out of scratch' \
	$((3 - whole)) \
	"each of our kernels after a peer found what is left of the peer's region in scratch" ||
	rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 7 \
	"the pmsg line was read after every handover" || rc=1
expect "$log" '^KT: init reached: stage 8' "the eighth kernel reached init" || rc=1
kt_same_region "$log" 8 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "KASLR across a chain of handovers (log: $log)"
