#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Three kernels, two kexecs with kho=on: each later kernel finds and checks
# the handover, reserves what was preserved (at least the root FDT page),
# shows in/fdt byte for byte equal to the out/fdt the previous kernel had,
# and hands on the very same scratch areas, and KASLR placed kernels 2 and
# 3 inside scratch. No kernel warns.
. "$(dirname "$0")/../lib.sh"

log=$(kt_boot kho-handover-chain kho-chain.sh -a "kho=on kt.stages=3") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" 'Linux version 6\.' 3 "three kernels booted" || rc=1
expect "$log" '^KT: init reached: stage 3' "the third kernel reached init" || rc=1
expect_count "$log" 'KHO: found kexec handover data: FDT at 0x[0-9a-f]+, [0-9]+ scratch areas$' 2 \
	"kernels 2 and 3 accepted the handover" || rc=1
expect_count "$log" 'KHO: reserved [1-9][0-9]* preserved ranges, [1-9][0-9]* KiB$' 2 \
	"preserved memory (at least the root FDT page) was reserved each time" || rc=1
expect_count "$log" '^KT: is-kho-boot: yes$' 2 "in/ exists after each kexec" || rc=1
expect_count "$log" 'KHO: exec from: 6\.12\.[0-9]+ \(count 1\)$' 1 \
	"kernel 2 names its predecessor (kexec-metadata)" || rc=1
expect_count "$log" 'KHO: exec from: 6\.12\.[0-9]+ \(count 2\)$' 1 \
	"kernel 3 counts two live updates in a row" || rc=1

mapfile -t outs < <(sed -n 's/^KT: out-fdt-sha //p' "$log")
mapfile -t ins < <(sed -n 's/^KT: in-fdt-sha //p' "$log")
for i in 0 1; do
	if [ -n "${ins[i]:-}" ] && [ "${ins[i]}" = "${outs[i]:-}" ]; then
		echo "  ok: kernel $((i + 2)) in/fdt equals kernel $((i + 1)) out/fdt"
	else
		echo "  kernel $((i + 2)) in/fdt ${ins[i]:-none} !=" \
			"kernel $((i + 1)) out/fdt ${outs[i]:-none}"
		rc=1
	fi
done
[ "$(sed -n 's/^KT: scratch_phys: //p' "$log" | sort -u | wc -l)" = 1 ] ||
	{ echo "  scratch areas changed across kexecs"; rc=1; }
echo "  scratch: $(sed -n 's/^KT: scratch_phys: //p' "$log" | head -n 1)"
# With KASLR on, the decompressor of kernels 2 and 3 may only have chosen
# a place inside the scratch areas.
read -ra starts <<< "$(sed -n 's/^KT: scratch_phys: //p' "$log" | head -n 1)"
read -ra lens <<< "$(sed -n 's/^KT: scratch_len: //p' "$log" | head -n 1)"
mapfile -t codes < <(sed -n 's/^KT: kernel code: //p' "$log")
for i in 1 2; do
	lo=$((16#${codes[i]%-*})) hi=$((16#${codes[i]#*-})) inside=no
	for j in "${!starts[@]}"; do
		if (( lo >= starts[j] && hi < starts[j] + lens[j] )); then inside=yes; fi
	done
	if [ $inside = yes ]; then
		echo "  ok: kernel $((i + 1)) code ${codes[i]} lies in scratch"
	else
		echo "  kernel $((i + 1)) code ${codes[i]:-unknown} is outside scratch"
		rc=1
	fi
done
[ $rc = 0 ] || fail "handover chain (log: $log)"
