# SPDX-License-Identifier: GPL-2.0
#
# A chain of kexecs with kho=on: each kernel reports the handover it was
# given (in/) and the one it will give (out/), then kexecs until stage
# kt.stages (default 2). kt.corrupt=WHAT makes the first kernel damage its
# handover through out/corrupt before the first kexec; "initrd" needs the
# next image loaded first, so it is written between kexec -l and -e.
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
kt_corrupt() {
	if echo "$1" > "$d/out/corrupt"; then
		kt_log "corrupted the handover: $1"
	else
		kt_log "FAIL: out/corrupt refused $1"
	fi
}
if [ "$(kt_stage)" = 1 ] && what=$(kt_param corrupt); then
	case $what in
	initrd) KT_AFTER_LOAD="kt_corrupt $what" ;;
	*) kt_corrupt "$what" ;;
	esac
fi
if [ "$(kt_stage)" -lt "$(kt_param stages || echo 2)" ]; then
	kt_kexec "" "kt.corrupt="
fi
