#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# refresh-patch.sh patches/NNNN-name.patch [FILE...]
#
# Regenerate one diff of the series from the work tree (build/linux). With
# FILEs (paths relative to the kernel tree), only their sections are
# regenerated (or added) and the rest of the diff is kept; without, every
# file the diff touches is regenerated. Its "before" side is the pristine file with
# every earlier patch of the series applied; its "after" side
# is the file as it is now in build/linux. The text above the first diff
# (the patch description) is kept. A file that a later patch also touches
# cannot be refreshed here: refresh that later patch's hunks separately.
# A new patch: create an empty file with a description, add it to
# patches/series, then run this script with the files to include.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

patch_file=$(realpath "${1:?patch file}")
shift
pristine=$KHO_BUILD/src/linux-6.12
worktree=$KHO_BUILD/linux
series=$KHO_ROOT/patches/series
name=$(basename "$patch_file")

[ -f "$worktree/.kho-manifest" ] || die "no assembled tree; run make kernel first"
grep -qxF "$name" <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$series") ||
	die "$name is not listed in patches/series"

targets() { sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"; }
# Named files are regenerated; with no names, every file of the diff is.
# The sections of files not named are kept as they are.
if [ $# -gt 0 ]; then
	files=$(printf '%s\n' "$@" | sort -u)
else
	files=$( [ -f "$patch_file" ] && targets "$patch_file" | sort -u)
fi
[ -n "$files" ] || die "no files to diff: name them after the patch"
kept=$( [ -f "$patch_file" ] && targets "$patch_file" | sort -u | grep -vxF "$files" || true)

# Series order: the patches before this one build the "before" side; the
# ones after must not touch the same files.
earlier=() later=() seen=0
while read -r p; do
	if [ "$p" = "$name" ]; then seen=1; continue; fi
	if [ $seen = 0 ]; then earlier+=("$p"); else later+=("$p"); fi
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series")
for p in "${later[@]}"; do
	for f in $files; do
		targets "$KHO_ROOT/patches/$p" | grep -qxF "$f" &&
			die "$f is also changed by the later patch $p; refresh in series order"
	done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "${earlier[@]}" > "$tmp/series"
for p in "${earlier[@]}"; do cp "$KHO_ROOT/patches/$p" "$tmp/"; done
# The "before" tree: assemble.sh's stage for the earlier patches.
mkdir -p "$tmp/before"
for f in $files; do
	[ -f "$pristine/$f" ] || continue
	mkdir -p "$tmp/before/$(dirname "$f")"
	cp "$pristine/$f" "$tmp/before/$f"
done
# Earlier patches apply only partly here (the stage holds just these files),
# so check that every hunk for these files went in.
for p in "${earlier[@]}"; do
	patch -p1 -d "$tmp/before" --batch --forward --fuzz=0 -r - \
		< "$tmp/$p" > "$tmp/patch.log" 2>&1 || true
	for f in $files; do
		if awk -v f="$f" '/^patching file / { cur = $3 } /FAILED/ && cur == f { bad = 1 }
				END { exit !bad }' "$tmp/patch.log"; then
			die "the earlier patch $p does not apply to $f; fix the series first"
		fi
	done
done

{
	# The description, "---" and "diff --git" headers, as git format-patch
	# writes them, so that checkpatch and git am read the diff as a diff.
	[ -f "$patch_file" ] && awk '/^(diff |--- |Index: |---$)/ { exit } { print }' "$patch_file"
	echo "---"
	for f in $(printf '%s\n' $files $kept | sort -u); do
		if grep -qxF "$f" <<< "$kept"; then
			# This file's section of the old diff, unchanged.
			awk -v f="$f" '/^diff --git / { on = ($3 == "a/" f) } on' "$patch_file"
			continue
		fi
		old=$tmp/before/$f new=$worktree/$f
		la=a/$f lb=b/$f
		[ -f "$old" ] || { old=/dev/null; la=/dev/null; }
		[ -f "$new" ] || { new=/dev/null; lb=/dev/null; }
		cmp -s "$old" "$new" && continue
		echo "diff --git a/$f b/$f"
		# git apply (and so git am) needs the mode of a file created or
		# deleted.
		[ "$old" = /dev/null ] && echo "new file mode 100644"
		[ "$new" = /dev/null ] && echo "deleted file mode 100644"
		diff -u --label "$la" --label "$lb" "$old" "$new" || true
	done
} > "$tmp/new.patch"
mv "$tmp/new.patch" "$patch_file"
note "refreshed $name ($(grep -c '^@@' "$patch_file") hunks over: $(echo $files))"
