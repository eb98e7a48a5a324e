# SPDX-License-Identifier: GPL-2.0
#
# kexec -s -l under memory pressure. Every stage but the last mounts a
# tmpfs and, once the next initramfs is packed, fills it until MemFree is
# kt.leave MiB (default 50); it logs /proc/meminfo and loads the next
# kernel, and jumps. The chain runs up to stage kt.stages (default 2).
#
#   kt.fill=plain    the filler is a plain tmpfs (default)
#   kt.fill=kho      the filler is a kho tmpfs (-o kho=fill), as users do
#   kt.keep=1        hand over a kho tmpfs (kho=keep) holding a 4 MiB file
#                    written in stage 1; every later stage mounts it again
#                    and logs its checksum
#   kt.initrd=MIB    append MIB MiB of zeroes to the next initramfs, for a
#                    load that cannot fit: stage 1 logs kexec's exit status
#                    and its dmesg lines, frees the filler and ends
#   kt.minfree=KB    set vm.min_free_kbytes first (to compare kernels whose
#                    watermarks differ)
#
# Lines: "KT: meminfo before load: KEY=kB ..." (and "after_load"), "KT:
# load: exit N", "KT: keep written: sha256 SUM" in stage 1 and "KT: keep:
# sha256 SUM" in the later stages.
stage=$(kt_stage)
stages=$(kt_param stages || echo 2)

# The meminfo fields the pressure test compares, on one line.
kt_meminfo() {
	kt_log "meminfo $1: $(awk '
		/^(MemTotal|MemFree|MemAvailable|Shmem|CmaTotal|CmaFree|Unevictable):/ ||
		/^(KernelStack|Slab|SUnreclaim|VmallocUsed|PageTables|Percpu):/ {
		sub(/:$/, "", $1); printf "%s=%s ", $1, $2 }' /proc/meminfo)"
}

memfree_kb() {
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}

# fill_to MIB: write files into /fill until MemFree is at most MIB MiB,
# halving the step as it gets close.
fill_to() {
	local want=$(($1 * 1024)) free step n=0
	while :; do
		free=$(memfree_kb)
		[ "$free" -le "$want" ] && break
		step=$(((free - want) / 2048))
		[ "$step" -lt 1 ] && step=1
		dd if=/dev/zero of="/fill/f$n" bs=1M count="$step" 2>/dev/null ||
			{ kt_log "fill: dd failed"; break; }
		n=$((n + 1))
	done
	kt_log "fill: $(du -sk /fill | cut -f1) KiB in $n files"
}

# Replaces guest-lib's kt_pack_rootfs: pack (leaving out the tmpfs mounts),
# pad, then fill, so that MemFree is what kexec -l starts with.
kt_pack_rootfs() {
	local pad
	(cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./tmp -o -path ./run -o -path ./fill -o -path ./kho \) \
		-prune -o -print | cpio -o -H newc 2>/dev/null) > "$1"
	pad=$(kt_param initrd) &&
		dd if=/dev/zero bs=1M count="$pad" 2>/dev/null >> "$1"
	kt_meminfo "before fill"
	fill_to "$(kt_param leave || echo 50)"
	kt_meminfo "before load"
}

if minfree=$(kt_param minfree); then
	echo "$minfree" > /proc/sys/vm/min_free_kbytes
	kt_log "min_free_kbytes: $(cat /proc/sys/vm/min_free_kbytes)"
fi

if [ "$(kt_param keep)" = 1 ]; then
	mkdir -p /kho/keep
	if ! mount -t tmpfs -o kho=keep keep /kho/keep; then
		kt_log "keep: mount failed"
	elif [ "$stage" = 1 ]; then
		head -c 4194304 /dev/urandom > /kho/keep/data
		kt_log "keep written: sha256 $(sha256sum < /kho/keep/data | cut -d' ' -f1)"
	elif [ -f /kho/keep/data ]; then
		kt_log "keep: sha256 $(sha256sum < /kho/keep/data | cut -d' ' -f1)"
	else
		kt_log "keep: no data"
	fi
fi

# Stage 1 to kt.stages - 1: fill, load, jump (or refuse, with kt.initrd).
pressure_stage() {
	local opts out rc
	mkdir -p /fill
	case $(kt_param fill || echo plain) in
	kho) opts=kho=fill,size=100% ;;
	*) opts=size=100% ;;
	esac
	if mount -t tmpfs -o "$opts" fill /fill; then
		kt_log "fill mounted: $opts"
	else
		kt_log "FAIL: cannot mount the filler tmpfs ($opts)"
	fi
	if ! kt_param initrd > /dev/null; then
		KT_AFTER_LOAD="kt_meminfo after_load"
		kt_kexec "" ""
		return
	fi
	kt_pack_rootfs /tmp/next-initrd.cpio
	out=$(kexec -s -l /kernel --initrd=/tmp/next-initrd.cpio \
		--append="$(kt_cmdline_without "kt.initrd=") kt.stage=2" 2>&1)
	rc=$?
	kt_log "load: exit $rc"
	[ -n "$out" ] && kt_log "kexec says: $(echo "$out" | tr "\n" " ")"
	rm -rf /fill/* /tmp/next-initrd.cpio
	kt_meminfo "after the refused load"
	kt_dmesg | grep -E 'KHO|kexec' | while IFS= read -r line; do
		kt_log "dmesg: $line"
	done
}

if [ "$stage" -lt "$stages" ]; then
	pressure_stage
else
	kt_meminfo "last stage"
fi
