#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A damaged LUO handover, one way at a time (written to out/corrupt after
# the handover was finalized), with two sessions "a" and "b" of one 8 MiB
# memfd each: the LUO subtree names another format version; its session
# list points at memory that was never preserved; the session block links
# back to itself; the block claims 1000 sessions; session a says it has 5
# files where its chain holds 1. Each time the next kernel names the damage
# in one line and boots: from a damaged list it takes no session over,
# from a list that loops after its first block the sessions of that block,
# and of a damaged session only the others; what it takes over comes back
# byte for byte, what it dropped gives ENOENT, and it is ready for its own
# live update.
. "$(dirname "$0")/../lib.sh"

agent=$(kt_luo_agent) || fail "cannot build luo_agent"
none='LUO: no sessions are taken over from the previous kernel \(-22\)$'
rc=0

# luo_damaged NAME DAMAGE MESSAGE TAKEN GET MISSING
luo_damaged() {
	local name=$1 damage=$2 message=$3 taken=$4 get=$5 missing=$6 log s args
	args="kho=on liveupdate=on kt.luo=a:1:8/b:2:8 kt.luo_damage=$damage"
	log=$(kt_boot "luo-damaged-$name" luo.sh -m 1024 -f "$agent:/bin/luo_agent" \
		-a "$args kt.luo_get=$get kt.luo_missing=$missing") ||
		{ echo "  QEMU or the kernel failed (log: $log)"; return 1; }
	echo "  $name:"
	expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" &&
	expect_count "$log" "^KT: corrupted the handover: $damage\$" 1 "damage made" &&
	expect "$log" "LUO: $message" "the damage is named" &&
	expect "$log" "$taken" "what is taken over" &&
	expect "$log" 'LUO: live update [0-9]+ is prepared: /dev/liveupdate is ready$' \
		"ready for its own live update" || return 1
	for s in ${get//\// }; do
		expect_count "$log" "^KT: luo retrieved ${s%%:*} token .*: same bytes\$" 1 \
			"session ${s%%:*} comes back whole" || return 1
	done
	for s in ${missing//\// }; do
		expect_count "$log" "^KT: luo $s: ENOENT\$" 1 "session $s is gone" || return 1
	done
}

# luo_ser: compatible at byte 0, liveupdate_num at 8, sessions_pa at 16.
# A block: next at 0, count at 8, records from 16; a session record: the
# name (64 bytes), then its files' chain at 64 and their count at 72.
luo_damaged version blob@LUO:0:0x39762d6f756c \
	'the LUO subtree is "luo-v9", this kernel reads "luo-v5"; its sessions are lost$' \
	"$none" "" a/b || rc=1
luo_damaged nowhere blob@LUO:16:0x1000 \
	'block at 0x1000 is not preserved memory, or is linked twice$' \
	"$none" "" a/b || rc=1
luo_damaged loop blob@LUO:16:0:self \
	'the session list is damaged: the 2 sessions before the damage are kept$' \
	'LUO: live update 1: 2 sessions handed over$' a:1:8/b:2:8 "" || rc=1
luo_damaged count blob@LUO:16:8:1000 \
	'block at 0x[0-9a-f]+ holds 1000 records, impossible here$' \
	"$none" "" a/b || rc=1
luo_damaged files blob@LUO:16:88:5 \
	'session a: its files cannot be taken over \(-22\); dropping it$' \
	'LUO: live update 1: 1 sessions handed over$' b:2:8 a || rc=1
[ $rc = 0 ] || fail "a damaged LUO handover was not handled cleanly"
