#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# arm64 only (run as arm64:67): a handover on a machine that boots through
# UEFI, as arm64 servers do. The first kernel is started by EDK II
# (run-qemu.sh -u) through its EFI stub; RAM then comes from the firmware's
# memory map, which the EFI code keeps mapped (one early mapping slot)
# while the handover is checked. test_kho's 16 MiB go across two kexecs:
# the kexec'd kernels still run on the firmware's memory map and tables,
# passed on in the device tree, and each restores and checks the data.
. "$(dirname "$0")/../../lib.sh"

[ "${KHO_ARCH:-}" = arm64 ] || fail "an arm64 test: run it as arm64:67 (KHO_ARCH=arm64)"
mem=$((16 << 20))
log=$(kt_boot uefi-handover kho-chain.sh -u -m 1024 \
	-a "kho=on kt.stages=3 test_kho.max_mem=$mem") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" 'EFI stub: Booting Linux Kernel' 1 \
	"the firmware started the first kernel's EFI stub" || rc=1
expect_count "$log" 'EFI stub: Generating empty DTB' 0 \
	"the firmware passed QEMU's device tree on" || rc=1
expect_count "$log" 'Linux version 6\.' 3 "three kernels booted" || rc=1
expect_count "$log" 'efi: EFI v[0-9.]+ by EDK II' 3 \
	"each kernel runs on the firmware's tables" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 2 \
	"kernels 2 and 3 accepted their handover" || rc=1
expect_count "$log" "test_kho: restore succeeded: [0-9]+ folios, $((mem >> 10)) KiB\$" 2 \
	"kernels 2 and 3 restored and verified 16 MiB" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored$' 2 \
	"no handed-over memory is left unclaimed" || rc=1
expect_count "$log" 'test_kho: .*FAILED' 0 "no test_kho failure" || rc=1
expect_count "$log" '^KT: init reached: stage [1-3]' 3 "every kernel reached init" || rc=1
[ $rc = 0 ] || fail "handover under UEFI (log: $log)"
