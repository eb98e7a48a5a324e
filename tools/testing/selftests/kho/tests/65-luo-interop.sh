#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# LUO sessions between our kernel and the mainline peer, with the same
# agent (luo_agent.c, mainline's uAPI only) on both: two sessions, a
# 256 MiB memfd sealed against growing and shrinking and a 64 MiB sparse
# one written again after preserving, go from ours to the peer, from the
# peer to ours, and from ours through the peer back to ours (the peer
# retrieves, checks and preserves them again). The last kernel of each
# chain finds every byte, the size, the seals and the file position as the
# first kernel's agent left them, and ENOENT for a name never used.
. "$(dirname "$0")/../lib.sh"

need_peer
agent=$(kt_luo_agent) || fail "cannot build luo_agent"
specs="vm:1:256:seal/sparse:2:64:sparse+late"
export KT_CHAIN_SCENARIO=luo.sh
rc=0

# luo_chain NAME "KERNELS": the chain, and what its last kernel finds.
luo_chain() {
	local name=$1 kernels=$2 log n
	n=$(wc -w <<< "$kernels")
	log=$(kt_boot_chain "luo-$name" "$kernels" \
		"kho=on liveupdate=on kt.luo=$specs kt.luo_get=$specs kt.luo_missing=never" \
		-m 1024 -t 400 -f "$agent:/bin/luo_agent") ||
		{ echo "  QEMU or a kernel failed (log: $log)"; return 1; }
	echo "  $kernels:"
	expect_count "$log" 'Linux version (6\.12|7)\.' "$n" "$n kernels booted" &&
	expect_count "$log" '^KT: luo preserved (vm|sparse) token' 2 \
		"the first kernel's agent preserved both memfds" &&
	expect_count "$log" '^KT: luo retrieved vm token 1 256 MiB: same bytes$' $((n - 1)) \
		"every later kernel has the sealed 256 MiB memfd as it was" &&
	expect_count "$log" '^KT: luo retrieved sparse token 2 64 MiB: same bytes$' $((n - 1)) \
		"and the sparse one with its late write" &&
	expect_count "$log" '^KT: luo never: ENOENT$' 1 "an unknown name is not found" &&
	expect_count "$log" '^KT: luo FAIL' 0 "no agent failure"
}

luo_chain ours-to-peer "ours peer" || rc=1
luo_chain peer-to-ours "peer ours" || rc=1
luo_chain round-trip "ours peer ours" || rc=1
[ $rc = 0 ] || fail "LUO sessions did not move between our kernel and the peer"
