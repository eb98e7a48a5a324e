#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs: a tree of 10,000 entries (2,500 on the debug kernel;
# nested directories, files of random contents from 0 to 20 KiB, a 64 MiB
# file, a 1 GiB sparse file with data islands, hard links, symlinks of up
# to 4095 bytes, a fifo, device nodes, user and trusted xattrs, set-id and
# sticky modes, owners and nanosecond timestamps) on kho=t1 with size=,
# nr_inodes= and mode=, its root chowned, comes back identical (kho_tree's
# manifest: every name, type, mode, owner, size, link count, mtime, content
# hash, data extent and xattr) after a kexec without finalize and after a
# second kexec with finalize, three kernels in all. size= and nr_inodes=
# carry over to the mounts that do not give them, and each restore reports
# what the freeze before it recorded.
. "$(dirname "$0")/../lib.sh"

tool=$(kt_tree_tool) || fail "cannot build kho_tree"
rc=0
# On the debug kernel (run-tests.sh's debug: runs) every file operation is
# several times slower under KASAN, and a quarter of the tree takes the
# same paths through shmem_kho.
entries=10000
[ -n "${KHO_DEBUG_RUN:-}" ] && entries=2500
log=$(kt_boot tmpfs-tree tmpfs.sh -m 1024 -t "${KHO_TIMEOUT:-600}" -f "$tool:/bin/kho_tree" \
	-a "kho=on kt.tmpfs=tree kt.stages=3 kt.seed=${KHO_TMPFS_SEED:-40}\
 kt.entries=$entries kt.big=64") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 3 "three kernels booted" || rc=1
expect "$log" '^KT: stage 3 done' "the third kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount t1 on /kho/t1: ok$' 3 "kho=t1 mounts in each kernel" || rc=1
made=$(sed -nE 's/^KT: made t1: made ([0-9]+) entries.*/\1/p' "$log")
if [ -n "$made" ] && [ "$made" -ge "$entries" ]; then
	echo "  ok: the first kernel built the tree ($made entries, $entries asked)"
else
	echo "  the first kernel built ${made:-no} entries, $entries asked"
	rc=1
fi
expect_count "$log" \
	'tmpfs: kho=t1: handed over by the previous kernel, waiting for mount -o kho=t1$' 2 \
	"kernels 2 and 3 announce the handover at boot" || rc=1
expect_count "$log" 'tmpfs: kho=t1: nothing handed over, starting empty$' 1 \
	"kernel 1, a cold boot, starts t1 empty" || rc=1
expect_count "$log" '^KT: pending: t1 $' 2 "tmpfs/pending lists t1 before it is mounted" || rc=1
expect "$log" '^KT: sub_fdts: .*tmpfs-t1 ' "finalize shows subtree tmpfs-t1" || rc=1
expect_count "$log" '^KT: manifest t1: same$' 2 "kernels 2 and 3 see the tree of kernel 1" || rc=1
kt_same_sum "$log" t1 3 || rc=1
kt_frozen_restored "$log" t1 2 || rc=1
kib=$(sed -nE 's/.*tmpfs: kho=t1: restored .* \(([0-9]+) KiB\)$/\1/p' "$log" | head -n 1)
if [ -n "$kib" ] && [ "$kib" -ge $((64 << 10)) ]; then
	echo "  ok: $kib KiB restored, at least the 64 MiB file"
else
	echo "  restored ${kib:-no} KiB, less than the 64 MiB file"
	rc=1
fi

# Options: size= and nr_inodes= as given in kernel 1, in each kernel.
mapfile -t opts < <(sed -n 's/^KT: options t1: //p' "$log")
printf '  /proc/mounts options: %s\n' "${opts[@]}"
for i in 0 1 2; do
	o=",${opts[i]:-},"
	if [[ $o == *,size=524288k,* && $o == *,nr_inodes=20000,* ]]; then
		echo "  ok: kernel $((i + 1)) mounts t1 with size=524288k,nr_inodes=20000"
	else
		echo "  kernel $((i + 1)) mounts t1 with '${opts[i]:-}'," \
			"not size=524288k,nr_inodes=20000"
		rc=1
	fi
done
used=$(sed -n 's/^KT: used t1: //p' "$log" | sort -u)
if [ "$(sed -n 's/^KT: used t1: //p' "$log" | wc -l)" = 3 ] &&
	[ "$(echo "$used" | wc -l)" = 1 ]; then
	echo "  ok: kho=t1 uses $used in all three kernels (accounted as written)"
else
	echo "  kho=t1: space in use differs between kernels:" $used
	rc=1
fi
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "persistent tmpfs tree across two kexecs (log: $log)"
