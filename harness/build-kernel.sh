#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [--arch x86_64|arm64] [--no-verify] [--allmodconfig]
#                 [--config-only | --targets "TARGET..."] TREE OUTDIR FRAGMENT...
#
# Configure (tinyconfig + fragments + olddefconfig) and build a bzImage (an
# arm64 Image with --arch arm64, cross-compiled with Debian's
# aarch64-linux-gnu toolchain) out of tree. A fragment line "#-CONFIG_FOO"
# takes CONFIG_FOO out of every fragment: an architecture's fragment drops
# what the common one sets for another architecture. --allmodconfig
# configures with allmodconfig instead, the fragments
# given to it as KCONFIG_ALLCONFIG (the values it must not choose itself). The configuration is regenerated every time but only replaces
# OUTDIR/.config when it changed, so an unchanged tree rebuilds nothing.
# --targets builds the kbuild targets given (objects, directories) instead
# of the bzImage and modules. --no-verify accepts fragment options that the
# tree does not have (a prefix of the series, before KEXEC_HANDOVER exists).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

config_only=0 targets= verify=1 allmod=0 arch=x86_64
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=$2; shift 2 ;;
	--no-verify) verify=0; shift ;;
	--allmodconfig) allmod=1; shift ;;
	--config-only) config_only=1; shift ;;
	--targets) targets=$2; shift 2 ;;
	*) break ;;
	esac
done
tree=$(realpath "${1:?tree}")
out=$(realpath -m "${2:?output dir}")
shift 2
case $arch in
x86_64) image=arch/x86/boot/bzImage cross=() ;;
arm64)	image=arch/arm64/boot/Image
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "aarch64-linux-gnu-gcc not found (run harness/deps.sh)" ;;
*) die "--arch must be x86_64 or arm64" ;;
esac
[ -n "$targets" ] || targets="$(basename "$image") modules"

# The fragments with the options that a fragment drops ("#-CONFIG_X")
# taken out, in $out/.kho-fragments: what merge_config.sh and the check
# below read.
fragments=()
mkdir -p "$out/.kho-fragments"
drops=$(cat "$@" | sed -n 's/^#-\(CONFIG_[A-Za-z0-9_]*\)$/\1/p')
n=0
for frag in "$@"; do
	n=$((n + 1))
	copy=$out/.kho-fragments/$n-$(basename "$frag")
	if [ -n "$drops" ]; then
		grep -vE "^(# )?($(echo "$drops" | paste -sd'|'))[= ]" "$frag" > "$copy" || true
	else
		cp "$frag" "$copy"
	fi
	fragments+=("$copy")
done

jobs=${KHO_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths under the project are hashed relative to it, so a clone in another
# directory (a CI checkout) still hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$KHO_ROOT}
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-"2024-01-01 00:00:00"}
export KBUILD_BUILD_USER=kho KBUILD_BUILD_HOST=kho
kmake() {
	local cc=gcc

	[ "$arch" = arm64 ] && cc=aarch64-linux-gnu-gcc
	make -s -C "$tree" O="$out" "${cross[@]}" CC="$KHO_ROOT/harness/ccache-cc $cc" HOSTCC=gcc \
		-j"$jobs" "$@"
}

# Every CONFIG_X=value and "# CONFIG_X is not set" line of the fragments must
# be in the final .config exactly as written.
verify_config() {
	local cfg=$1 frag line sym lost=()
	for frag in "${fragments[@]}"; do
		while read -r line; do
			case "$line" in
			CONFIG_*=*)
				grep -qxF "$line" "$cfg" || lost+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo unset))") ;;
			"# CONFIG_"*" is not set")
				sym=${line#\# }
				sym=${sym%% *}
				! grep -q "^$sym=" "$cfg" || lost+=("$line (got: $(grep "^$sym=" "$cfg"))") ;;
			esac
		done < <(cat "$frag"; echo)
	done
	if [ ${#lost[@]} -gt 0 ]; then
		echo "error: these config options did not survive olddefconfig:" >&2
		printf '  %s\n' "${lost[@]}" >&2
		exit 1
	fi
}

configure() {
	local scratch=$out/.kho-config
	mkdir -p "$out"
	# tinyconfig (or allmodconfig) writes $out/.config; keep the current
	# one aside so an identical result leaves its timestamp (and the
	# build) alone.
	[ -f "$out/.config" ] && cp -p "$out/.config" "$scratch.old"
	if [ "$allmod" = 1 ]; then
		cat "${fragments[@]}" > "$scratch.all"
		KCONFIG_ALLCONFIG=$scratch.all kmake allmodconfig >/dev/null
		rm "$scratch.all"
	else
		kmake tinyconfig >/dev/null
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
			"${fragments[@]}" >/dev/null
		kmake olddefconfig >/dev/null
	fi
	[ "$verify" = 0 ] || verify_config "$out/.config"
	if [ -f "$scratch.old" ] && cmp -s "$out/.config" "$scratch.old"; then
		mv "$scratch.old" "$out/.config"
	else
		rm -f "$scratch.old"
		note "kernel configuration changed: $out/.config"
	fi
}

configure
[ "$config_only" = 1 ] && exit 0
note "building $(basename "$tree") in $out ($jobs jobs)"
# shellcheck disable=SC2086 # a list of targets
kmake $targets
[ "$targets" = "$(basename "$image") modules" ] && echo "kernel: $out/$image"
exit 0
