#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The outgoing handover in debugfs with kho=on: out/fdt decompiles with dtc
# to a kho-v4 root whose preserved-memory-map is the map the kernel
# announced; scratch_phys/scratch_len list the areas the kernel reserved;
# finalize takes 1 and 0 and refuses anything else. Without kho=on there is
# no kho directory at all.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

log=$(kt_boot kho-debugfs debugfs-out.sh -m 1024 -n 2 -a "kho=on") ||
	fail "QEMU exited with an error (log: $log)"
expect "$log" '^KT: debugfs out: (corrupt )?fdt finalize scratch_len scratch_phys sub_fdts $' \
	"out/ has fdt, finalize, scratch_len, scratch_phys, sub_fdts" || rc=1

sed -n 's/^KT: fdt-b64 //p' "$log" | base64 -d > "$tmp/fdt.dtb" ||
	fail "out/fdt did not come through base64"
dtc -I dtb -O dts -o "$tmp/fdt.dts" "$tmp/fdt.dtb" 2> "$tmp/dtc.err" ||
	{ cat "$tmp/dtc.err"; fail "dtc cannot decompile out/fdt"; }
sed 's/^/    /' "$tmp/fdt.dts"
grep -q 'compatible = "kho-v4";' "$tmp/fdt.dts" || { echo "  compatible is not kho-v4"; rc=1; }

# The built-in test_kho registers a subtree at boot: out/fdt must already
# name it, with the size of the blob that sub_fdts/test_kho shows.
size=$(fdtget -t bx "$tmp/fdt.dtb" /test_kho blob-size 2>/dev/null | tr ' ' '\n' | tac |
	while read -r b; do printf '%02x' "0x$b"; done)
shown=$(sed -n 's/^KT: sub_fdt test_kho \([0-9]*\) bytes$/\1/p' "$log")
if [ -n "$size" ] && [ -n "$shown" ] && [ $((16#$size)) -eq "$shown" ]; then
	echo "  ok: out/fdt names subtree test_kho of $shown bytes, as sub_fdts/test_kho shows"
else
	echo "  subtree test_kho: blob-size 0x$size in out/fdt," \
		"sub_fdts/test_kho ${shown:-missing} bytes"
	rc=1
fi

# preserved-memory-map is a CPU-native (little-endian) u64.
map=$(fdtget -t bx "$tmp/fdt.dtb" / preserved-memory-map | tr ' ' '\n' | tac |
	while read -r b; do printf '%02x' "0x$b"; done)
announced=$(sed -n \
	's/.*KHO: ready: handover FDT at 0x[0-9a-f]*, memory map at 0x\([0-9a-f]*\)$/\1/p' "$log")
if [ -n "$announced" ] && [ -n "$map" ] && [ $((16#$map)) -eq $((16#$announced)) ]; then
	echo "  ok: preserved-memory-map 0x$map is the announced map root"
else
	echo "  preserved-memory-map 0x$map, kernel announced 0x$announced"
	rc=1
fi

# The scratch files list what the kernel reserved, in the same order.
phys=$(sed -n 's/^KT: scratch_phys: //p' "$log")
lens=$(sed -n 's/^KT: scratch_len: //p' "$log")
want_phys="" want_lens=""
while read -r start end; do
	want_phys+="$(printf '0x%x ' "$start")"
	want_lens+="$(printf '0x%x ' $((end - start + 1)))"
done < <(sed -n 's/.*KHO: scratch .*\[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$log")
[ "$phys" = "$want_phys" ] || { echo "  scratch_phys '$phys', want '$want_phys'"; rc=1; }
[ "$lens" = "$want_lens" ] || { echo "  scratch_len '$lens', want '$want_lens'"; rc=1; }
echo "  scratch_phys: $phys"

expect "$log" '^KT: finalize after 1: 1$' "finalize takes 1" || rc=1
expect "$log" '^KT: finalize after 0: 0$' "finalize takes 0" || rc=1
expect "$log" '^KT: finalize refused 2$' "finalize refuses 2" || rc=1

log=$(kt_boot kho-debugfs-off debugfs-out.sh) ||
	fail "QEMU exited with an error (log: $log)"
expect "$log" '^KT: debugfs out: $' "no kho directory without kho=on" || rc=1
[ $rc = 0 ] || fail "debugfs view of the handover"
