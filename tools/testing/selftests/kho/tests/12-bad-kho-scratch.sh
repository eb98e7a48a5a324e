#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Malformed kho_scratch= values: each gets exactly one clear message per
# boot (none of the kernel's generic "Malformed early option"), the kernel
# boots on with the default, and a plain kexec round trip still works.
. "$(dirname "$0")/../lib.sh"

bad=("12" "64M,512M" "0%" "64M,512M,256Mx")
args=""
for v in "${bad[@]}"; do args="$args kho_scratch=$v"; done
args="$args kho_bootmem=7%x"
marker=$(kt_token)
log=$(kt_boot bad-kho-scratch kexec-roundtrip.sh -a "${args# } kt.want_marker=$marker") ||
	fail "QEMU exited with an error (log: $log)"

rc=0
for v in "${bad[@]}"; do
	# Both kernels see the value, so two messages: one per boot.
	expect_count "$log" "KHO: ignoring malformed kho_scratch=${v//./\\.}: .*using 200%\$" 2 \
		"one message per boot for kho_scratch=$v" || rc=1
done
expect_count "$log" 'KHO: ignoring malformed kho_bootmem=7%x: .*using 200%$' 2 \
	"one message per boot for the alias kho_bootmem=7%x" || rc=1
expect_count "$log" "Malformed early option 'kho_(scratch|bootmem)'" 0 \
	"no generic early-option message" || rc=1
assert_roundtrip "$log" "$marker" || rc=1
[ $rc = 0 ] || fail "malformed kho_scratch= handling (log: $log)"
