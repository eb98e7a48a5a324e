#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A preserved-memory map damaged in the first kernel's memory between
# kexec -l and kexec -e (out/corrupt), one way at a time: tables that fan
# out without end, a leaf reached from two slots, a leaf that is also a
# preserved page, an order-0 page preserved again inside a larger block, and
# a leaf moved into scratch. Each time the second kernel names the damage
# in one line, boots without the handover (the map is refused whole, before
# any of it is reserved) and hands over normally to a third kernel.
. "$(dirname "$0")/../lib.sh"

rc=0
check_refusal map-loop "preserved-memory map has more than the [0-9]+ nodes\
 a map of this machine's RAM can have: it loops\$" || rc=1
check_refusal map-node-scratch \
	'preserved-memory map node at 0x[0-9a-f]+ lies in scratch or boot memory$' || rc=1
check_refusal map-shared \
	'preserved-memory map node at 0x[0-9a-f]+ is reached from two slots$' late || rc=1
check_refusal map-node-block \
	"preserved-memory map node at 0x[0-9a-f]+ lies in preserved memory $KT_MEM_RE\$" late ||
	rc=1
# With a pstore region: reserve_mem= looks at the handover before the
# preserved memory is reserved, and must not take back a region of a
# handover that is refused when it is.
check_refusal map-overlap \
	'preserved blocks of order 0 and [0-9]+ overlap in \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]$' late \
	"$KT_PSTORE_ARGS" || rc=1
expect_count "$KHO_LOGDIR/kho-bad-map-overlap.log" "reserve_mem: 'oops' taken over" 1 \
	"only the third kernel takes the pstore region over" || rc=1
[ $rc = 0 ] || fail "a damaged preserved-memory map was not refused cleanly"
