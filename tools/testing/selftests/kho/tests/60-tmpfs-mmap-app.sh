#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A real program keeping a large file mapped on the persistent tmpfs:
# Debian's fio, with its libraries, writes a 128 MiB file on kho=mm through
# a shared mapping of all of it (ioengine=mmap), a CRC32C verify header in
# every 64 KiB block, and exits: the application is quiesced before
# finalize. Kexec; in the next kernel fio --verify_only passes on the
# restored file, and its SHA-256 is the one taken before the kexec.
# The limit the README documents: stores through a shared mapping are not
# stopped by the freeze. A writer (kho_tree mmap) keeps a second file
# mapped across finalize and the kexec, and stores into it after finalize
# and after kexec -l. In the first kernel every store succeeds at once. In the next kernel a
# store into a page that held data at finalize is there (whether or not
# the writer had touched that page before), a store into a page that was a
# hole at finalize is lost: zeros, and the restore counts only the folios
# frozen.
# Negative control: fio --verify_only fails on a copy of the restored file
# with 4 KiB of garbage.
# The initramfs carries fio's 63 libraries (ceph, gluster, rdma: about
# 90 MiB), more than one default scratch area of this guest holds, hence
# kho_scratch=.
. "$(dirname "$0")/../lib.sh"

packed=$(kt_host_program fio) || fail "cannot pack fio into the guest"
mapfile -t files <<< "$packed"
tool=$(kt_tree_tool) || fail "cannot build kho_tree"
files+=(-f "$tool:/bin/kho_tree")
mib=128
rc=0
log=$(kt_boot tmpfs-mmap-app tmpfs.sh -m 1536 -t "${KHO_TIMEOUT:-300}" "${files[@]}" \
	-a "kho=on kho_scratch=192M,4M,64M kt.tmpfs=mmap kt.mib=$mib") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount mm on /kho/mm: ok$' 2 "kho=mm mounts in both kernels" || rc=1
expect "$log" "^KT: fio version: fio-[0-9.]+, System V IPC: yes\$" \
	"fio runs on a kernel with System V IPC, as on a distribution's" || rc=1

echo "  -- the application, quiesced before finalize"
expect "$log" "^KT: fio mapping: rw-s $((mib * 1024)) KiB\$" \
	"fio maps all of the file shared and writable while it writes" || rc=1
expect "$log" "^KT: fio write 1: exit 0: WRITE: .* io=${mib}MiB " \
	"fio wrote $mib MiB through the mapping and exited" || rc=1
expect "$log" '^KT: fio mappings left: 0$' "nothing maps the file at finalize" || rc=1
expect "$log" '^KT: finalize 1: ok$' "finalize succeeded" || rc=1
kt_frozen_restored "$log" mm 1 || rc=1
expect "$log" "^KT: fio verify 2: exit 0: READ: .* io=${mib}MiB " \
	"fio --verify_only checks all $mib MiB in the next kernel and passes" || rc=1
sum1=$(sed -n 's/^KT: sha256 1: //p' "$log")
sum2=$(sed -n 's/^KT: sha256 2: //p' "$log")
if [[ $sum1 =~ ^[0-9a-f]{64}$ ]] && [ "$sum1" = "$sum2" ]; then
	echo "  ok: the file's SHA-256 is the same in both kernels ($sum2)"
else
	echo "  SHA-256 in kernel 1: '$sum1', in kernel 2: '$sum2'"
	rc=1
fi

echo "  -- stores through a mapping kept across finalize"
sed -n 's/^KT: \(late .*\)/  \1/p' "$log"
expect "$log" '^KT: late writer: mapped 1048576 bytes$' "the writer maps the second file" || rc=1
re='^KT: late before finalize: A=A1 by write\(2\) before finalize B=zeros'
re+=' C=C1 via mapping before finalize D=D1 via mapping before finalize$'
what="before finalize: A written with write(2), B a hole,"
what+=" C and D stored through the mapping"
expect "$log" "$re" "$what" || rc=1
re='^KT: late after finalize: A=A2 via mapping after finalize\. B=B2 via mapping'
re+=' after finalize\. C=C1 via mapping before finalize D=D1 via mapping before finalize$'
expect "$log" "$re" "after finalize the freeze stops neither store (A, B)" || rc=1
expect "$log" '^KT: late after kexec -l: .* D=D2 via mapping after kexec -l\.$' \
	"nor one after kexec -l (D)" || rc=1
re='^KT: late after kexec: A=A2 via mapping after finalize\. B=zeros'
re+=' C=C1 via mapping before finalize D=D2 via mapping after kexec -l\.$'
what="next kernel: the stores into A and D (data at finalize) are there,"
what+=" the store into B (a hole) is lost"
expect "$log" "$re" "$what" || rc=1

echo "  -- negative control"
expect "$log" '^KT: fio verify damaged copy: exit [1-9][0-9]*: .*(verify failed|bad magic)' \
	"fio --verify_only fails on a copy with 4 KiB of garbage" || rc=1
expect_count "$log" '^KT: FAIL' 0 "no guest failure" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "fio with a shared mapping on a persistent tmpfs (log: $log)"
