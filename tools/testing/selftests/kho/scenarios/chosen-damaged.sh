# SPDX-License-Identifier: GPL-2.0
#
# arm64: damaged kexec handover properties in /chosen. Stages 1 and 2 load
# the next kernel with kexec_load (kexec -l) and a device tree of their own:
# the one they booted from, with linux,kho-fdt and linux,kho-scratch
# replaced by kt.chosen-N (N the next stage; "short" or "outside", below).
# Stage 3 hands over with kexec -s as usual, to stage 4.
#   short:   linux,kho-fdt is 12 bytes, not one address and size
#   outside: both well formed, the root FDT 1 TiB away, outside RAM
case $(kt_param "chosen-$(($(kt_stage) + 1))") in
short)
	props='linux,kho-fdt = <0x00 0x40000000 0x00>;'
	props="$props linux,kho-scratch = <0x00 0x40000000 0x00 0x1000>;" ;;
outside)
	props='linux,kho-fdt = <0x100 0x00 0x00 0x1000>;'
	props="$props linux,kho-scratch = <0x00 0x40000000 0x00 0x10>;" ;;
*)
	props= ;;
esac
if [ -n "$props" ]; then
	dtc -q -I dtb -O dts /sys/firmware/fdt > /tmp/booted.dts &&
	sed -e '/linux,kho-/d' -e "/^	chosen {/a\\
		$props" /tmp/booted.dts > /tmp/damaged.dts &&
	dtc -q -I dts -O dtb -o /tmp/damaged.dtb /tmp/damaged.dts ||
		kt_log "FAIL: cannot build the damaged device tree"
	kt_log "next device tree /chosen:" \
		"$(grep 'linux,kho-' /tmp/damaged.dts | tr -d '\t' | tr '\n' ' ')"
	KT_KEXEC_ARGS=--dtb=/tmp/damaged.dtb
fi
. /scenario-chain.sh
