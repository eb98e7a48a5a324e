# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest scenarios, sourced by /init. Everything a test asserts on
# is printed to the serial console as a line starting with "KT: ".

# Lines go through printk (/dev/kmsg), not straight to the console: the kernel
# writes its own records to the UART between the 16-byte chunks a tty write
# is sent in, so an echoed line could be cut in two by an unrelated kernel
# message (clocksource switch, crng init, ...) and no longer match. printk
# serializes both; run-qemu.sh drops the timestamp before "KT: " again.
# Multi-line and very long lines (printk's record limit is 1 KiB) and a guest
# without /dev/kmsg still use the console directly.
echo on > /proc/sys/kernel/printk_devkmsg 2>/dev/null

kt_log() {
	local line="KT: $*"

	case $line in
	*"
"*) ;;
	*)	if [ ${#line} -le 900 ] && [ -w /dev/kmsg ] &&
		   echo "<5>$line" 2> /dev/null > /dev/kmsg; then
			return 0
		fi ;;
	esac
	echo "$line"
}

# The kernel log without the KT lines kt_log wrote into it.
kt_dmesg() {
	dmesg | sed '/^\(\[[^]]*\] \)\{0,1\}KT: /d'
}

# Value of kt.NAME= on the kernel command line (empty when absent).
kt_param() {
	local word
	for word in $(cat /proc/cmdline); do
		case "$word" in
		kt.$1=*) echo "${word#kt.$1=}"; return 0 ;;
		esac
	done
	return 1
}

kt_stage() {
	kt_param stage || echo 1
}

# The current command line without kt.stage and the words named in $1
# (a space-separated list of "name=" prefixes to drop).
kt_cmdline_without() {
	local word drop keep out=
	for word in $(cat /proc/cmdline); do
		keep=1
		for drop in kt.stage= $1; do
			case "$word" in "$drop"*) keep=0 ;; esac
		done
		[ $keep = 1 ] && out="$out $word"
	done
	echo "${out# }"
}

# Pack the running root file system (the unpacked initramfs: busybox, kexec,
# /kernel, the scenario) into an initramfs for the next kernel.
kt_pack_rootfs() {
	(cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./tmp -o -path ./run \) -prune -o -print |
		cpio -o -H newc 2>/dev/null) > "$1"
}

# kt_kexec "EXTRA ARGS" ["PREFIXES TO DROP"]
# Load /kernel with kexec_file_load (kexec -s), the same initramfs, the
# current command line with kt.stage incremented plus EXTRA ARGS, and jump.
# The command in KT_AFTER_LOAD, if set, runs between the load and the jump;
# KT_KEXEC_ARGS, if set, are further options of kexec's load.
# With kt.loader=classic on the command line, kexec_load (kexec -c -l) is
# used instead (kt.loader-N=classic: only to load stage N).
# kt.kernel-N=NAME makes stage N boot /kernel.NAME instead
# (an image the test packed into the initramfs, such as the peer kernel).
kt_kexec() {
	local extra=$1 drop=$2 next cmdline rc mode=-s image=/kernel name
	next=$(($(kt_stage) + 1))
	name=$(kt_param "kernel-$next") && image=/kernel.$name
	cmdline="$(kt_cmdline_without "$drop") kt.stage=$next $extra"
	kt_pack_rootfs /tmp/next-initrd.cpio
	# -c: kexec-tools 2.0.28 and later would try kexec_file_load first.
	[ "$(kt_param loader)" = classic ] && mode=-c
	[ "$(kt_param "loader-$next")" = classic ] && mode=-c
	kt_log "kexec $mode -l $image (initramfs $(wc -c < /tmp/next-initrd.cpio) bytes)"
	kt_log "next cmdline: $cmdline"
	# shellcheck disable=SC2086 # a list of options
	kexec $mode -l "$image" ${KT_KEXEC_ARGS:-} --initrd=/tmp/next-initrd.cpio \
		--append="$cmdline"
	rc=$?
	if [ $rc -ne 0 ]; then
		kt_log "FAIL: kexec load failed with exit code $rc"
		kt_finish
	fi
	# A scenario may act between load and jump (KT_AFTER_LOAD).
	[ -n "${KT_AFTER_LOAD:-}" ] && $KT_AFTER_LOAD
	kt_log_taint
	kt_log "kexec -e: jumping to stage $next"
	sync
	kexec -e
	kt_log "FAIL: kexec -e returned with exit code $?"
	kt_finish
}

# The kernel's taint flags, which the host's log check (log-check.sh) reads:
# a warning taints even when its report did not reach the console whole.
kt_log_taint() {
	kt_log "kernel taint: $(cat /proc/sys/kernel/tainted)"
}

kt_finish() {
	kt_log_taint
	kt_log "stage $(kt_stage) done, powering off"
	reboot -f
	sleep 5
	echo o > /proc/sysrq-trigger
}
