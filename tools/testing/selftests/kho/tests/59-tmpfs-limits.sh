#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, the documented limits. On kho=lim, beside a tree:
# a file with a POSIX access ACL (a named user may write it, so the group
# bits of its mode show the ACL's mask, rw) and a 2 MiB file unlinked while
# a descriptor holds it open across the kexec. kho=um is unmounted after
# the finalize, as systemctl kexec unmounts file systems before it jumps;
# kho=um2 is unmounted before it. The first kernel warns, naming the ACL's
# file. The next kernel restores kho=lim without the ACL: the file is there
# with its data and the owning group's own permission (644, not the mask's
# 664); a second file whose group entry grants rw under a mask of r (chmod
# 640) keeps 640, not 660; nothing else in the tree differs, and the unlinked file neither
# exists nor uses space (2 MiB less in df). kho=um comes back, kho=um2
# starts empty.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
log=$(kt_boot tmpfs-limits tmpfs.sh -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=limits kt.seed=59") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect "$log" '^KT: acl 1: acl: 5 entries, mode 664$' \
	"the first kernel sets the ACL (the mode's group bits show its mask)" || rc=1
expect "$log" '^KT: finalize 1: ok$' "finalize succeeded" || rc=1
expect_count "$log" 'tmpfs: kho=lim: /(acl|narrow): its POSIX ACL is not handed over$' 2 \
	"a warning names the file whose ACL is left out" || rc=1
expect_count "$log" 'tmpfs: kho=lim: 2 file\(s\) handed over without their POSIX ACLs$' 1 \
	"and counts the files" || rc=1
kt_frozen_restored "$log" lim 1 || rc=1
expect "$log" '^KT: acl 2: acl: none, mode 644$' \
	"the next kernel has the file without the ACL, with the owning group's permission" || rc=1
expect "$log" '^KT: narrow 1: acl: 5 entries, mode 640$' \
	"a second file's ACL lets its group write, its mask (after chmod 640) only read" || rc=1
expect "$log" '^KT: narrow 2: acl: none, mode 640$' \
	"that file comes back with read for the group: what entry and mask both grant" || rc=1
# The manifests may differ in one entry only: the ACL file's mode.
mapfile -t diffs < <(sed -n 's/^KT: diff lim: //p' "$log")
if [ ${#diffs[@]} = 2 ] && [[ ${diffs[0]} == "-acl f 0664 "* ]] &&
	[ "${diffs[1]}" = "+acl f 0644 ${diffs[0]#-acl f 0664 }" ]; then
	echo "  ok: the rest of the tree is handed over unchanged" \
		"(only the ACL file's mode differs)"
else
	echo "  the manifests differ in ${#diffs[@]} lines, not only in the ACL file's mode:"
	printf '    %s\n' "${diffs[@]}"
	rc=1
fi
used1=$(sed -n 's/^KT: used lim: \([0-9]*\) KiB$/\1/p' "$log" | sed -n 1p)
used2=$(sed -n 's/^KT: used lim: \([0-9]*\) KiB$/\1/p' "$log" | sed -n 2p)
if [ -n "$used2" ] && [ $((used1 - used2)) = 2048 ]; then
	echo "  ok: the unlinked file's 2 MiB are not handed over ($used1 KiB in use, then $used2)"
else
	echo "  kho=lim used '$used1' KiB with the unlinked file open, '$used2' after the kexec"
	rc=1
fi
expect "$log" '^KT: gone 2: No such file or directory$' "the unlinked file is not there" || rc=1
expect "$log" '^KT: umount um2: ok$' "kho=um2 is unmounted before finalize" || rc=1
expect "$log" '^KT: umount um: ok$' "kho=um is unmounted after finalize" || rc=1
kt_frozen_restored "$log" um 1 || rc=1
expect "$log" '^KT: um: unmounted after finalize$' "kho=um's file is handed over" || rc=1
expect "$log" 'tmpfs: kho=um2: nothing handed over, starting empty$' \
	"kho=um2, unmounted before finalize, is not handed over" || rc=1
expect "$log" '^KT: um2: 0 entries$' "and starts empty" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "the documented limits of the persistent tmpfs (log: $log)"
