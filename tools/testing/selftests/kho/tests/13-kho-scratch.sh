#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Scratch areas on a cold boot: with kho=on and two NUMA nodes the kernel
# reserves a lowmem, a global and one area per node, 4 MiB aligned, and
# gives them to the page allocator as CMA (CmaTotal equals their sum);
# kho_scratch=lowmem,global,pernode sets the sizes (0 = no such area);
# with KHO off nothing is reserved.
. "$(dirname "$0")/../lib.sh"

# scratch_sum LOG: total MiB of the "KHO: scratch" lines, checking alignment.
scratch_sum() {
	local start end sum=0
	while read -r start end; do
		end=$((end + 1))
		if (( start % (4 << 20) || end % (4 << 20) )); then
			echo unaligned
			return
		fi
		sum=$((sum + (end - start) / (1 << 20)))
	done < <(sed -n 's/.*KHO: scratch .*\[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$1")
	echo $sum
}

cma_mib() {
	sed -n 's/^KT: CmaTotal: \([0-9]*\) kB$/\1/p' "$1" | awk '{ print $1 / 1024 }'
}

rc=0
log=$(kt_boot scratch-default meminfo.sh -m 1024 -n 2 -a "kho=on") ||
	fail "QEMU exited with an error (log: $log)"
for area in lowmem global "node 0" "node 1"; do
	expect_count "$log" "KHO: scratch $area: \\[mem " 1 "scratch area $area" || rc=1
done
sum=$(scratch_sum "$log")
[ "$sum" != unaligned ] && [ "$sum" -gt 0 ] || { echo "  bad scratch areas: $sum"; rc=1; }
[ "$(cma_mib "$log")" = "$sum" ] ||
	{ echo "  CmaTotal $(cma_mib "$log") MiB != scratch $sum MiB"; rc=1; }
echo "  default scratch: $sum MiB, CmaTotal $(cma_mib "$log") MiB"

log=$(kt_boot scratch-explicit meminfo.sh -m 1024 -n 2 -a "kho=on kho_scratch=16M,0,6M") ||
	fail "QEMU exited with an error (log: $log)"
expect "$log" 'KHO: scratch lowmem: .* 16 MiB$' "explicit lowmem size" || rc=1
expect_count "$log" 'KHO: scratch global:' 0 "no global area when its size is 0" || rc=1
expect_count "$log" 'KHO: scratch node [01]: .* 8 MiB$' 2 "6M per node rounded up to 8 MiB" || rc=1
[ "$(cma_mib "$log")" = 32 ] || { echo "  CmaTotal $(cma_mib "$log") MiB, want 32"; rc=1; }

# Mainline 7.4 renames the option kho_bootmem=; it is the same option here.
log=$(kt_boot scratch-bootmem meminfo.sh -m 1024 -a "kho=on kho_bootmem=12M,4M,0") ||
	fail "QEMU exited with an error (log: $log)"
expect "$log" 'KHO: scratch lowmem: .* 12 MiB$' "kho_bootmem= sets the lowmem size" || rc=1
expect "$log" 'KHO: scratch global: .* 4 MiB$' "kho_bootmem= sets the global size" || rc=1
expect_count "$log" 'KHO: scratch node' 0 \
	"kho_bootmem= sets no per-node area when its size is 0" || rc=1

log=$(kt_boot scratch-off meminfo.sh -m 1024 -n 2) ||
	fail "QEMU exited with an error (log: $log)"
expect_count "$log" 'KHO: scratch' 0 "no scratch without kho=on" || rc=1
[ "$(cma_mib "$log")" = 0 ] || { echo "  CmaTotal $(cma_mib "$log") MiB without KHO"; rc=1; }
[ $rc = 0 ] || fail "scratch areas"
