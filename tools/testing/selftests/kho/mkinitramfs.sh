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

busybox=/bin/busybox
kexec_bin=$(command -v kexec || echo /sbin/kexec)
dtc_bin=$(command -v dtc || echo /usr/bin/dtc)
for f in "$kernel" "$busybox" "$kexec_bin" "$dtc_bin"; do
	[ -f "$f" ] || { echo "error: $f is missing (run harness/deps.sh)" >&2; exit 1; }
done
ldd "$busybox" >/dev/null 2>&1 &&
	{ echo "error: $busybox is not static (install busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,lib64,etc}

cp "$busybox" "$root/bin/busybox"

# A dynamically linked tool, with the shared libraries it needs at the paths
# the dynamic loader looks them up.
add_binary() {
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
