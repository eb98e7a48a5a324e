#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-source.sh PACKAGE DEST
#
# Unpack the kernel tarball shipped in Debian's PACKAGE (linux-source-X.Y)
# into DEST, once. DEST/.kho-version records the exact Debian version and
# DEST/.kho-kernelversion the kernel's own (6.12.y); both are printed.
# DEST is treated as pristine: nothing ever edits it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=${1:?package}
dest=${2:?destination}

if [ ! -f "$dest/.kho-version" ]; then
	deb=$("$KHO_ROOT/harness/apt-private.sh" download "$pkg")
	debver=$(dpkg-deb -f "$deb" Version)
	note "unpacking $pkg $debver into $dest"
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$dest.tmp"
	# The .deb carries one tarball, usr/src/linux-source-X.Y.tar.xz.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$dest.tmp" --strip-components=1
	[ -f "$dest.tmp/Makefile" ] || die "$deb: no kernel tree inside"
	make -s -C "$dest.tmp" kernelversion > "$dest.tmp/.kho-kernelversion"
	echo "$pkg $debver" > "$dest.tmp/.kho-version"
	mv "$dest.tmp" "$dest"
fi
echo "base: $(cat "$dest/.kho-version") (Linux $(cat "$dest/.kho-kernelversion"))"
