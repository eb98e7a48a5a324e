#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The build checks that every option of the config fragment survived
# olddefconfig: a fragment asking for options Kconfig drops must fail the
# configuration step and name each dropped option; the real fragment passes.
. "$(dirname "$0")/../lib.sh"

tree=$KHO_ROOT/build/linux
[ -f "$tree/Makefile" ] || fail "kernel tree $tree missing; run make kernel"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Kconfig's own programs stay built here between runs (a fresh directory
# costs most of this test's time building them).
out=$KHO_ROOT/build/obj/config-verify

cat > "$tmp/bad.config" <<'FRAG'
CONFIG_KHO_NO_SUCH_OPTION=y
CONFIG_X86_32=y
FRAG
if "$KHO_ROOT/harness/build-kernel.sh" --config-only "$tree" "$out" \
	"$KHO_ROOT/harness/kho.config" "$tmp/bad.config" > "$tmp/log" 2>&1; then
	fail "configuration with impossible options succeeded"
fi
cat "$tmp/log"
grep -q '^  CONFIG_KHO_NO_SUCH_OPTION=y' "$tmp/log" || fail "unknown option not named"
grep -q '^  CONFIG_X86_32=y' "$tmp/log" || fail "dropped option not named"
grep -q 'CONFIG_64BIT' "$tmp/log" && fail "an option that survived was reported"
echo "  ok: both dropped options named, nothing else"

"$KHO_ROOT/harness/build-kernel.sh" --config-only "$tree" "$out" \
	"$KHO_ROOT/harness/kho.config" > "$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "the project's own fragment does not survive olddefconfig"; }
echo "  ok: harness/kho.config survives olddefconfig"
