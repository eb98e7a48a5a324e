# SPDX-License-Identifier: GPL-2.0
#
# A chain of kexecs with kho=on: each kernel reports the handover it was
# given (in/) and the one it will give (out/), then kexecs until stage
# kt.stages (default 2). kt.corrupt=WHAT[,WHAT...] makes the first kernel
# damage its handover through out/corrupt before the first kexec; "initrd"
# and the map-* kinds are written between kexec -l and -e (the first needs
# the next image loaded, the others must not be walked by anything before
# the jump). kt.steal=fdt boots the second kernel with test_kho.steal= set
# to the first kernel's outgoing root FDT page. Every kernel logs its
# CmaTotal and the sum of its scratch areas, both in KiB.
d=/sys/kernel/debug/kho
kt_log "is-kho-boot: $([ -d "$d/in" ] && echo yes || echo no)"
kt_log "kernel code: $(sed -n 's/^ *\([0-9a-f]*-[0-9a-f]*\) : Kernel code$/\1/p' /proc/iomem)"
if [ -r "$d/in/fdt" ]; then
	kt_log "in-fdt-sha $(sha256sum < "$d/in/fdt" | cut -d' ' -f1)"
fi
if [ -r "$d/out/fdt" ]; then
	kt_log "out-fdt-sha $(sha256sum < "$d/out/fdt" | cut -d' ' -f1)"
	kt_log "scratch_phys: $(tr '\n' ' ' < "$d/out/scratch_phys")"
	kt_log "scratch_len: $(tr '\n' ' ' < "$d/out/scratch_len")"
fi
if [ -r "$d/out/scratch_len" ]; then
	scratch=0
	for len in $(cat "$d/out/scratch_len"); do
		scratch=$((scratch + len / 1024))
	done
	cma=$(sed -n 's/^CmaTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	kt_log "cma: total $cma KiB, scratch $scratch KiB"
fi
kt_corrupt() {
	if echo "$1" > "$d/out/corrupt"; then
		kt_log "corrupted the handover: $1"
	else
		kt_log "FAIL: out/corrupt refused $1"
	fi
}
kt_corrupt_after_load() {
	local what
	for what in $(echo "$1" | tr , ' '); do
		kt_corrupt "$what"
	done
}
extra=
if [ "$(kt_stage)" = 1 ] && what=$(kt_param corrupt); then
	case $what in
	initrd|map-*) KT_AFTER_LOAD="kt_corrupt_after_load $what" ;;
	*) kt_corrupt_after_load "$what" ;;
	esac
fi
if [ "$(kt_stage)" = 1 ] && [ "$(kt_param steal)" = fdt ]; then
	extra="test_kho.steal=$(kt_dmesg |
		sed -n 's/.*KHO: ready: handover FDT at \(0x[0-9a-f]*\),.*/\1/p')"
fi
if [ "$(kt_stage)" -lt "$(kt_param stages || echo 2)" ]; then
	kt_kexec "$extra" "kt.corrupt= kt.steal= test_kho.steal="
fi
