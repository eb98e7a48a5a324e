# SPDX-License-Identifier: GPL-2.0
#
# Host-side helpers for the tests in tests/. Sourced by each test, which runs
# with: KHO_KERNEL (bzImage under test), KHO_LOGDIR (where logs go) and
# KHO_ACCEL (kvm or tcg, probed once by run-tests.sh).

KT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KHO_ROOT=${KHO_ROOT:-$(cd "$KT_DIR/../../../.." && pwd)}
KHO_LOGDIR=${KHO_LOGDIR:-$KHO_ROOT/build/test-logs}
mkdir -p "$KHO_LOGDIR"

fail() {
	echo "FAIL: $*"
	exit 1
}

need_kernel() {
	[ -n "${KHO_KERNEL:-}" ] && [ -f "$KHO_KERNEL" ] ||
		fail "kernel image not found (KHO_KERNEL='${KHO_KERNEL:-}'); run make kernel"
}

# kt_boot NAME SCENARIO [run-qemu.sh options]: boot the guest, log to
# $KHO_LOGDIR/NAME.log, and print that path. QEMU's exit status is returned.
kt_boot() {
	local name=$1 scenario=$2 log
	shift 2
	need_kernel >&2
	log=$KHO_LOGDIR/$name.log
	echo "$log"
	"$KT_DIR/run-qemu.sh" -k "$KHO_KERNEL" -s "$KT_DIR/scenarios/$scenario" \
		-l "$log" -t "${KHO_TIMEOUT:-240}" "$@" >&2
}

# expect LOG REGEX WHAT: the log must contain a line matching REGEX.
expect() {
	if ! grep -qE -- "$2" "$1"; then
		echo "  missing in $(basename "$1"): $3 (/$2/)"
		return 1
	fi
	echo "  ok: $3"
}

# expect_count LOG REGEX N WHAT: exactly N lines match.
expect_count() {
	local n
	n=$(grep -cE -- "$2" "$1" || true)
	if [ "$n" != "$3" ]; then
		echo "  $(basename "$1"): expected $3 lines for $4, found $n (/$2/)"
		return 1
	fi
	echo "  ok: $4 ($n)"
}

# A random word for command-line markers, so a stale log cannot match.
kt_token() {
	head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# assert_roundtrip LOG MARKER: the first kernel kexec'd, and a second kernel
# booted with the new command line, reached its init and saw the marker.
assert_roundtrip() {
	local log=$1 marker=$2 rc=0
	expect "$log" '^KT: kexec -e: jumping to stage 2' "first kernel executed kexec -e" || rc=1
	expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
	expect "$log" "Command line: .*kt\\.stage=2 .*kt\\.marker=$marker" \
		"second kernel booted with the new command line" || rc=1
	expect "$log" '^KT: init reached: stage 2' "second kernel reached its init" || rc=1
	expect "$log" "^KT: second kernel marker: $marker\$" \
		"second kernel's /proc/cmdline has the marker" || rc=1
	return $rc
}

# check_refusal WHAT REASON: the first kernel corrupts its handover with
# out/corrupt=WHAT; the second must print REASON (a regex after "KHO: "),
# boot without the handover and still hand over normally to a third kernel.
# Returns non-zero when any of that does not hold.
check_refusal() {
	local what=$1 reason=$2 log rc=0
	log=$(kt_boot "kho-bad-$what" kho-chain.sh -m 1024 \
		-a "kho=on kt.stages=3 kt.corrupt=$what") ||
		{ echo "  QEMU or the kernel failed (log: $log)"; return 1; }
	echo "  -- corrupt=$what"
	expect "$log" "^KT: corrupted the handover: $what\$" "first kernel corrupted its handover" || rc=1
	expect_count "$log" "KHO: $reason" 1 "second kernel names the reason" || rc=1
	expect_count "$log" 'KHO: disabling KHO revival: booting without the handover$' 1 \
		"second kernel drops the handover" || rc=1
	expect_count "$log" '^KT: is-kho-boot: no$' 2 "kernels 1 and 2 run without an incoming handover" || rc=1
	expect "$log" '^KT: init reached: stage 3' "the kexec after the refusal still works" || rc=1
	expect_count "$log" 'KHO: found kexec handover data' 1 \
		"the third kernel accepts the second kernel's (valid) handover" || rc=1
	expect_count "$log" 'test_kho: restore succeeded' 1 "test_kho data survives the valid hop" || rc=1
	return $rc
}

# The reserve_mem regions of the reserve_mem tests: ramoops (with pmsg) in
# "oops" and the ftrace boot_map instance in "trace".
KT_PSTORE_ARGS="reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000"
KT_RESERVE_MEM_ARGS="$KT_PSTORE_ARGS reserve_mem=2M:4096:trace trace_instance=boot_map@trace"

# kt_region_addrs LOG: one line per kernel, "<oops address> <trace address>"
# as ramoops and ftrace reported them.
kt_region_addrs() {
	awk '/Linux version 6\./ { if (n++) print oops, trace; oops = "-"; trace = "-" }
	     /ramoops: using 0x[0-9a-f]+@/ { sub(/.*@/, ""); sub(/,.*/, ""); oops = $0 }
	     /Tracing: mapped boot instance boot_map at physical memory/ {
		sub(/.*physical memory /, ""); sub(/ .*/, ""); trace = $0 }
	     END { if (n) print oops, trace }' "$1"
}

# kt_same_region LOG N: ramoops reported the same region in each of the N
# kernels of LOG.
kt_same_region() {
	local addrs
	addrs=$(sed -n 's/.*ramoops: using \(0x[0-9a-f]*@0x[0-9a-f]*\),.*/\1/p' "$1")
	echo "  pstore region in each kernel (size@address): $(echo $addrs)"
	if [ "$(echo "$addrs" | grep -c .)" = "$2" ] && [ "$(echo "$addrs" | sort -u | wc -l)" = 1 ]; then
		echo "  ok: the pstore region is at the same address in all $2 kernels"
	else
		echo "  the pstore region was not at one address in all $2 kernels"
		return 1
	fi
}

# The mainline peer kernel (harness/peer.sh): KHO_PEER_KERNEL is its
# bzImage. Interop tests cannot run without it and fail.
need_peer() {
	[ -n "${KHO_PEER_KERNEL:-}" ] && [ -f "$KHO_PEER_KERNEL" ] ||
		fail "peer kernel not found (KHO_PEER_KERNEL='${KHO_PEER_KERNEL:-}'); run make peer"
	cat "$(dirname "$KHO_PEER_KERNEL")/../../../.kho-peer" 2>/dev/null ||
		echo "peer: $KHO_PEER_KERNEL"
}

# kt_boot_chain NAME "KERNELS" "ARGS" [run-qemu.sh options]: boot a chain
# of kexecs through the kernels named, "ours" or "peer" (for example "ours
# peer ours"), running scenarios/interop.sh with command line ARGS. The
# first kernel boots; each later one is packed into the initramfs and picked
# by kt.kernel-N. Logs to $KHO_LOGDIR/NAME.log and prints that path.
kt_boot_chain() {
	local name=$1 kernels=$2 append="$3 kt.stages=0" stage=0 k image
	local first= files=()
	shift 3
	need_kernel >&2
	need_peer >&2
	for k in $kernels; do
		stage=$((stage + 1))
		case $k in
		ours) image=$KHO_KERNEL ;;
		peer) image=$KHO_PEER_KERNEL ;;
		*) fail "unknown kernel '$k'" ;;
		esac
		if [ -z "$first" ]; then
			first=$image
		else
			files+=(-f "$image:/kernel.$k")
			append+=" kt.kernel-$stage=$k"
		fi
	done
	append=${append/kt.stages=0/kt.stages=$stage}
	echo "$KHO_LOGDIR/$name.log"
	"$KT_DIR/run-qemu.sh" -k "$first" -s "$KT_DIR/scenarios/interop.sh" \
		-l "$KHO_LOGDIR/$name.log" -t "${KHO_TIMEOUT:-240}" "${files[@]}" \
		-a "$append" "$@" >&2
}
