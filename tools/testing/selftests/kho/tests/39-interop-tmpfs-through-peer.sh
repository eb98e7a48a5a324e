#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ours -> mainline peer -> ours with a persistent tmpfs (kho=interop) in
# our first kernel. The tmpfs subtree is ours only: the peer does not know
# it, and mainline neither hands unknown subtrees on nor restores them, so
# it drops the tmpfs cleanly while everything it does know (pstore) crosses
# both handovers. Our third kernel finds no tmpfs handover and starts an
# empty kho=interop mount. This is the documented behaviour: a persistent
# tmpfs survives only handovers between kernels of this series.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot_chain interop-tmpfs-through-peer "ours peer ours" \
	"kho=on $KT_PSTORE_ARGS kt.token=$token kt.tmpfs=interop" -m 1024) ||
	fail "QEMU or a kernel failed (log: $log)"
expect "$log" '^KT: tmpfs interop: written$' "our first kernel wrote into kho=interop" || rc=1
expect "$log" 'tmpfs: kho=interop: frozen for handover: ' \
	"our first kernel handed the tmpfs over" || rc=1
expect "$log" '^KT: tmpfs interop: not supported by this kernel$' \
	"the peer has no kho= tmpfs" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' 0 "no kernel refused a handover" || rc=1
expect_count "$log" 'tmpfs: kho=interop: handed over by the previous kernel' 0 \
	"the peer did not hand our tmpfs on" || rc=1
expect "$log" 'tmpfs: kho=interop: nothing handed over, starting empty' \
	"our third kernel starts an empty kho=interop mount" || rc=1
expect "$log" '^KT: tmpfs interop: empty$' "the third kernel sees an empty mount" || rc=1
expect_count "$log" "^KT: pstore pmsg: KTPMSG $token\$" 2 "pstore crossed both handovers" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "a persistent tmpfs through the mainline peer (log: $log)"
