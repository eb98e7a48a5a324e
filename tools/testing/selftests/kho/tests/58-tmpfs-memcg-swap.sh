#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, memory cgroups and swap. In the first kernel a task of
# cgroup w (memory.high 32 MiB) writes 96 MiB of random data to kho=sw, so
# that most of it goes to swap on zram; then w's memory.max is set 8 MiB
# above what it holds. A finalize while that limit holds
# must read the swapped pages back into w and cannot: it fails with ENOMEM
# and a message, and the cgroup's OOM killer is not invoked (the workload
# in w lives on). kexec -e then records it all with the limit still there
# (the charge goes over the limit: the system is going down). The next
# kernel refuses to mount kho=sw from a cgroup with 32 MiB of room (ENOMEM,
# nothing restored, the handover stays pending), then mounts it from one
# with 256 MiB: that cgroup's memory.current grows by the data's size (and
# a few hundred KiB of the mount's own), another cgroup's stays as it was,
# and the file's SHA-256 is the one the first kernel wrote. kho=meta, with
# 200 symlinks of 200-byte targets and 400 names of 61 or more bytes, is
# refused from a 1 MiB cgroup and mounts from one with the room the
# refusal named (the estimate covers the pages and allocations they take).
# kho=c1 and kho=c2 (16 MiB each) mounted at once from a cgroup of 24 MiB:
# one is restored, the other refused whole; no restore fails halfway and
# nothing is OOM-killed.
. "$(dirname "$0")/../lib.sh"

data_kib=$((96 * 1024))
rc=0
log=$(kt_boot tmpfs-memcg-swap tmpfs.sh -m 1024 -a "kho=on kt.tmpfs=memcg") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect "$log" '^KT: swap: on zram0, ' "swap on zram in the first kernel" || rc=1

# Most of the file is in swap when the record starts.
read -r cur swap < <(sed -nE \
	's/^KT: w: memory.current ([0-9]+) KiB, swap.current ([0-9]+) KiB$/\1 \2/p' "$log")
if [ -n "$swap" ] && [ "$cur" -le $((40 * 1024)) ] && [ "$swap" -ge $((48 * 1024)) ]; then
	echo "  ok: cgroup w holds $cur KiB in memory and $swap KiB in swap"
else
	echo "  cgroup w: memory.current '$cur' KiB, swap.current '$swap' KiB" \
		"(expected at most 40960 and at least 49152)"
	rc=1
fi
expect "$log" 'tmpfs: kho=sw: cannot record the mount \(-12\); not handed over$' \
	"the record cannot read the swapped pages back under w's limit" || rc=1
expect "$log" '^KT: finalize 1: failed$' "that finalize fails" || rc=1
expect "$log" '^KT: workload after finalize: alive, oom_kill 0$' \
	"no OOM kill in w: its workload is alive" || rc=1
expect "$log" "tmpfs: kho=sw: frozen for handover: 2 inodes, [0-9]+ folios, $data_kib KiB\$" \
	"at kexec -e, with the limit still there, all of kho=sw is recorded" || rc=1

re="tmpfs: kho=sw: the handover needs [0-9]+ KiB \\($data_kib KiB of data\\), more than"
re+=" the memory cgroup of the mounting task has room for \\([0-9]+ KiB\\)\$"
expect "$log" "$re" "a mount from a cgroup without room is refused with a message" || rc=1
expect "$log" '^KT: mount sw from small: failed: Cannot allocate memory$' \
	"that mount fails with ENOMEM" || rc=1
expect_count "$log" '^KT: pending: (.* )?sw ' 2 \
	"the handover is still pending after the refusal" || rc=1
expect "$log" '^KT: mount sw from big: ok$' "the mount from a cgroup with room succeeds" || rc=1
expect "$log" "tmpfs: kho=sw: restored 2 inodes, [0-9]+ folios \\($data_kib KiB\\)\$" \
	"kho=sw is restored whole" || rc=1
re='^KT: big: memory.current ([0-9]+) KiB before the mount, ([0-9]+) KiB after$'
read -r before after < <(sed -nE "s/$re/\\1 \\2/p" "$log")
if [ -n "$after" ] && [ $((after - before)) -ge $data_kib ] &&
	[ $((after - before)) -le $((data_kib + 1024)) ]; then
	echo "  ok: the mounting cgroup is charged $((after - before)) KiB" \
		"for $data_kib KiB of data"
else
	echo "  the mounting cgroup went from '$before' to '$after' KiB; expected" \
		"$data_kib KiB more, within 1 MiB"
	rc=1
fi
# Negative control: the measurement tells cgroups apart.
expect "$log" '^KT: idle: memory.current ([0-9]+) KiB before, \1 KiB after$' \
	"a cgroup that did not mount is not charged" || rc=1
sha1=$(sed -n 's/^KT: sha sw 1: //p' "$log")
sha2=$(sed -n 's/^KT: sha sw 2: //p' "$log")
if [[ $sha1 =~ ^[0-9a-f]{64}$ ]] && [ "$sha1" = "$sha2" ]; then
	echo "  ok: the restored file has the SHA-256 the first kernel wrote ($sha2)"
else
	echo "  SHA-256 written: '$sha1', restored: '$sha2'"
	rc=1
fi
expect "$log" '^KT: small: oom_kill 0, big: oom_kill 0$' "no OOM kill in the next kernel" || rc=1

echo "  -- kernel memory of names and symlinks; two mounts at once"
expect "$log" '^KT: entries in meta: 601$' "kho=meta holds 601 names" || rc=1
expect "$log" '^KT: mount meta from probe: failed: Cannot allocate memory$' \
	"kho=meta is refused from a cgroup of 1 MiB" || rc=1
expect "$log" '^KT: mount meta from fit: ok$' \
	"and mounts from one with the room the refusal names, plus 1 MiB" || rc=1
expect_count "$log" '^KT: entries in meta: 601$' 2 "with all its names" || rc=1
expect "$log" '^KT: fit: oom_kill 0$' "without an OOM kill" || rc=1
expect_count "$log" '^KT: mount c[12] from par: ok$' 1 "of two mounts at once, one succeeds" || rc=1
expect_count "$log" '^KT: mount c[12] from par: failed: Cannot allocate memory$' 1 \
	"the other is refused before anything is charged" || rc=1
expect "$log" '^KT: par: oom_kill 0$' "without an OOM kill" || rc=1
expect_count "$log" 'tmpfs: kho=[a-z0-9]+: restoring failed' 0 "no restore fails halfway" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "memory cgroups and swap on a persistent tmpfs (log: $log)"
