#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh -k BZIMAGE (-i INITRAMFS | -s SCENARIO) -l LOG [options]
#
#   -k FILE    kernel image (bzImage, or arm64 Image); also packed into the
#              initramfs
#   -i FILE    initramfs to boot (otherwise one is built from -s)
#   -s FILE    guest scenario script, run by /init as its payload
#   -l FILE    serial console log (one per test)
#   -a ARGS    extra kernel command line (after the defaults)
#   -m MIB     memory size in MiB (default 512)
#   -c N       CPU count (default 2)
#   -n N       NUMA nodes (default 1); memory and CPUs are split evenly
#   -t SECS    timeout (default 300), times KHO_TIMEOUT_SCALE (default 1;
#              the debug kernel's runs set more); on expiry QEMU is killed,
#              exit 124
#   -f H:G     also pack host file H into the initramfs as G (repeatable)
#   -x N:RE    exactly N kernel reports (WARN, BUG, oops, panic) whose
#              title matches RE are intended by this boot (log-check.sh -x);
#              repeatable
#   -u         arm64: boot through UEFI firmware (Debian's EDK II for
#              QEMU, qemu-efi-aarch64), which starts the Image's EFI stub;
#              otherwise QEMU starts the Image directly with a device tree
#   -e         echo the console to stdout while it runs
#   -P         only probe: print the accelerator that would be used, exit
#
# Uses KVM when a probe shows it really runs guest code, TCG otherwise
# (set KHO_ACCEL=kvm|tcg to force). KHO_ARCH=arm64 boots an arm64 Image on
# -M virt (TCG).
#
# Every log is checked by log-check.sh when QEMU ends: a warning, BUG, oops,
# panic, lockdep or KASAN report, a bad taint or a "KT: FAIL" line the boot
# did not declare with -x fails the run. The verdict is appended to the log
# ("# log-check: ...") and, when KHO_QEMU_RUNS names a file (run-tests.sh
# sets one per test), recorded there as "clean LOG" or "FAILED LOG: KINDS".
# Exit status: QEMU's, 124 on timeout, or 3 when QEMU exited cleanly but
# the log check failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kernel= initrd= scenario= log= append= echo_console=0
mem=512 cpus=2 nodes=1 timeout=300 probe_only=0 uefi=0
files=() expected=()
while getopts "k:i:s:l:a:m:c:n:t:f:x:euP" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	s) scenario=$OPTARG ;;
	l) log=$OPTARG ;;
	a) append=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	n) nodes=$OPTARG ;;
	t) timeout=$OPTARG ;;
	f) files+=(-f "$OPTARG") ;;
	x) expected+=(-x "$OPTARG") ;;
	e) echo_console=1 ;;
	u) uefi=1 ;;
	P) probe_only=1 ;;
	*) exit 2 ;;
	esac
done
[ -f "$kernel" ] && { [ -n "$log" ] || [ $probe_only = 1 ]; } ||
	{ sed -n '4,38p' "$0" >&2; exit 2; }
# KHO_ARCH=arm64: an arm64 Image on QEMU's virt machine, always under TCG
# on this x86_64 host, with the PL011 UART as console.
arch=${KHO_ARCH:-x86_64}
case $arch in
x86_64)	qemu_name=qemu-system-x86_64 machine=(-M pc) console=ttyS0
	# no_timer_check: under TCG on a busy host the IO-APIC timer check
	# at boot can miss its ticks and panic ("IO-APIC + timer doesn't
	# work!").
	arch_args="no_timer_check" ;;
arm64)	qemu_name=qemu-system-aarch64 console=ttyAMA0 arch_args=
	# A Cortex-A72 (ARMv8.0) costs TCG less than -cpu max, whose
	# pointer authentication QEMU emulates in full.
	machine=(-M virt -cpu cortex-a72) ;;
*) echo "error: KHO_ARCH must be x86_64 or arm64" >&2; exit 2 ;;
esac
firmware=()
if [ $uefi = 1 ]; then
	[ "$arch" = arm64 ] || { echo "error: -u is for KHO_ARCH=arm64" >&2; exit 2; }
	efi_code=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
	[ -f "$efi_code" ] ||
		{ echo "error: $efi_code not found (run harness/deps.sh)" >&2; exit 1; }
	firmware=(-bios "$efi_code")
	# With ACPI tables on offer EDK II hands the kernel ACPI and no
	# device tree; our arm64 kernels boot from the device tree.
	machine[1]=virt,acpi=off
fi
qemu=$(command -v $qemu_name) ||
	{ echo "error: $qemu_name not found (run harness/deps.sh)" >&2; exit 1; }

# /dev/kvm may exist and still not run guests: on some hosts KVM initialises,
# then the vCPU hangs or QEMU aborts on an MSR it cannot set. Only a real boot
# tells, so the probe boots this kernel without a root file system under KVM
# and accepts KVM when the kernel gets all the way to its "no root" panic
# (panic=-1 then ends QEMU). A working KVM needs a second or two for that.
kvm_works() {
	local out
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	out=$(timeout --foreground -k 2 20 "$qemu" -accel kvm -M pc -m 256 -nodefaults \
		-display none -monitor none -no-reboot -serial stdio \
		-kernel "$kernel" -append "console=ttyS0 panic=-1 rdinit=/none root=/dev/none" \
		< /dev/null 2>&1 || true)
	grep -q "VFS: Unable to mount root fs" <<< "$out"
}

accel=${KHO_ACCEL:-}
if [ -z "$accel" ]; then
	if [ "$arch" = x86_64 ] && kvm_works; then accel=kvm; else accel=tcg; fi
fi
[ $probe_only = 1 ] && { echo "$accel"; exit 0; }
timeout=$((timeout * ${KHO_TIMEOUT_SCALE:-1}))
case $accel in
kvm) accel_args=(-accel kvm) ;;
tcg) accel_args=(-accel tcg,thread=multi) ;;
*) echo "error: KHO_ACCEL must be kvm or tcg" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$initrd" ]; then
	"$here/mkinitramfs.sh" -k "$kernel" -s "${scenario:-/dev/null}" \
		"${files[@]}" -o "$tmp/initrd.cpio"
	initrd=$tmp/initrd.cpio
fi

numa_args=()
if [ "$nodes" -gt 1 ]; then
	[ $((mem % nodes)) -eq 0 ] ||
		{ echo "error: -m $mem not divisible by -n $nodes" >&2; exit 2; }
	for ((n = 0; n < nodes; n++)); do
		numa_args+=(-object "memory-backend-ram,id=mem$n,size=$((mem / nodes))M")
		if [ $n -lt "$cpus" ]; then
			numa_args+=(-numa "node,nodeid=$n,memdev=mem$n,cpus=$n")
		else
			numa_args+=(-numa "node,nodeid=$n,memdev=mem$n")
		fi
	done
	# CPUs beyond the node count go to node 0.
	for ((c = nodes; c < cpus; c++)); do
		numa_args+=(-numa "cpu,node-id=0,socket-id=$c")
	done
fi

cmdline="console=$console panic=-1 oops=panic${arch_args:+ $arch_args} kt.stage=1"
cmdline+="${append:+ $append}"
mkdir -p "$(dirname "$log")"
# A run that never records a verdict (killed) shows as started only.
[ -n "${KHO_QEMU_RUNS:-}" ] && echo "started $log" >> "$KHO_QEMU_RUNS"
{
	echo "# qemu: arch=$arch accel=$accel mem=${mem}M cpus=$cpus nodes=$nodes" \
		"timeout=${timeout}s${firmware[*]:+ firmware=${firmware[1]}}"
	echo "# kernel: $kernel"
	echo "# cmdline: $cmdline"
} > "$log"

# KHO_QEMU_PREALLOC=1 (make bench) touches all guest memory before the
# guest starts, so that no boot pays for the host faulting it in.
prealloc=()
[ "${KHO_QEMU_PREALLOC:-0}" = 1 ] && prealloc=(-mem-prealloc)

# The serial port sends CRLF; the log keeps plain lines for grep. Guest
# scenarios print their "KT: " lines through printk (guest-lib.sh): the
# timestamp in front of them goes, so they start the line as tests expect.
qemu_cmd=(timeout --foreground -k 5 "$timeout" "$qemu" "${accel_args[@]}"
	"${machine[@]}" "${firmware[@]}" -m "$mem" "${prealloc[@]}"
	-smp "$cpus,sockets=$cpus" "${numa_args[@]}" -nodefaults -display none -monitor none
	-no-reboot -serial stdio -kernel "$kernel" -initrd "$initrd"
	-append "$cmdline")
kt_unstamp='s/^\[[ 0-9.]*\]\(\[ *[TC][0-9]*\]\)\{0,1\} KT: /KT: /'
set +e
if [ "$echo_console" = 1 ]; then
	"${qemu_cmd[@]}" < /dev/null 2>&1 | tr -d '\r' | sed -u "$kt_unstamp" | tee -a "$log"
else
	"${qemu_cmd[@]}" < /dev/null 2>&1 | tr -d '\r' | sed "$kt_unstamp" >> "$log"
fi
rc=${PIPESTATUS[0]}
set -e
if [ $rc -eq 124 ]; then
	printf "\n# TIMEOUT: guest still running after %ss\n" "$timeout" >> "$log"
	echo "error: QEMU timed out after ${timeout}s (log: $log)" >&2
fi

# The kernel log check (see the top): also after a timeout, for its hints.
if verdict=$("$here/log-check.sh" "${expected[@]}" "$log"); then
	echo "$verdict" | sed 's/^/# /' >> "$log"
	if [ -n "${KHO_QEMU_RUNS:-}" ]; then
		if [ $rc -eq 124 ]; then
			echo "FAILED $log: timeout" >> "$KHO_QEMU_RUNS"
		else
			echo "clean $log" >> "$KHO_QEMU_RUNS"
		fi
	fi
else
	echo "$verdict" | sed 's/^/# /' >> "$log"
	echo "error: the kernel log shows a failure (log: $log):" >&2
	echo "$verdict" | sed 's/^/  /' >&2
	[ -n "${KHO_QEMU_RUNS:-}" ] &&
		echo "FAILED $log: $(echo "$verdict" | sed -n 's/^log-check: FAILED: //p')" \
			>> "$KHO_QEMU_RUNS"
	[ $rc -eq 0 ] && rc=3
fi
exit $rc
