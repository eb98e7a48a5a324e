#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kexec_load (kexec -l, the user-space loader) keeps working with kho=on but
# carries no handover: only kexec_file_load does. Three kernels: the first
# hands over to the second with kexec -s, the second loads the third with
# kexec -l. The third boots as after a plain kexec, and test_kho starts
# afresh there. On arm64, kexec-tools passes the third kernel the device
# tree the second booted from, whose /chosen still names the handover the
# second took over: the second wipes that root FDT's header on its way out,
# so the third refuses it ("handover FDT is corrupt") rather than take
# the same handover over twice. Negative control, run by hand: without the
# wipe the third kernel still refused that handover, but only because the
# second had taken the FDT page out of the map ("the handover FDT page is
# not preserved"), and the check of the wiped header failed.
. "$(dirname "$0")/../lib.sh"

log=$(kt_boot kho-kexec-load kho-chain.sh -m 1024 \
	-a "kho=on kt.stages=3 kt.loader-3=classic test_kho.max_mem=8388608") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" '^KT: kexec -s -l /kernel' 1 "the first kernel used kexec_file_load" || rc=1
expect_count "$log" '^KT: kexec -c -l /kernel' 1 "the second kernel used kexec_load" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
expect_count "$log" 'KHO: found kexec handover data' 1 \
	"only the second kernel took a handover over" || rc=1
expect_count "$log" '^KT: is-kho-boot: no$' 2 "kernels 1 and 3 have no incoming handover" || rc=1
expect_count "$log" 'test_kho: preserved' 3 "test_kho preserves in every kernel" || rc=1
expect_count "$log" 'test_kho: restore succeeded' 1 "only the second kernel restores" || rc=1
refusals=0
[ "${KHO_ARCH:-x86_64}" = arm64 ] && refusals=1
expect_count "$log" 'KHO: handover FDT is corrupt: FDT_ERR_BADMAGIC$' $refusals \
	"a stale handover in /chosen (arm64 only) is refused for its wiped header" || rc=1
expect_count "$log" 'KHO: disabling KHO revival' $refusals \
	"and the third kernel boots without it" || rc=1
[ $rc = 0 ] || fail "kexec_load with kho=on (log: $log)"
