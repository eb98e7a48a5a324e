#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Assembly of the series: a diff that no longer applies must stop
# "make kernel" with the patch, the file and the hunk named, before the work
# tree is touched; a diff that applies must apply.
. "$(dirname "$0")/../lib.sh"

pristine=$KHO_ROOT/build/src/linux-6.12
[ -f "$pristine/Makefile" ] || fail "pristine tree $pristine missing; run make kernel"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/a/init" "$tmp/b/init" "$tmp/c/init" "$tmp/patches"

# A good diff: append a comment to init/Kconfig.
cp "$pristine/init/Kconfig" "$tmp/a/init/Kconfig"
cp "$pristine/init/Kconfig" "$tmp/b/init/Kconfig"
echo "# kho harness test" >> "$tmp/b/init/Kconfig"
(cd "$tmp" && diff -u --label a/init/Kconfig --label b/init/Kconfig \
	a/init/Kconfig b/init/Kconfig) > "$tmp/patches/0001-good.patch" || true

# A stale diff: its second hunk expects a line that is not in the file.
sed -n '1,12p' "$pristine/init/main.c" > "$tmp/c/init/main.c"
{
	echo "--- a/init/main.c"
	echo "+++ b/init/main.c"
	echo "@@ -1,3 +1,4 @@"
	sed -n '1,3p' "$pristine/init/main.c" | sed 's/^/ /'
	echo "+/* fits */"
	echo "@@ -40,3 +41,4 @@"
	echo " this line is not in init/main.c"
	echo " nor is this one"
	echo " or this"
	echo "+/* stale */"
} > "$tmp/patches/0002-stale.patch"

printf '0001-good.patch\n' > "$tmp/patches/series"
"$KHO_ROOT/harness/assemble.sh" --check --series "$tmp/patches/series" \
	"$pristine" "$tmp/unused" > "$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "a diff that applies was rejected"; }
echo "  ok: a diff that applies is applied"

printf '0001-good.patch\n0002-stale.patch\n' > "$tmp/patches/series"
before=$(stat -c %Y "$KHO_ROOT/build/linux/.kho-manifest" 2>/dev/null || echo none)
if make -C "$KHO_ROOT" --no-print-directory kernel \
	KHO_SERIES="$tmp/patches/series" > "$tmp/log" 2>&1; then
	fail "make kernel succeeded with a stale diff in the series"
fi
grep '^error:' "$tmp/log"
grep -q '^error: patches/0002-stale.patch does not apply: init/main.c hunk #2 (at line 40) failed' \
	"$tmp/log" || { cat "$tmp/log"; fail "the message does not name patch, file and hunk"; }
echo "  ok: make kernel failed naming patch, file and hunk"
after=$(stat -c %Y "$KHO_ROOT/build/linux/.kho-manifest" 2>/dev/null || echo none)
[ "$before" = "$after" ] || fail "the work tree was modified by a failed assembly"
echo "  ok: the work tree was left alone"
