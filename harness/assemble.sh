#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# assemble.sh [--check] [--series FILE] PRISTINE WORKTREE
#
# Lay the series over a pristine kernel tree:
#   1. stage every repository file that mirrors the kernel tree (the overlay),
#      plus pristine copies of every upstream file a patch touches;
#   2. apply patches/series in order to the stage, failing on the first hunk
#      that does not apply exactly (no fuzz), naming the patch, file and hunk;
#   3. copy into WORKTREE only the staged files whose contents changed, so
#      kbuild rebuilds what an edit affects and nothing when nothing changed;
#   4. put back the pristine version of files the series no longer touches.
#
# --check stops after step 2 (used by the tests of this script).
#
# assemble.sh --apply-to TREE
#
# Apply the series to a 6.12 tree of your own, in place: the overlay files are
# copied in and the patches applied. TREE is modified; keep a copy or use git.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_only=0
series=$KHO_ROOT/patches/series
apply_to=
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check_only=1; shift ;;
	--apply-to) apply_to=$(realpath "$2"); shift 2 ;;
	--series) series=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ -n "$apply_to" ]; then
	[ -f "$apply_to/Makefile" ] && [ -d "$apply_to/kernel" ] ||
		die "$apply_to does not look like a kernel tree"
	set -- "$apply_to" "$apply_to"
fi
pristine=${1:?pristine tree}
worktree=${2:?work tree}
patchdir=$(dirname "$series")

# Top-level directories of a kernel tree; repository files below them are
# the overlay. Everything else in the repository (harness/, patches/, ...)
# is ours and never enters the tree.
KERNEL_DIRS="arch block certs crypto Documentation drivers fs include init
io_uring ipc kernel lib mm net rust samples scripts security sound tools usr virt"

stage=$(mktemp -d "${TMPDIR:-/tmp}/kho-stage.XXXXXX")
trap 'rm -rf "$stage" "$stage".*' EXIT

overlay_files() {
	local d
	for d in $KERNEL_DIRS; do
		[ -d "$KHO_ROOT/$d" ] || continue
		(cd "$KHO_ROOT" && find "$d" -type f ! -name '*~' ! -name '.*.swp')
	done
}

# Files a unified diff creates or modifies (its "+++ b/path" lines).
patch_targets() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"
}

# Files a unified diff modifies, i.e. expects to exist ("--- a/path").
patch_sources() {
	sed -n 's|^--- a/\([^[:space:]]*\).*|\1|p' "$1"
}

series_patches() {
	[ -f "$series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series"
}

stage_overlay() {
	local f
	while read -r f; do
		mkdir -p "$stage/$(dirname "$f")"
		cp "$KHO_ROOT/$f" "$stage/$f"
	done < <(overlay_files)
}

stage_pristine_targets() {
	local p f
	while read -r p; do
		[ -f "$patchdir/$p" ] || die "patches/series names $p, which does not exist"
		while read -r f; do
			[ -e "$stage/$f" ] && continue
			[ -f "$pristine/$f" ] || continue
			mkdir -p "$stage/$(dirname "$f")"
			cp "$pristine/$f" "$stage/$f"
		done < <(patch_targets "$patchdir/$p")
		while read -r f; do
			[ -e "$stage/$f" ] ||
				die "patches/$p does not apply: $f does not exist in the tree"
		done < <(patch_sources "$patchdir/$p")
	done < <(series_patches)
}

# Turn GNU patch's report into one line per failed hunk.
explain_failure() {
	local name=$1 log=$2
	awk -v p="$name" '
		/^patching file / { file = $3 }
		/^Hunk #[0-9]+ FAILED at/ {
			sub(/\.$/, "", $5)
			printf "error: %s does not apply: %s hunk %s (at line %s) failed\n", p, file, $2, $5
			bad = 1
		}
		/can.t find file to patch/ { missing = 1 }
		/^Reversed .*patch detected/ {
			printf "error: %s does not apply: %s is already patched (reversed or applied twice)\n", p, file
			bad = 1
		}
		END {
			if (missing)
				printf "error: %s does not apply: a file it patches does not exist in the tree\n", p
			else if (!bad)
				printf "error: %s does not apply (see patch output above)\n", p
		}' "$log" >&2
}

apply_series() {
	local p log
	log=$stage.log
	while read -r p; do
		if ! patch -p1 -d "$stage" --batch --forward --fuzz=0 \
			--no-backup-if-mismatch -r - < "$patchdir/$p" > "$log" 2>&1; then
			sed 's/^/  patch: /' "$log" >&2
			explain_failure "patches/$p" "$log"
			rm -f "$log"
			exit 1
		fi
	done < <(series_patches)
	rm -f "$log"
}

# Manifest: "sha1  path" of every file we placed in the work tree, so files
# edited in place are noticed instead of overwritten, and files that left
# the series are put back.
manifest=$worktree/.kho-manifest

sha1_of() {
	sha1sum < "$1" | cut -d' ' -f1
}

recorded_sha1() {
	[ -f "$manifest" ] && awk -v f="$1" '$2 == f { print $1 }' "$manifest"
}

# What to do with work-tree file $1 whose wanted content is $2 (a file, or
# /dev/null when the series no longer has it): prints "skip" (nothing to
# do), "keep" (edited in place, series side unchanged: keep the edit until
# the diff is refreshed) or "write"; dies when both sides changed.
plan_file() {
	local f=$1 want=$2 recorded current
	if [ -f "$worktree/$f" ] && cmp -s "$want" "$worktree/$f"; then
		echo skip
		return
	fi
	recorded=$(recorded_sha1 "$f")
	if [ -z "$recorded" ] || [ ! -f "$worktree/$f" ]; then
		echo write
		return
	fi
	current=$(sha1_of "$worktree/$f")
	if [ "$current" = "$recorded" ]; then
		echo write
	elif [ -f "$want" ] && [ "$(sha1_of "$want")" = "$recorded" ]; then
		echo keep
	else
		die "$worktree/$f was edited in the build tree and the series changed it too;" \
			"refresh the diff with harness/refresh-patch.sh, or delete the file to take the series' version"
	fi
}

sync_worktree() {
	local f action newlist
	newlist=$stage.list
	(cd "$stage" && find . -type f -printf '%P\n' | sort) > "$newlist"

	# Decide every file before touching any, so a refusal leaves the work
	# tree and its manifest as they were.
	: > "$stage.plan"
	while read -r f; do
		echo "$(plan_file "$f" "$stage/$f") $f" >> "$stage.plan"
	done < "$newlist"
	if [ -f "$manifest" ]; then
		while read -r _ f; do
			grep -qxF "$f" "$newlist" && continue
			[ -f "$pristine/$f" ] && want=$pristine/$f || want=/dev/null
			echo "$(plan_file "$f" "$want") $f" | sed 's/^write /gone /;s/^keep /gone /' >> "$stage.plan"
		done < "$manifest"
	fi

	while read -r action f; do
		case $action in
		write)
			mkdir -p "$worktree/$(dirname "$f")"
			cp "$stage/$f" "$worktree/$f"
			echo "  updated $f" ;;
		keep)
			echo "  keeping in-place edit of $f (refresh its diff to keep it for good)" ;;
		gone)
			if [ -f "$pristine/$f" ]; then
				cp "$pristine/$f" "$worktree/$f"
				echo "  restored pristine $f"
			else
				rm -f "$worktree/$f"
				echo "  removed $f"
			fi ;;
		esac
	done < "$stage.plan"

	while read -r f; do
		echo "$(sha1_of "$stage/$f")  $f"
	done < "$newlist" > "$manifest.new"
	mv "$manifest.new" "$manifest"
}

prepare_worktree() {
	[ -f "$worktree/.kho-base" ] &&
		cmp -s "$worktree/.kho-base" "$pristine/.kho-version" && return 0
	note "creating work tree $worktree from $(cat "$pristine/.kho-version")"
	rm -rf "$worktree" "$worktree.tmp"
	# New timestamps: objects built from an older base must look stale.
	cp -a --no-preserve=timestamps "$pristine" "$worktree.tmp"
	cp "$pristine/.kho-version" "$worktree.tmp/.kho-base"
	mv "$worktree.tmp" "$worktree"
}

stage_overlay
stage_pristine_targets
apply_series
[ "$check_only" = 1 ] && { echo "series applies cleanly"; exit 0; }
if [ -n "$apply_to" ]; then
	cp -r "$stage"/. "$apply_to"/
	echo "series applied to $apply_to"
	exit 0
fi
prepare_worktree
sync_worktree
