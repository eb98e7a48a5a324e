#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the test kernel in QEMU with kho=on, preserve 64 MiB of
# test data, live-update it with kexec and show the data intact in the new
# kernel, as a readable transcript. The full serial log is kept in
# build/test-logs/demo.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${KHO_KERNEL:?set KHO_KERNEL to the bzImage}
kt=$KHO_ROOT/tools/testing/selftests/kho
log=$KHO_BUILD/test-logs/demo.log
mem=$((64 << 20))
marks=$(mktemp)
trap 'rm -f "$marks"' EXIT

say() {
	printf '\n== %s\n' "$*"
}

# Keep what a person wants to read: the guest's narration, and the kernel's
# own milestones; note on the host clock when the jump starts and ends.
transcript() {
	local line
	while IFS= read -r line; do
		case $line in
		"KT: kexec -e"*)
			date +%s.%N > "$marks"
			printf '   %s\n' "${line#KT: }" ;;
		"KT: init reached: stage 2"*)
			date +%s.%N >> "$marks"
			printf '   %s\n' "${line#KT: }" ;;
		"KT: "*)
			printf '   %s\n' "${line#KT: }" ;;
		*"Linux version"* | *"kexec_core: Starting new kernel"*)
			printf '   [kernel] %s\n' "${line#*] }" ;;
		esac
	done
}

say "Kexec HandOver demo: a live update of Linux $(cat "$KHO_BUILD/src/linux-6.12/.kho-kernelversion")"
echo "   A host kernel boots in QEMU with kho=on and preserves 64 MiB of data"
echo "   (lib/test_kho.c: folios of random orders full of random bytes). It"
echo "   then kexecs into a new kernel, which takes the handover over and checks"
echo "   every byte. A pstore message written before the update, kept in a"
echo "   reserve_mem region, is read back after it, and the files of a tmpfs"
echo "   mounted with -o kho=demo are there again, and so is a memfd an agent"
echo "   preserved in a /dev/liveupdate session. Full serial log: $log"
pstore_args="reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000"
KHO_ACCEL=${KHO_ACCEL:-$("$kt/run-qemu.sh" -P -k "$kernel")}
export KHO_ACCEL
echo "   QEMU accelerator: $KHO_ACCEL"

agent=$(bash -c ". '$kt/lib.sh' && kt_luo_agent")
"$kt/run-qemu.sh" -k "$kernel" -s "$kt/scenarios/demo.sh" -l "$log" -t 300 -e \
	-f "$agent:/bin/luo_agent" -m 1024 \
	-a "kho=on liveupdate=on test_kho.max_mem=$mem kt.generation=1 $pstore_args" 2>&1 |
	transcript || true

say "Verdict"
if [ "$(wc -l < "$marks")" = 2 ]; then
	printf '   The new kernel reached its init %.1f s after kexec -e (QEMU %s).\n' \
		"$(echo "$(sed -n 2p "$marks") - $(sed -n 1p "$marks")" | bc)" "$KHO_ACCEL"
fi
out_sha=$(sed -n 's/^KT: out\/fdt sha256: //p' "$log")
in_sha=$(sed -n 's/^KT: in\/fdt sha256: *//p' "$log")
pmsg_out=$(sed -n 's/^KT: wrote to \/dev\/pmsg0: //p' "$log")
pmsg_in=$(sed -n 's/^KT: \/sys\/fs\/pstore\/pmsg-ramoops-0: //p' "$log")
tmpfs_out=$(sed -n 's/^KT: tmpfs files sha256: //p' "$log" | sed -n 1p)
tmpfs_in=$(sed -n 's/^KT: tmpfs files sha256: //p' "$log" | sed -n 2p)
if grep -q "test_kho: restore succeeded: .* $((mem >> 10)) KiB" "$log" &&
	grep -q 'KHO: found kexec handover data' "$log" &&
	[ -n "$out_sha" ] && [ "$out_sha" = "$in_sha" ] &&
	[ -n "$pmsg_out" ] && [ "$pmsg_out" = "$pmsg_in" ] &&
	[ -n "$tmpfs_out" ] && [ "$tmpfs_out" = "$tmpfs_in" ] &&
	grep -q 'tmpfs: kho=demo: restored' "$log" &&
	grep -qE '^KT: +luo retrieved demo-vm token 7 32 MiB: same bytes$' "$log" &&
	! grep -qE '(WARNING|BUG): |Oops' "$log"; then
	echo "   PASS: the new kernel received the handover FDT unchanged, reserved the"
	echo "   preserved memory before anything could reuse it, and got all 64 MiB back."
	echo "   The pstore message came back from the same physical address."
	echo "   The files of the kho=demo tmpfs came back with the same checksums."
	echo "   The memfd came back through /dev/liveupdate with every byte in place."
else
	echo "   FAIL: the live update did not carry the data over; see $log"
	exit 1
fi
