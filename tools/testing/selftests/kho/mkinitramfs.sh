#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh -k BZIMAGE -s SCENARIO -o OUT.cpio [-f HOSTFILE:GUESTPATH]...
# mkinitramfs.sh -b -k BZIMAGE -o OUT.cpio -f INIT:/init [-f HOSTFILE:GUESTPATH]...
#
# Build the test guest's initramfs: static busybox, kexec-tools and dtc with
# the shared libraries they link against, /init, the guest helpers, the scenario
# (as /scenario.sh) and the kernel image itself (as /kernel) so the guest can
# kexec into it. The archive is an uncompressed newc cpio.
#
# With -b (bare) it holds only the kernel as /kernel, the -f files, one of
# which must be /init, and the directories /dev, /proc and /debugfs: the
# layout of mainline's KHO self-test (tools/testing/selftests/kho/vmtest.sh),
# whose init.c mounts debugfs on /debugfs and kexecs /kernel. /dev/console
# comes from the kernel's own built-in initramfs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kernel= scenario= out= bare=0
extra=()
while getopts "k:s:o:f:b" opt; do
	case $opt in
	b) bare=1 ;;
	k) kernel=$OPTARG ;;
	s) scenario=$OPTARG ;;
	o) out=$OPTARG ;;
	f) extra+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
[ -n "$kernel" ] && [ -n "$out" ] ||
	{ echo "usage: $0 [-b] -k bzImage -s scenario -o out.cpio" >&2; exit 2; }

# pack DIR: write DIR as the archive $out.
pack() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) > "$out.tmp"
	mv "$out.tmp" "$out"
}

# add_extra DIR: copy the -f files into DIR.
add_extra() {
	local spec
	for spec in "${extra[@]}"; do
		mkdir -p "$1$(dirname "${spec#*:}")"
		cp "${spec%%:*}" "$1${spec#*:}"
	done
}

if [ $bare = 1 ]; then
	[ -f "$kernel" ] || { echo "error: $kernel is missing" >&2; exit 1; }
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir -p "$root"/{dev,proc,debugfs}
	cp "$kernel" "$root/kernel"
	add_extra "$root"
	[ -f "$root/init" ] || { echo "error: -b needs an /init among the -f files" >&2; exit 2; }
	chmod 755 "$root/init"
	pack "$root"
	exit 0
fi

# KHO_ARCH=arm64: the programs are Debian's arm64 builds, unpacked by
# harness/guest-arm64.sh into KHO_GUEST_ROOT; otherwise the host's own.
guest_root=
if [ "${KHO_ARCH:-x86_64}" = arm64 ]; then
	guest_root=${KHO_GUEST_ROOT:-${KHO_BUILD:-$here/../../../../build}/guest-arm64/root}
	busybox=$guest_root/usr/bin/busybox
	kexec_bin=$guest_root/usr/sbin/kexec
	dtc_bin=$guest_root/usr/bin/dtc
else
	busybox=/bin/busybox
	kexec_bin=$(command -v kexec || echo /sbin/kexec)
	dtc_bin=$(command -v dtc || echo /usr/bin/dtc)
fi
for f in "$kernel" "$busybox" "$kexec_bin" "$dtc_bin"; do
	[ -f "$f" ] && continue
	echo "error: $f is missing" \
		"(run harness/deps.sh${guest_root:+ and harness/guest-arm64.sh})" >&2
	exit 1
done
readelf -d "$busybox" | grep -q NEEDED &&
	{ echo "error: $busybox is not static (install busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,lib64,etc}

cp "$busybox" "$root/bin/busybox"

# guest_libs FILE: the shared libraries FILE needs, and theirs, as paths
# under $guest_root. The loader of a Debian arm64 system looks in
# /lib/aarch64-linux-gnu, which /lib -> usr/lib makes usr/lib/...
guest_libs() {
	local todo=("$1") seen=" " f lib path

	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			case $seen in *" $lib "*) continue ;; esac
			seen="$seen$lib "
			path=
			for dir in usr/lib/aarch64-linux-gnu usr/lib; do
				[ -e "$guest_root/$dir/$lib" ] && { path=$dir/$lib; break; }
			done
			if [ -z "$path" ]; then
				echo "error: $lib (needed by $f) is not in $guest_root" >&2
				exit 1
			fi
			echo "$path"
			todo+=("$guest_root/$path")
		done
	done
}

# A dynamically linked tool, with the shared libraries it needs at the paths
# the dynamic loader looks them up.
add_binary() {
	local lib libs interp
	if [ -n "$guest_root" ]; then
		cp "$1" "$root/$2"
		libs=$(guest_libs "$1") || exit 1
		# The loader, at the path the program names (/lib/...).
		interp=$(readelf -l "$1" |
			sed -n 's|.*interpreter: /lib/\(.*\)\]$|usr/lib/\1|p')
		for lib in $libs $interp; do
			mkdir -p "$root/$(dirname "$lib")"
			cp -L "$guest_root/$lib" "$root/$lib"
		done
		[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
		return
	fi
	cp "$1" "$root/$2"
	ldd "$1" | awk '/=>/ { print $3 } /^[[:space:]]*\// { print $1 }' |
		while read -r lib; do
			[ -f "$lib" ] || continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
}
add_binary "$kexec_bin" sbin/kexec
add_binary "$dtc_bin" bin/dtc
cp "$here/init.sh" "$root/init"
cp "$here/guest-lib.sh" "$root/guest-lib.sh"
[ -n "$scenario" ] && cp "$scenario" "$root/scenario.sh"
cp "$kernel" "$root/kernel"
add_extra "$root"
chmod 755 "$root/init"
pack "$root"
