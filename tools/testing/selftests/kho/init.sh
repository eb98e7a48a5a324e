#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the KHO test guest: set up the pseudo file systems, run the
# scenario the initramfs was built with, and power the machine off. QEMU runs
# with -no-reboot, so any reboot (including a panic with panic=-1) ends it.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mkdir -p /proc /sys /dev /tmp /run
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev 2>/dev/null
mount -t tmpfs none /tmp
mount -t debugfs none /sys/kernel/debug 2>/dev/null

. /guest-lib.sh
kt_log "init reached: stage $(kt_stage), kernel $(uname -r)"
kt_log "cmdline: $(cat /proc/cmdline)"

if [ -f /scenario.sh ]; then
	. /scenario.sh
else
	kt_log "no scenario in this initramfs"
fi
kt_finish
