#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need, from the
# machine's own apt sources. Packages that are already installed are not
# touched, so a warm run costs one dpkg query. Arguments name further
# packages one command needs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

packages=(
	gcc make flex bison bc libelf-dev libssl-dev libc6-dev cpio ccache patch
	xz-utils python3 git qemu-system-x86 kexec-tools busybox-static
	device-tree-compiler clang libclang-rt-dev liburcu-dev gnuplot-nox
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-efi-aarch64
	"$@"
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

# Tests that run side by side may both install what they need: one apt at
# a time (the second finds the packages installed, or installs its own).
mkdir -p "$KHO_BUILD"
exec 9> "$KHO_BUILD/apt-install.lock"
flock 9
note "installing Debian packages: ${missing[*]}"
log=$KHO_BUILD/apt-install.log
# kexec-tools would otherwise set itself up to kexec on every reboot of this
# machine; we only want the binary for the guests.
echo 'kexec-tools kexec-tools/load_kexec boolean false' |
	as_root debconf-set-selections
if ! { as_root apt-get update -qq &&
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
	> "$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "package installation failed (full log: $log)"
fi
