#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kho_vmtest.sh [-c | -b] [TEST...]
#
# Kexec HandOver end to end, as a kselftest: boot a kernel in QEMU and
# kexec it with KHO, through run-tests.sh and the tests in tests/. Prints
# TAP; exits 0 when every test passed and 1 otherwise. A prerequisite that
# is missing (a tool, the kernel, a kernel tree) fails, naming it: nothing
# is skipped.
#
#   make -C tools/testing/selftests TARGETS=kho run_tests
#   make -C tools/testing/selftests TARGETS=kho KSFT_INSTALL_PATH=DIR install
#
# The kernel under test is KHO_KERNEL, a bzImage (absolute path) built with
# the options of ./config. Without it, the kernel tree is configured
# (KHO_BASE_CONFIG, tinyconfig by default, with ./config and ./vm.config
# merged in by scripts/kconfig/merge_config.sh; each of their options must
# survive olddefconfig) and its bzImage built out of tree in
# $KHO_OUTPUT/kernel.
# The tree is KHO_TREE, else the one this script is in, else kbuild's
# $srctree (make kselftest); it must have the KHO series applied.
#   -c  only configure that kernel, then exit
#   -b  only configure and build it, then exit
#
# TEST is a number or a name of tests/ (also taken from KHO_VMTEST_TESTS
# and, through the kselftest runner, KSELFTEST_KHO_VMTEST_SH_ARGS). By
# default the tests that need nothing but the kernel under test run:
#   03      the KUnit suites of KHO, at boot
#   06      negative control of the kernel log check every QEMU run gets
#   10-29   kexec round trips and handovers: scratch areas, debugfs, chains
#           of kernels, test_kho, damaged handovers the next kernel must
#           refuse, reserve_mem regions (pstore, ftrace), memory pressure
#   40-50   the persistent tmpfs (mount -o kho=NAME)
#   58, 59  the persistent tmpfs with memory cgroups and swap, and its
#           documented limits
#   63, 64  Live Update Orchestrator sessions of memfds, and damaged LUO
#           handovers
# The other tests need what only the KHO repository has: its harness and
# the pristine base tree (00, 01, 07, 09, 52-56), the userspace tests it
# builds (02, 04, 05, 08), a mainline kernel to hand over to and from, or
# its test programs (30-39, 51, 61, 62, 65), or an application taken from
# the host (57, 60).
#
# Environment: KHO_OUTPUT (default ${TMPDIR:-/tmp}/kho-vmtest-UID) holds
# the kernel build, the host tools and the logs: logs/NAME.out for each
# test, logs/*.log for each QEMU serial console. KHO_JOBS (make -j, default
# nproc) and KHO_MAKEFLAGS (more make arguments, split at spaces, such as
# LLVM=1) for the build; KHO_ACCEL (kvm or tcg, probed when unset) and
# KHO_TIMEOUT_SCALE (multiplies every QEMU timeout) as for run-tests.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${KHO_OUTPUT:-${TMPDIR:-/tmp}/kho-vmtest-$(id -u)}
default_tests="03 06 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
	40 41 42 43 44 45 46 47 48 49 50 58 59 63 64"

# bail WHAT MESSAGE [LINE...]: nothing was tested. Report WHAT as the one
# test, not ok, with the message and the lines below it, and exit 1.
bail() {
	local what=$1

	echo "TAP version 13"
	echo "1..1"
	echo "# error: $2"
	shift 2
	[ $# = 0 ] || printf '#   %s\n' "$@"
	echo "not ok 1 - $what"
	exit 1
}

# bail_log WHAT LOG MESSAGE: bail with MESSAGE and the end of LOG.
bail_log() {
	local what=$1 log=$2 end

	mapfile -t end < <(tail -n 20 "$log")
	bail "$what" "$3 (log: $log), its end:" "${end[@]}"
}

note() {
	echo "# $*" >&2
}

usage() {
	sed -n '4,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

# check_tools: what the tests run on the host.
check_tools() {
	local missing=() probe=$out/tools/static-probe

	command -v qemu-system-x86_64 > /dev/null ||
		missing+=("qemu-system-x86_64 (Debian: qemu-system-x86)")
	command -v kexec > /dev/null || [ -x /sbin/kexec ] ||
		missing+=("kexec (kexec-tools), packed into the guest")
	command -v dtc > /dev/null || missing+=("dtc (device-tree-compiler)")
	command -v cpio > /dev/null || missing+=("cpio")
	if [ ! -x /bin/busybox ] || ldd /bin/busybox > /dev/null 2>&1; then
		missing+=("a static /bin/busybox (busybox-static), the guest's shell")
	fi
	mkdir -p "$out/tools"
	printf 'int main(void) { return 0; }\n' |
		gcc -static -x c -o "$probe" - > /dev/null 2>&1 ||
		missing+=("gcc with a static libc (gcc, libc6-dev), for kho_tree.c")
	rm -f "$probe"
	[ ${#missing[@]} = 0 ] || bail prerequisites "missing on this host:" "${missing[@]}"
}

# find_tree: the kernel tree to build, in $tree: KHO_TREE, or the tree this
# script is in, or kbuild's srctree when it is an absolute path.
find_tree() {
	local t candidates=("$here/../../../..")

	[[ ${srctree:-} == /* ]] && candidates+=("$srctree")
	[ -n "${KHO_TREE:-}" ] && candidates=("$KHO_TREE")
	for t in "${candidates[@]}"; do
		[ -f "$t/scripts/kconfig/merge_config.sh" ] || continue
		tree=$(cd "$t" && pwd)
		grep -qs '^config KEXEC_HANDOVER$' "$tree/kernel/liveupdate/Kconfig" ||
			bail kernel "$tree has no KEXEC_HANDOVER (kernel/liveupdate/Kconfig):" \
				"apply the KHO series to it first"
		return
	done
	[ -n "${KHO_TREE:-}" ] && bail kernel "KHO_TREE=$KHO_TREE is not a kernel tree"
	bail kernel "no kernel to test: set KHO_KERNEL to a bzImage built with $here/config," \
		"or KHO_TREE to a kernel tree with the KHO series ($here is not in one)"
}

# kmake ARG...: make in the kernel tree. Under kselftest's make the
# environment holds that make's variables (MAKEFLAGS with OUTPUT=, O=, ...),
# which kbuild would take for its own: the kernel is built with PATH, HOME,
# the locale and ccache's settings only, and KHO_MAKEFLAGS.
kmake() {
	local flags=() keep=() v

	read -ra flags <<< "${KHO_MAKEFLAGS:-}"
	for v in PATH HOME TMPDIR LANG LC_ALL $(compgen -e | grep '^CCACHE_'); do
		[ -n "${!v+set}" ] && keep+=("$v=${!v}")
	done
	env -i "${keep[@]}" make -C "$tree" O="$obj" -j"${KHO_JOBS:-$(nproc)}" "${flags[@]}" "$@"
}

# configure: $obj/.config from KHO_BASE_CONFIG, ./config and ./vm.config.
# An unchanged result keeps the old file and its time, so nothing is
# rebuilt for it.
configure() {
	local old=$obj/.config.kho-old log=$out/kernel-config.log line lost=()

	mkdir -p "$obj"
	rm -f "$old"
	[ -f "$obj/.config" ] && cp -p "$obj/.config" "$old"
	note "configuring $tree in $obj (${KHO_BASE_CONFIG:-tinyconfig}, config, vm.config)"
	{
		# merge_config.sh writes a temporary file in the current
		# directory, which may be the source tree: run it in $obj.
		kmake "${KHO_BASE_CONFIG:-tinyconfig}" &&
			(cd "$obj" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
				"$obj/.config" "$here/config" "$here/vm.config") &&
			kmake olddefconfig
	} > "$log" 2>&1 || bail_log kernel "$log" "configuring the kernel failed"
	while read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$obj/.config" || lost+=("$line") ;;
		esac
	done < <(cat "$here/config" "$here/vm.config")
	[ ${#lost[@]} = 0 ] ||
		bail kernel "these options of config and vm.config are not in $obj/.config:" \
			"${lost[@]}"
	if [ -f "$old" ] && cmp -s "$old" "$obj/.config"; then
		mv "$old" "$obj/.config"
	else
		rm -f "$old"
	fi
}

build() {
	local log=$out/kernel-build.log

	note "building the kernel (log: $log)"
	kmake bzImage > "$log" 2>&1 || bail_log kernel "$log" "building the kernel failed"
	KHO_KERNEL=$obj/arch/x86/boot/bzImage
}

# select_tests TEST...: their scripts, in $tests.
select_tests() {
	local t m

	tests=()
	for t in "$@"; do
		m=("$here/tests/${t%.sh}.sh")
		[ -f "${m[0]}" ] || m=("$here/tests/${t%.sh}"-*.sh)
		if [ ${#m[@]} != 1 ] || [ ! -f "${m[0]}" ]; then
			bail tests "no test '$t' in $here/tests (or more than one)"
		fi
		tests+=("${m[0]}")
	done
	[ ${#tests[@]} -gt 0 ] || bail tests "no test selected"
}

mode=run
while getopts "cbh" opt; do
	case $opt in
	c) mode=config ;;
	b) mode=build ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
# shellcheck disable=SC2086 # a list of tests
[ $# -gt 0 ] || set -- ${KHO_VMTEST_TESTS:-$default_tests}

mkdir -p "$out" || bail output "cannot create KHO_OUTPUT=$out"
out=$(cd "$out" && pwd)
obj=$out/kernel
# What the tests need is checked before a build that may take long.
if [ $mode = run ]; then
	select_tests "$@"
	check_tools
fi
if [ $mode != run ] || [ -z "${KHO_KERNEL:-}" ]; then
	find_tree
	configure
	[ $mode = config ] && { note "configured: $obj/.config"; exit 0; }
	build
	[ $mode = build ] && { note "built: $KHO_KERNEL"; exit 0; }
fi
[ -f "$KHO_KERNEL" ] || bail kernel "KHO_KERNEL=$KHO_KERNEL does not exist"
KHO_KERNEL=$(realpath "$KHO_KERNEL")

# The tests' defaults point into the KHO repository; here everything goes
# to $out. No test inherits kselftest's make.
unset KHO_ROOT KHO_DEBUG_KERNEL KHO_PEER_KERNEL MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
export KHO_KERNEL KHO_LOGDIR=$out/logs KHO_BUILD=$out
rm -rf "$KHO_LOGDIR"
mkdir -p "$KHO_LOGDIR"
note "kernel: $KHO_KERNEL"
note "logs: $KHO_LOGDIR"
"$here/run-tests.sh" "${tests[@]}" | sed -u 's/^[0-9]* passed, [0-9]* failed$/# &/'
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
exit 0
