#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, an aborted handover: finalize freezes kho=ab (a writer
# blocks and is still waiting 2 s later) and adds subtree tmpfs-ab; writing
# 0 to finalize thaws it (the writer completes, its data is in the file,
# the subtree is gone) and the mount works as before. A kexec without
# finalize after that still hands the mount over, with the data written
# after the abort.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-abort tmpfs.sh -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=abort kt.seed=48") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect "$log" '^KT: finalize 1: ok$' "finalize succeeded" || rc=1
mapfile -t subs < <(sed -n 's/^KT: sub_fdts: //p' "$log")
if [[ " ${subs[0]:-} " == *" tmpfs-ab "* ]] &&
	[[ " ${subs[1]:-tmpfs-ab} " != *" tmpfs-ab "* ]]; then
	echo "  ok: subtree tmpfs-ab is there after finalize and gone after the abort"
else
	echo "  sub_fdts after finalize: '${subs[0]:-}', after the abort: '${subs[1]:-}'"
	rc=1
fi
expect_count "$log" \
	'tmpfs: kho=ab: frozen for handover: [0-9]+ inodes, [0-9]+ folios, [0-9]+ KiB$' 2 \
	"kho=ab was frozen at finalize and again at kexec" || rc=1
expect_count "$log" '^KT: writer after 2 s: blocked$' 1 "a writer blocks while finalized" || rc=1
expect_count "$log" 'tmpfs: kho=ab: handover aborted; the mount works as before$' 1 \
	"the abort is reported" || rc=1
expect "$log" '^KT: finalize 0: ok$' "finalize takes 0" || rc=1
expect_count "$log" '^KT: writer done$' 1 "the writer completes after the abort" || rc=1
expect "$log" '^KT: f after abort: before data $' "the writer's data is in the file" || rc=1
expect "$log" '^KT: g after abort: after$' "a new file can be written after the abort" || rc=1
expect_count "$log" 'tmpfs: kho=ab: restored [0-9]+ inodes' 1 \
	"the next kernel restores kho=ab" || rc=1
expect "$log" '^KT: f after kexec: before data $' "the writer's data is handed over" || rc=1
expect "$log" '^KT: g after kexec: after$' "the file written after the abort is handed over" || rc=1
expect_count "$log" '^KT: manifest ab: same$' 1 "the whole tree of kho=ab came through" || rc=1
kt_same_sum "$log" ab 2 || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "aborted handover of a kho mount (log: $log)"
