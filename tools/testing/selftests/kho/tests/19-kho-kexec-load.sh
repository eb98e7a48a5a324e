#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kexec_load (kexec -l, the user-space loader) keeps working with kho=on but
# carries no handover: only kexec_file_load does. The second kernel boots
# as after a plain kexec, and test_kho starts afresh there.
. "$(dirname "$0")/../lib.sh"

log=$(kt_boot kho-kexec-load kho-chain.sh -a "kho=on kt.loader=classic") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect "$log" '^KT: kexec  -l /kernel' "the first kernel used kexec_load" || rc=1
expect "$log" '^KT: init reached: stage 2' "the second kernel reached init" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 0 "no handover through kexec_load" || rc=1
expect_count "$log" '^KT: is-kho-boot: no$' 2 "neither kernel has an incoming handover" || rc=1
expect_count "$log" 'test_kho: preserved' 2 "test_kho starts afresh in the second kernel" || rc=1
[ $rc = 0 ] || fail "kexec_load with kho=on (log: $log)"
