#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-arm64.sh
#
# The arm64 test guest's programs: busybox, kexec-tools and dtc, with every
# shared library they need, from Debian's arm64 packages. They are
# downloaded through our private apt directory (apt-private.sh with
# KHO_APT_ARCH=arm64, no dpkg --add-architecture) and unpacked with
# dpkg-deb -x into build/guest-arm64/root, whose path is printed last;
# nothing is installed on this machine. mkinitramfs.sh -r takes the guest's
# programs from there. Once unpacked, a run downloads nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(busybox-static kexec-tools device-tree-compiler)
dir=$KHO_BUILD/guest-arm64
root=$dir/root

if [ -f "$dir/packages" ] && [ "$(sed -n 1p "$dir/packages")" = "${packages[*]}" ] &&
	[ -x "$root/usr/bin/busybox" ] && [ -x "$root/usr/sbin/kexec" ] && [ -x "$root/usr/bin/dtc" ]; then
	echo "guest-root: $root"
	exit 0
fi

mapfile -t debs < <(KHO_APT_ARCH=arm64 "$(dirname "$0")/apt-private.sh" download-closure \
	"$KHO_BUILD/downloads/arm64" "${packages[@]}")
[ ${#debs[@]} -gt 0 ] || die "no arm64 packages downloaded"
rm -rf "$root.new"
mkdir -p "$root.new"
for deb in "${debs[@]}"; do
	dpkg-deb -x "$deb" "$root.new" || die "cannot unpack $deb"
done
for f in usr/bin/busybox usr/sbin/kexec usr/bin/dtc; do
	[ -x "$root.new/$f" ] || die "the arm64 packages hold no /$f"
done
rm -rf "$root"
mv "$root.new" "$root"
{ echo "${packages[*]}"; printf '%s\n' "${debs[@]##*/}"; } > "$dir/packages"
echo "guest-root: $root"
