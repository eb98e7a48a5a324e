#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every #ifdef branch of the series compiles: the series' objects (the
# files it adds and the upstream files it patches) build without a warning
# in configurations the test kernels do not use. Built, not run; each is
# harness/kho.config with a few options turned off, built one after the
# other in build/obj/variant:
#
#   kho-off        KEXEC_HANDOVER=n (and so no LUO): the stubs in
#                  kexec_handover.h, liveupdate.h and memfd.h and the
#                  #ifdef CONFIG_KEXEC_HANDOVER branches of patched files
#   no-debugfs     KEXEC_HANDOVER_DEBUGFS=n (and so no fault injection),
#                  TMPFS=n (and so no LUO memfd handler): the debugfs stubs
#                  of kexec_handover_internal.h and kexec_handover.h, KHO
#                  without shmem_kho, LUO without a file handler
#   tmpfs-no-debugfs  KEXEC_HANDOVER_DEBUGFS=n with TMPFS on: shmem_kho's
#                  debugfs files fall back to kexec_handover.h's stubs
#   small          KEXEC_HANDOVER_FAULT_INJECTION=n with debugfs on, LIVEUPDATE=n,
#                  TRANSPARENT_HUGEPAGE=n, and the options kho.config has
#                  as distribution kernels do off (memory cgroups, swap,
#                  file locking, POSIX ACLs, hugetlbfs, preemption; SLUB_TINY
#                  as tinyconfig has it): the stubs the test kernels skip
#
# then, cross-built for arm64 in build/obj/variant-arm64 from kho.config
# and kho-arm64.config, the same objects and those of the arm64 patches
# (drivers/of, arch/arm64) with KEXEC_HANDOVER on and off:
#
#   arm64          as make check's arm64 kernel
#   arm64-kho-off  KEXEC_HANDOVER=n: the #ifdef branches of drivers/of/kexec.c
#
# and then allmodconfig (with KUNIT=y, which the series' KUnit tests need,
# and GCC_PLUGINS=n, which a machine without plugin headers has anyway),
# in build/obj/allmod: every option of the series on, next to all else
# allmodconfig turns on (KASAN, UBSAN, FORTIFY_SOURCE, lockdep, DEBUG_VM,
# GCOV, KCOV), with the tree's own warning flags and CONFIG_WERROR.
#
# These builds take five to ten minutes cold. As test 52 does for the
# prefixes, they run again only when what they read changed since the
# passing run recorded in harness/variants-checked, which this test writes
# (commit it with the change): the base kernel, every file of the work tree
# that the series adds or changes (as the tree has them, outside
# Documentation/ and tools/testing/), the fragments, the harness scripts
# that build, this test, and the versions of the compilers and of the tools
# allmodconfig looks for. Otherwise the test says which run it relies on.
. "$(dirname "$0")/../lib.sh"

tree=$KHO_ROOT/build/linux
[ -f "$tree/kernel/liveupdate/kho_in.c" ] ||
	fail "work tree $tree is missing or not assembled; run make kernel"

# Which objects a configuration builds: "always", or the options (all must
# be on) that its Makefile line depends on, and "x86" or "arm64" for the
# objects of one architecture. kernel/liveupdate/ is built as a directory,
# so files added there need no entry.
declare -A objects=(
	[kernel/liveupdate/]=KEXEC_HANDOVER
	[kernel/kexec_core.o]=always
	[kernel/kexec_file.o]=always
	[mm/memblock.o]=always
	[mm/mm_init.o]=always
	[mm/shmem.o]=always
	[mm/memblock_kho.o]=KEXEC_HANDOVER
	[mm/shmem_kho.o]="KEXEC_HANDOVER TMPFS"
	[mm/shmem_kho_in.o]="KEXEC_HANDOVER TMPFS"
	[mm/shmem_kho_out.o]="KEXEC_HANDOVER TMPFS"
	[mm/shmem_kho_image.o]="KEXEC_HANDOVER TMPFS"
	[mm/shmem_kho_rebuild.o]="KEXEC_HANDOVER TMPFS"
	[mm/shmem_kho_folio.o]="KEXEC_HANDOVER TMPFS"
	[mm/memfd.o]=always
	[mm/memfd_luo.o]=LIVEUPDATE_MEMFD
	[lib/test_kho.o]=TEST_KEXEC_HANDOVER
	[lib/test_kho_v1.o]=TEST_KEXEC_HANDOVER
	[arch/x86/kernel/setup.o]=x86
	[arch/x86/kernel/kexec-bzimage64.o]=x86
	[arch/x86/realmode/init.o]=x86
	[arch/arm64/mm/init.o]=arm64
	[drivers/of/fdt.o]=arm64
	[drivers/of/kexec.o]=arm64
	# The decompressor's objects cannot be built on their own (they need
	# the flags of its own link and include/generated/utsversion.h): they
	# are compiled only by the full builds of the test kernels.
	[arch/x86/boot/compressed/kaslr.o]=never
	[arch/x86/boot/compressed/kho.o]=never
)

# A C file the series adds or patches that the table does not know would
# go unchecked: fail until it is added.
rc=0
series_c=$( (cd "$KHO_ROOT" && find kernel mm lib arch drivers -name '*.c' 2>/dev/null)
	sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$KHO_ROOT"/patches/*.patch)
for c in $(sort -u <<< "$series_c"); do
	case $c in
	kernel/liveupdate/*) continue ;;
	# Userspace test programs (tools/testing/memblock) are built and
	# run by their own tests, not by Kbuild.
	tools/*) continue ;;
	esac
	if [ -z "${objects[${c%.c}.o]:-}" ]; then
		echo "  $c is in the series but not in this test's object table"
		rc=1
	fi
done
[ $rc = 0 ] && echo "  ok: every C file of the series is in the object table"

stamp=$KHO_ROOT/harness/variants-checked
# The files are read from the tree the builds compile (its .kho-manifest
# lists what the series put there), so an edit made in the tree counts too.
variants_digest() {
	local tool
	{
		cat "$tree/.kho-base"
		awk '{ print $2 }' "$tree/.kho-manifest" |
			grep -v '^Documentation/\|^tools/testing/' | LC_ALL=C sort |
			(cd "$tree" && xargs sha256sum)
		(cd "$KHO_ROOT/harness" &&
			sha256sum kho.config kho-arm64.config build-kernel.sh ccache-cc lib.sh)
		sha256sum < "$KT_DIR/lib.sh"
		sha256sum < "$0"
		for tool in gcc aarch64-linux-gnu-gcc ld aarch64-linux-gnu-ld \
			pahole bindgen; do
			echo "$tool: $("$tool" --version 2>/dev/null | head -n 1)"
		done
		# Rust is built only with bindgen too: without it rustc's
		# version (and whether it is on PATH at all) changes a line of
		# .config (RUSTC_VERSION) but no object.
		! command -v bindgen > /dev/null || echo "rustc: $(rustc --version)"
	} | sha256sum | cut -d' ' -f1
}
digest=$(variants_digest)
[ $rc = 0 ] && kt_recorded_pass "$stamp" "$digest" && exit 0

# build_objects NAME OUT CONFIG FRAGMENT [OPTION...]: build, in OUT with
# build-kernel.sh OPTION... FRAGMENT, the objects of the table that CONFIG
# (the fragment, or the .config made of it) turns on.
build_objects() {
	local name=$1 out=$2 cfg=$3 frag=$4 targets=() obj need ok log
	shift 4
	log=$KHO_LOGDIR/variant-$name.build.log
	for obj in "${!objects[@]}"; do
		ok=1
		for need in ${objects[$obj]}; do
			case $need in
			always) continue ;;
			never) ok=0 ;;
			x86) [ "$build_arch" = x86_64 ] || ok=0 ;;
			arm64) [ "$build_arch" = arm64 ] || ok=0 ;;
			*) grep -qx "CONFIG_$need=y" "$cfg" || ok=0 ;;
			esac
		done
		[ $ok = 1 ] && targets+=("$obj")
	done
	mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort)
	# Every target is compiled in every configuration, also on a rerun
	# where nothing changed: its warnings show in this log each time
	# (ccache replays them when the inputs are the same).
	for obj in "${targets[@]}"; do
		case $obj in
		*/) rm -f "$out/$obj"*.o ;;
		*) rm -f "$out/$obj" ;;
		esac
	done
	if nice "$KHO_ROOT/harness/build-kernel.sh" --arch "$build_arch" "$@" \
		--targets "${targets[*]}" \
		"$tree" "$out" "$frag" \
		> "$log" 2>&1 && ! grep -q 'warning:\|error:' "$log"; then
		echo "  ok: $name: built without warnings: ${targets[*]}"
	else
		grep -B2 -A6 'warning:\|error:' "$log" | head -n 40 | sed 's/^/    /'
		echo "  $name: the build failed or warned (log: $log)"
		rc=1
	fi
}

# variant [--arm64] NAME "OPTIONS TO TURN OFF" ["OPTIONS THAT GO WITH THEM"]:
# build the objects of kho.config (with --arm64: of kho.config and
# kho-arm64.config, cross-built) with the options turned off (the others
# are dropped from the fragment: olddefconfig turns them off too, or back
# to what tinyconfig has).
variant() {
	local arch=x86_64 name off drop out frag sym
	local fragments=("$KHO_ROOT/harness/kho.config")
	if [ "$1" = --arm64 ]; then
		arch=arm64
		fragments+=("$KHO_ROOT/harness/kho-arm64.config")
		shift
	fi
	name=$1 off=$2 drop="$2 ${3:-}"
	# One object directory per architecture: host tools, objtool and the
	# generated headers are built once.
	out=$KHO_ROOT/build/obj/variant
	[ $arch = arm64 ] && out=$KHO_ROOT/build/obj/variant-arm64
	frag=$KHO_ROOT/build/obj/variant-$name.config
	mkdir -p "$out"
	cat "${fragments[@]}" > "$frag"
	for sym in $drop; do
		sed -i "/^CONFIG_$sym=/d; /^# CONFIG_$sym is not set$/d" "$frag"
	done
	for sym in $off; do
		echo "# CONFIG_$sym is not set" >> "$frag"
	done
	echo "  -- $name: $arch${off:+, off: $off}"
	# What the fragment turns on is what the configuration has:
	# build-kernel.sh fails when a line of it does not survive.
	build_arch=$arch
	build_objects "$name" "$out" "$frag" "$frag"
}

# allmod: allmodconfig must turn on every option of the series (those of
# kernel/liveupdate/Kconfig and those the patches add), what the table's
# objects need, and CONFIG_WERROR; then its objects build as in a variant.
allmod() {
	local out=$KHO_ROOT/build/obj/allmod frag=$KHO_ROOT/build/obj/allmod.config
	local log=$KHO_LOGDIR/variant-allmod.config.log sym want=() missing=()
	echo "  -- allmod: allmodconfig, KUNIT=y, GCC_PLUGINS=n"
	# GCC plugins only where their headers are installed: off, so that
	# every machine builds the same configuration.
	printf '%s\n' CONFIG_KUNIT=y '# CONFIG_GCC_PLUGINS is not set' > "$frag"
	if ! nice "$KHO_ROOT/harness/build-kernel.sh" --allmodconfig --config-only \
		"$tree" "$out" "$frag" > "$log" 2>&1; then
		sed 's/^/    /' "$log"
		echo "  allmod: allmodconfig failed (log: $log)"
		rc=1
		return
	fi
	mapfile -t want < <( (sed -n 's/^config //p' "$KHO_ROOT/kernel/liveupdate/Kconfig"
		sed -n 's/^+config //p' "$KHO_ROOT"/patches/*.patch
		echo "${objects[*]}" | tr ' ' '\n'
		echo WERROR) | grep -vx 'always\|never\|x86\|arm64' | sort -u)
	for sym in "${want[@]}"; do
		grep -qx "CONFIG_$sym=y" "$out/.config" || missing+=("$sym")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "  allmod: allmodconfig does not turn on: ${missing[*]}"
		rc=1
		return
	fi
	echo "  ok: allmod: on: ${want[*]}"
	build_arch=x86_64
	build_objects allmod "$out" "$out/.config" "$frag" --allmodconfig
}

variant kho-off "KEXEC_HANDOVER" "KEXEC_HANDOVER_DEBUGFS KEXEC_HANDOVER_FAULT_INJECTION\
 KEXEC_HANDOVER_KUNIT_TEST TEST_KEXEC_HANDOVER LIVEUPDATE LIVEUPDATE_MEMFD"
variant no-debugfs "KEXEC_HANDOVER_DEBUGFS TMPFS" "KEXEC_HANDOVER_FAULT_INJECTION TMPFS_XATTR\
 TMPFS_POSIX_ACL LIVEUPDATE_MEMFD"
variant tmpfs-no-debugfs "KEXEC_HANDOVER_DEBUGFS" "KEXEC_HANDOVER_FAULT_INJECTION"
variant small "KEXEC_HANDOVER_FAULT_INJECTION TRANSPARENT_HUGEPAGE MEMCG CGROUPS SWAP\
 FILE_LOCKING TMPFS_POSIX_ACL HUGETLBFS PREEMPT PREEMPT_DYNAMIC LIVEUPDATE" "ZRAM ZSMALLOC\
 ZRAM_BACKEND_LZO BLK_DEV BLOCK SLUB_TINY LIVEUPDATE_MEMFD"
variant --arm64 arm64 ""
variant --arm64 arm64-kho-off "KEXEC_HANDOVER" "KEXEC_HANDOVER_DEBUGFS\
 KEXEC_HANDOVER_FAULT_INJECTION KEXEC_HANDOVER_KUNIT_TEST TEST_KEXEC_HANDOVER LIVEUPDATE\
 LIVEUPDATE_MEMFD"
allmod
[ $rc = 0 ] || fail "the series does not build in every configuration"
kt_record_pass "$stamp" "$digest" "$(variants_digest)"
