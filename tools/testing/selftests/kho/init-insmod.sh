#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of a bare initramfs (mkinitramfs.sh -b) for mainline's KHO self-test
# on a kernel that does not have mainline's test_kho built in: load
# /test_kho.ko (mainline's lib/test_kho.c built as a module for this
# kernel), which preserves its test data as the built-in would have at
# boot, then become mainline's init, /kho-init (its init.c), as PID 1 like
# in mainline's flow; it kexecs into /kernel.
if /bin/busybox insmod /test_kho.ko; then
	echo "KT: insmod test_kho.ko: ok"
else
	echo "KT: FAIL: insmod test_kho.ko failed"
fi
exec /kho-init
