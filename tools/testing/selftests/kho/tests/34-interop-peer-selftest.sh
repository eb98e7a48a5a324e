#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mainline's own KHO self-test flow, its files unchanged, with our kernel
# in it. Mainline's tools/testing/selftests/kho/vmtest.sh boots a kernel
# with "console=ttyS0 kho=on panic=-1" and a bare initramfs holding its
# init.c as /init and the kernel as /kernel. The built-in test_kho
# (lib/test_kho.c) preserves random folios in the subtree "kho_test" at
# boot; init.c mounts debugfs and proc, kexec_file_load()s /kernel with the
# same command line and no initramfs, and reboots into it. The second
# kernel's test_kho restores and checksums the folios at boot and prints
# "KHO restore succeeded" (vmtest.sh passes when that line is on the
# serial console), then panics for want of anything to run as init, which
# with panic=-1 ends QEMU.
#
# Here, with init.c and test_kho.c taken from the peer's tree:
#   peer -> peer  the flow exactly as mainline runs it, in our QEMU set-up,
#                 so that a failure below is the interop and not the set-up
#   ours -> peer  our kernel boots first; it has no mainline test_kho built
#                 in, so a small /init loads test_kho.c built as a module
#                 for our tree, then becomes init.c, which kexecs into the
#                 peer; the peer's built-in test_kho verifies
#   peer -> ours  the peer's built-in test_kho preserves, init.c kexecs into
#                 our kernel. The second kernel gets no initramfs, so it
#                 can load no module: what verifies in our kernel is what it
#                 has built in for mainline's format, test_kho_v1, which
#                 checks the same "kho_test" subtree and checksum.
# test_kho.c is also built against the peer's own tree, as a check that the
# out-of-tree build itself works (the peer has it built in and does not
# load it). Mainline never builds test_kho.c as a module: the build
# (harness/build-peer-selftest.sh) links the target kernel's libfdt into it,
# which vmlinux does not export, and names it test_kho_mainline, as our
# kernel has a built-in test_kho of its own.
. "$(dirname "$0")/../lib.sh"

need_kernel
need_peer

selftest=$KHO_ROOT/build/peer-selftest
helper=$KHO_ROOT/harness/build-peer-selftest.sh
failed=()

# The build directory of a bzImage is three levels above it
# (OBJ/arch/x86/boot/bzImage).
ours_obj=$(cd "$(dirname "$KHO_KERNEL")/../../.." && pwd)
peer_obj=$(cd "$(dirname "$KHO_PEER_KERNEL")/../../.." && pwd)
# The peer's source tree: Kbuild links it as OBJ/source in an out-of-tree
# build; harness/peer.sh unpacks it as build/src/linux-7.X next to build/obj.
peer_src=$(readlink -f "$peer_obj/source" 2>/dev/null || true)
[ -f "$peer_src/lib/test_kho.c" ] ||
	peer_src=$(ls -1d "$peer_obj"/../../src/linux-7.* 2>/dev/null | sort -V | tail -n 1)
[ -f "$peer_src/tools/testing/selftests/kho/init.c" ] ||
	fail "no peer source tree with tools/testing/selftests/kho/init.c" \
		"(peer build dir: $peer_obj)"
ours_release=$(cat "$ours_obj/include/config/kernel.release")
peer_release=$(cat "$peer_obj/include/config/kernel.release")
echo "  mainline's self-test from: $(readlink -f "$peer_src")"

init=$("$helper" init "$peer_src" "$selftest") ||
	fail "cannot build mainline's init.c (tools/testing/selftests/kho/init.c)"
echo "  ok: built mainline's init.c as vmtest.sh does (static, nolibc)"

# The peer first: if mainline's test_kho.c does not build against its own
# tree, the recipe is at fault, not our tree.
if "$helper" module "$peer_src" "$peer_obj" "$selftest/test_kho-peer" > /dev/null; then
	echo "  ok: mainline's lib/test_kho.c builds as a module against the peer tree" \
		"(Linux $peer_release)"
else
	echo "  mainline's lib/test_kho.c does not build against its own tree (Linux $peer_release)"
	failed+=("test_kho.c does not build against the peer tree")
fi

# Against our tree. When it does not build, name what our tree lacks or
# declares differently, from the compiler's and modpost's diagnostics.
ours_ko=
if ours_ko=$("$helper" module "$peer_src" "$ours_obj" "$selftest/test_kho-ours"); then
	echo "  ok: mainline's lib/test_kho.c builds as a module against our tree" \
		"(Linux $ours_release)"
else
	id='[A-Za-z0-9_]+'
	missing=$(grep -oE -e "implicit declaration of function '$id'" -e "'$id' undeclared" \
		-e "unknown type name '$id'" -e "no member named '$id'" \
		-e "too (many|few) arguments to function '$id'" \
		-e "incompatible (pointer )?type for argument [0-9]+ of '$id'" \
		-e "\"$id\" \[[^]]*\] undefined" \
		"$selftest/test_kho-ours/build.log" | grep -oE "['\"][A-Za-z0-9_]+['\"]" |
		tr -d "'\"" | sort -u | paste -sd ' ')
	echo "  mainline's lib/test_kho.c does not build against our tree (Linux $ours_release)"
	echo "  missing or different in our tree: ${missing:-(see the compiler output above)}"
	failed+=("mainline's test_kho.c does not build against our tree:\
 ${missing:-see the compiler output}")
fi

# run_flow NAME FIRST SECOND [mkinitramfs.sh -f options]: boot FIRST with
# a bare initramfs holding SECOND as /kernel and the files given (one of
# them /init), with vmtest.sh's command line, and print the log's path.
# kt.token marks this run's command line, which init.c hands on unchanged.
no_init='(No working init found|VFS: Unable to mount root fs)'
run_flow() {
	local name=$1 first=$2 second=$3 log=$KHO_LOGDIR/$1.log
	shift 3
	echo "$log"
	"$KT_DIR/mkinitramfs.sh" -b -k "$second" -o "$selftest/$name.cpio" "$@" >&2 || return 1
	# run-qemu.sh adds console=ttyS0 panic=-1 (and oops=panic kt.stage=1);
	# kho=on as in vmtest.sh, which both kernels need (the peer is built
	# without KEXEC_HANDOVER_ENABLE_DEFAULT); 1 GiB and 2 CPUs as there.
	# The flow ends in the second kernel's panic for want of an init: the
	# one report the log check is told to expect (see check_flow).
	"$KT_DIR/run-qemu.sh" -k "$first" -i "$selftest/$name.cpio" -l "$log" \
		-t "${KHO_TIMEOUT:-240}" -m 1024 -c 2 -a "kho=on kt.token=$token" \
		-x "1:^Kernel panic - not syncing: $no_init" >&2
}

# check_flow LOG "VERSIONS": what every run of the flow must show. Exactly
# two kernels, of the versions VERSIONS (a regex of "major.minor" words) in
# that order, both with this run's command line, the first one kexec'ing
# into the second; no KHO refusal; the second kernel ends in the panic the
# flow ends with, as it gets no initramfs but the kernel's built-in one,
# which has no init ("No working init found"; a kernel that wants a root
# device says "VFS: Unable to mount root fs"); nothing before that panic
# warned or oopsed.
check_flow() {
	local log=$1 want=$2 seen bad rc=0
	local end="Kernel panic - not syncing: $no_init"
	seen=$(grep -oE 'Linux version [0-9]+\.[0-9]+' "$log" | awk '{ print $3 }' | paste -sd ' ')
	if [[ $seen =~ ^$want$ ]]; then
		echo "  ok: kernels in order: $seen"
	else
		echo "  kernels booted: '$seen', expected /^$want\$/"
		rc=1
	fi
	expect_count "$log" "Kernel command line: .*kho=on .*kt\\.token=$token" 2 \
		"both kernels booted with the first one's command line (init.c hands it on)" || rc=1
	expect_count "$log" 'kexec_core: Starting new kernel$' 1 \
		"the first kernel kexec'd (init.c's reboot(RB_KEXEC))" || rc=1
	expect_count "$log" 'KHO: .*[Dd]isabling|disabling kexec handover' 0 \
		"no KHO refusal" || rc=1
	if awk -v end="$end" '/Linux version/ { k++ }
		$0 ~ end { if (k == 2) found = 1; exit }
		END { exit !found }' "$log"; then
		echo "  ok: the second kernel ended as in mainline's flow:" \
			"$(grep -oE "$end" "$log")"
	else
		echo "  the second kernel did not end in the panic for want of an init (/$end/)"
		rc=1
	fi
	bad=$(awk -v end="$end" '$0 ~ end { exit }
		/(WARNING|BUG):|Oops|Call Trace:|Kernel panic/' "$log")
	if [ -z "$bad" ]; then
		echo "  ok: no warning, BUG, oops or other panic before it"
	else
		echo "  kernel warnings, BUGs, oopses or panics:"
		sed 's/^/    /' <<< "$bad" | head -n 20
		rc=1
	fi
	expect_count "$log" '\] Kernel panic' 1 \
		"one panic in all, the one that ends the flow" || rc=1
	expect_count "$log" 'KHO restore failed|restore FAILED' 0 \
		"no KHO test reports a failure" || rc=1
	return $rc
}

token=$(kt_token)

echo "  -- peer -> peer: mainline's flow as vmtest.sh runs it"
log=$(run_flow peer-selftest-peer-to-peer "$KHO_PEER_KERNEL" "$KHO_PEER_KERNEL" -f "$init:/init")
qemu=$?
rc=0
[ $qemu = 0 ] || { echo "  QEMU or a kernel failed (exit $qemu, log: $log)"; rc=1; }
check_flow "$log" '7\.[0-9]+ 7\.[0-9]+' || rc=1
expect_count "$log" '^\[ *[0-9.]+\] test_kho: KHO restore succeeded$' 1 \
	"the second peer kernel: test_kho: KHO restore succeeded (vmtest.sh's pass line)" || rc=1
[ $rc = 0 ] || failed+=("peer -> peer (mainline's flow unchanged) failed, log: $log")

echo "  -- ours -> peer: our kernel first, with test_kho.c as a module"
if [ -n "$ours_ko" ]; then
	log=$(run_flow peer-selftest-ours-to-peer "$KHO_KERNEL" "$KHO_PEER_KERNEL" \
		-f /bin/busybox:/bin/busybox -f "$KT_DIR/init-insmod.sh:/init" \
		-f "$init:/kho-init" -f "$ours_ko:/test_kho.ko")
	qemu=$?
	rc=0
	[ $qemu = 0 ] || { echo "  QEMU or a kernel failed (exit $qemu, log: $log)"; rc=1; }
	check_flow "$log" '6\.12 7\.[0-9]+' || rc=1
	expect_count "$log" '^KT: insmod test_kho.ko: ok$' 1 \
		"our kernel loaded mainline's test_kho (it preserves its folios)" || rc=1
	expect_count "$log" 'KHO: found kexec handover data\.$' 1 \
		"the peer accepted our handover" || rc=1
	expect_count "$log" '^\[ *[0-9.]+\] test_kho: KHO restore succeeded$' 1 \
		"the peer: test_kho: KHO restore succeeded (vmtest.sh's pass line)" || rc=1
	[ $rc = 0 ] || failed+=("ours -> peer failed, log: $log")
else
	echo "  not run: it needs mainline's test_kho.c built for our kernel (see above)"
	failed+=("ours -> peer not run: no test_kho module for our kernel")
fi

echo "  -- peer -> ours: the peer first, our kernel second"
log=$(run_flow peer-selftest-peer-to-ours "$KHO_PEER_KERNEL" "$KHO_KERNEL" -f "$init:/init")
qemu=$?
rc=0
[ $qemu = 0 ] || { echo "  QEMU or a kernel failed (exit $qemu, log: $log)"; rc=1; }
check_flow "$log" '7\.[0-9]+ 6\.12' || rc=1
expect_count "$log" 'KHO: found kexec handover data: FDT at 0x[0-9a-f]+, [0-9]+ scratch areas$' 1 \
	"our kernel accepted the peer's handover" || rc=1
# test_kho.c's default max_mem: (PAGE_SIZE << MAX_PAGE_ORDER) * 2, 8 MiB.
expect_count "$log" 'test_kho_v1: restore succeeded: [0-9]+ folios, 8192 KiB$' 1 \
	"our kernel restored the peer test_kho's 8 MiB and matched its checksum" || rc=1
[ $rc = 0 ] || failed+=("peer -> ours failed, log: $log")

if [ ${#failed[@]} -gt 0 ]; then
	printf '  failed: %s\n' "${failed[@]}"
	fail "mainline's KHO self-test with our kernel: ${failed[0]}"
fi
