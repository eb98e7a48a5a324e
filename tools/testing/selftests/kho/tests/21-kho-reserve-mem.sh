#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# reserve_mem regions survive kexec at the same address, proven with their
# users: a line written to pstore's pmsg and a marker written to the ftrace
# boot_map instance in the first kernel are read back in the second. The
# second kernel declares, before the others, an extra region of the same
# size as each, so a region allocated anew would have moved (test 22 shows
# it does without KHO); the new regions are placed outside scratch, so they
# can be handed on too.
# out/sub_fdts/memblock decompiles with dtc to a memblock-v1 list of both
# regions, and all preserved memory finds its owner.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
token=$(kt_token)
rc=0
log=$(kt_boot kho-reserve-mem reserve-mem.sh \
	-a "kho=on $KT_RESERVE_MEM_ARGS kt.shift=1 kt.token=$token") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" "^KT: pmsg written: KTPMSG $token\$" "first kernel wrote to /dev/pmsg0" || rc=1
expect "$log" "^KT: trace marker written: KTMARK $token\$" \
	"first kernel wrote a trace marker" || rc=1
expect "$log" \
	'Kernel command line: .*kt\.stage=2 .*reserve_mem=1M:4096:s-oops '\
'reserve_mem=2M:4096:s-trace reserve_mem=1M:4096:oops' \
	"second kernel declares the extra regions first" || rc=1
for name in oops trace; do
	expect_count "$log" \
		"reserve_mem: '$name' taken over from the previous kernel at $KT_MEM_RE\$" 1 \
		"second kernel took '$name' over" || rc=1
done
expect "$log" "^KT: pstore pmsg: KTPMSG $token\$" \
	"the pmsg line is in /sys/fs/pstore after kexec" || rc=1
expect "$log" '^KT: trace marker: found$' \
	"the marker is in the boot_map instance's trace after kexec" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored$' 1 \
	"no handed-over memory is left unclaimed" || rc=1
expect_count "$log" "reserve_mem: .*(cannot be handed over|outside scratch memory)" 0 \
	"the new regions are placed where they can be handed on in turn" || rc=1

mapfile -t addrs < <(kt_region_addrs "$log")
echo "  region addresses (oops trace): kernel 1: ${addrs[0]:-?}, kernel 2: ${addrs[1]:-?}"
if [ "${#addrs[@]}" = 2 ] && [ "${addrs[0]}" = "${addrs[1]}" ] && [[ "${addrs[0]}" != *-* ]]; then
	echo "  ok: both regions are at the same address in both kernels"
else
	echo "  the regions moved or were not reported"
	rc=1
fi

sed -n 's/^KT: memblock-b64 //p' "$log" | base64 -d > "$tmp/memblock.dtb" ||
	fail "out/sub_fdts/memblock did not come through base64"
dtc -I dtb -O dts -o "$tmp/memblock.dts" "$tmp/memblock.dtb" 2> "$tmp/dtc.err" ||
	{ cat "$tmp/dtc.err"; fail "dtc cannot decompile out/sub_fdts/memblock"; }
sed 's/^/    /' "$tmp/memblock.dts"
# start and size are CPU-native (little-endian) u64 values.
le64() {
	fdtget -t bx "$tmp/memblock.dtb" "$1" "$2" | tr ' ' '\n' | tac |
		while read -r b; do printf '%02x' "0x$b"; done
}
[ "$(fdtget "$tmp/memblock.dtb" / compatible)" = memblock-v1 ] ||
	{ echo "  memblock subtree is not memblock-v1"; rc=1; }
read -r oops_addr trace_addr <<< "${addrs[0]:-- -}"
for region in "oops $oops_addr 100000" "trace $trace_addr 200000"; do
	read -r name addr size <<< "$region"
	got_compat=$(fdtget "$tmp/memblock.dtb" "/$name" compatible 2>/dev/null)
	got_start=$(le64 "/$name" start 2>/dev/null)
	got_size=$(le64 "/$name" size 2>/dev/null)
	if [ "$got_compat" = reserve-mem-v1 ] && [ -n "$got_start" ] &&
		[ $((16#$got_start)) = $((addr)) ] && [ $((16#$got_size)) = $((16#$size)) ]; then
		echo "  ok: /$name is reserve-mem-v1 at $addr, 0x$size bytes"
	else
		echo "  /$name: compatible '$got_compat', start 0x$got_start, size 0x$got_size;" \
			"want $addr, 0x$size"
		rc=1
	fi
done
[ $rc = 0 ] || fail "reserve_mem regions across kexec (log: $log)"
