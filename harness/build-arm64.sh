#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-arm64.sh [TREE [OUTDIR]]
#
# What the arm64 tests need: the arm64 guest's programs
# (harness/guest-arm64.sh), our kernel for arm64 (the assembled tree,
# build/linux, cross-compiled with harness/kho.config and
# harness/kho-arm64.config into build/obj/arm64) and the mainline peer for
# arm64 (harness/peer.sh --arch arm64, build/obj/peer-arm64).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:-$KHO_BUILD/linux}
out=${2:-$KHO_BUILD/obj/arm64}
harness=$KHO_ROOT/harness

"$harness/deps.sh"
"$harness/guest-arm64.sh"
"$harness/build-kernel.sh" --arch arm64 "$tree" "$out" \
	"$harness/kho.config" "$harness/kho-arm64.config"
"$harness/peer.sh" --arch arm64
