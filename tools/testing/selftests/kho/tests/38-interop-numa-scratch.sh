#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two NUMA nodes, and scratch sized differently by each cold-booted kernel:
# the peer cold-boots with kho_scratch=300% and hands over to ours and back,
# then ours cold-boots with kho_scratch=150% and hands over to the peer and
# back. One scratch area per node crosses every handover, and pstore
# survives each chain. Last, a region the peer adds inside scratch is
# partly overwritten by the peer's own kexec; what is left is freed.
. "$(dirname "$0")/../lib.sh"

rc=0
for chain in "peer ours peer:300%" "ours peer ours:150%"; do
	kernels=${chain%%:*}
	scale=${chain##*:}
	name=interop-numa-${kernels// /-}
	token=$(kt_token)
	echo "  -- $kernels, cold boot with kho_scratch=$scale, 2 nodes"
	log=$(kt_boot_chain "$name" "$kernels" \
		"kho=on kho_scratch=$scale $KT_PSTORE_ARGS kt.token=$token" \
		-m 1024 -n 2) || { echo "  QEMU or a kernel failed (log: $log)"; rc=1; continue; }
	expect "$log" 'NUMA: .*|Initmem setup node 1' "two NUMA nodes" || rc=1
	expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
	expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 \
		"the pmsg line was read after each handover" || rc=1
	expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
	kt_same_region "$log" 3 || rc=1
	kt_no_warnings "$log" || rc=1
done

# With two nodes, the peer's kexec places our next kernel's initrd over
# most of a region the peer added inside scratch: our kernel drops those
# blocks (the peer overwrote them) and must free what is left of the
# region rather than keep it reserved for nobody.
token=$(kt_token)
echo "  -- ours peer ours, 2 nodes, one more reserve_mem= region on the peer"
log=$(kt_boot_chain interop-numa-new-region "ours peer ours" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token kt.args-2=reserve_mem=6M:4096:shift" \
	-m 1024 -n 2) || { echo "  QEMU or a kernel failed (log: $log)"; rc=1; }
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 \
	"the pmsg line was read after each handover" || rc=1
expect "$log" "reserve_mem: 'shift' \\[mem [^]]*\\] (is not used by this kernel; freed 6144 KiB|\
could not be restored whole from the handover; freed the [0-9]+ KiB still preserved)" \
	"the peer's region is freed, whole or what is left of it" || rc=1
expect_count "$log" 'KHO: [0-9]+ KiB of preserved memory was not restored by its owner' 0 \
	"no preserved memory stays reserved for nobody" || rc=1
kt_same_region "$log" 3 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "handovers across two NUMA nodes with differing scratch sizes"
