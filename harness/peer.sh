#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# peer.sh [--arch arm64]
#
# Build a mainline kernel to hand over to and from: the newest Debian
# linux-source-7.X that our private apt suites offer (trixie-backports),
# unpacked once into build/src/linux-7.X and built out of tree in
# build/obj/peer with harness/peer.config (with --arch arm64: cross-built
# in build/obj/peer-arm64, harness/kho-arm64.config and peer-arm64.config
# on top). The tree must still use the root
# format our series speaks (compatible "kho-v4"); otherwise we stop here
# rather than run interop tests against a kernel that cannot understand us.
#
# Every step is cached: with nothing changed a run compiles nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

harness=$KHO_ROOT/harness
out=$KHO_BUILD/obj/peer
fragments=("$harness/peer.config")
arch=x86_64 image=arch/x86/boot/bzImage
if [ "${1:-}" = --arch ] && [ "${2:-}" = arm64 ]; then
	arch=arm64 image=arch/arm64/boot/Image out=$KHO_BUILD/obj/peer-arm64
	fragments+=("$harness/kho-arm64.config" "$harness/peer-arm64.config")
elif [ $# -gt 0 ]; then
	die "usage: $0 [--arch arm64]"
fi
abi_header=include/linux/kho/abi/kexec_handover.h
compatible=kho-v4

# Newest linux-source-7.X first. Without the network (lists older than a day
# cannot be refreshed) fall back to the newest tree already unpacked.
if ! pkgs=$("$harness/apt-private.sh" search '^linux-source-7\.[0-9]+$'); then
	cached=$(ls -1d "$KHO_BUILD"/src/linux-7.*/.kho-version 2>/dev/null |
		sort -V | tail -n 1 || true)
	[ -n "$cached" ] ||
		die "cannot list linux-source-7.X packages and no peer tree is unpacked yet"
	pkgs="linux-source-$(basename "$(dirname "$cached")" | sed 's/^linux-//')"
	note "package lists unavailable, using the unpacked $pkgs"
fi
pkg=$(printf '%s\n' "$pkgs" | sed -n 1p)
[ -n "$pkg" ] ||
	die "no linux-source-7.X package in the private apt suites (trixie, trixie-backports); see build/apt/update.log"

tree=$KHO_BUILD/src/linux-${pkg#linux-source-}
# fetch-source.sh ends with a "base:" line meant for the 6.12 base; the
# "peer:" line below replaces it.
"$harness/fetch-source.sh" "$pkg" "$tree" | sed -u '/^base: /d'

[ -f "$tree/$abi_header" ] ||
	die "$pkg: $tree/$abi_header is missing: the peer no longer has the KHO ABI header we check"
grep -qF "\"$compatible\"" "$tree/$abi_header" ||
	die "$pkg: $tree/$abi_header does not name \"$compatible\": the peer's KHO root format changed, our series cannot hand over to it"
echo "peer: $(cat "$tree/.kho-version") (Linux $(cat "$tree/.kho-kernelversion")), root compatible $compatible"

nice -n 10 "$harness/build-kernel.sh" --arch "$arch" "$tree" "$out" "${fragments[@]}" |
	sed -u '/^kernel: /d'
bzimage=$out/$image
[ -f "$bzimage" ] || die "the peer build produced no $bzimage"
# The tests quote this line, so their output names the peer they ran.
echo "peer: $(cat "$tree/.kho-version") (Linux $(cat "$tree/.kho-kernelversion")), root compatible $compatible" > "$out/.kho-peer"
echo "peer-kernel: $bzimage"
