#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two NUMA nodes, and scratch sized differently by each cold-booted kernel:
# the peer cold-boots with kho_scratch=300% and hands over to ours and back,
# then ours cold-boots with kho_scratch=150% and hands over to the peer and
# back. One scratch area per node crosses every handover, and pstore
# survives each chain.
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
	expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 "the pmsg line was read after each handover" || rc=1
	expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
	kt_same_region "$log" 3 || rc=1
	kt_no_warnings "$log" || rc=1
done
[ $rc = 0 ] || fail "handovers across two NUMA nodes with differing scratch sizes"
