#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# arm64 only (run as arm64:66): damaged handover properties in /chosen.
# Kernel 2 is booted with a 12-byte linux,kho-fdt, kernel 3 with a root FDT
# outside RAM (scenarios/chosen-damaged.sh, kexec -l with a device tree of
# its own). Each names the damage, boots without a handover and keeps
# test_kho's own data; kernel 3 then hands over normally to kernel 4, which
# restores test_kho's 8 MiB.
. "$(dirname "$0")/../../lib.sh"

[ "${KHO_ARCH:-}" = arm64 ] || fail "an arm64 test: run it as arm64:66 (KHO_ARCH=arm64)"
args="kho=on kt.stages=4 kt.loader-2=classic kt.loader-3=classic"
args+=" kt.chosen-2=short kt.chosen-3=outside test_kho.max_mem=8388608"
log=$(kt_boot chosen-damaged chosen-damaged.sh -m 1024 \
	-f "$KT_DIR/scenarios/kho-chain.sh:/scenario-chain.sh" -a "$args") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" 'Linux version 6\.' 4 "four kernels booted" || rc=1
expect_count "$log" '^KT: kexec -c -l /kernel' 2 "kernels 1 and 2 used kexec_load" || rc=1
expect "$log" 'OF: fdt: linux,kho-fdt is 12 bytes, not one address and size \(16\)$' \
	"kernel 2 names the short property" || rc=1
expect_count "$log" 'OF: fdt: incomplete kexec handover in /chosen, booting without it$' 1 \
	"and boots without a handover" || rc=1
outside='\[mem 0x0000010000000000-0x0000010000000fff\]'
expect_count "$log" "KHO: handover FDT $outside is not in system RAM\$" 1 \
	"kernel 3 names the root FDT outside RAM" || rc=1
expect_count "$log" 'KHO: disabling KHO revival: booting without the handover$' 1 \
	"and boots without the handover" || rc=1
expect_count "$log" '^KT: init reached: stage [1-4]' 4 "every kernel reached init" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 1 \
	"kernel 4 took kernel 3's handover over" || rc=1
expect_count "$log" 'test_kho: restore succeeded: [0-9]+ folios, 8192 KiB$' 1 \
	"test_kho's 8 MiB came back in kernel 4" || rc=1
expect_count "$log" 'test_kho: preserved [0-9]+ folios, 8192 KiB' 4 \
	"every kernel preserved its own test data" || rc=1
[ $rc = 0 ] || fail "damaged /chosen handover properties (log: $log)"
