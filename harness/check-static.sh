#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-static.sh [--external DIR]: static checks of the series' own code
# (make check-static).
#
# The objects of the series are built out of tree in build/obj/static, from
# the assembled tree build/linux with harness/kho.config (the configuration
# of build/obj/ours, which other tests reuse and this never touches), with
# ccache, and checked three ways:
#   W=1         the compiler's extra warnings (and objtool's);
#   sparse      make C=2 (Debian's sparse);
#   kernel-doc  scripts/kernel-doc -Wall -none on every .c and .h the
#               series adds or changes.
# The objects are those of the .c files the series adds (kernel/liveupdate/,
# mm/*kho*, lib/test_kho*, arch/x86/boot/compressed/kho.c) and of the
# upstream .c files its diffs change; the headers it adds or changes are
# checked through them. Userspace code under tools/ is not built here. The
# objects of the arm64 patches (arch/arm64/, drivers/of/) are cross-built
# for arm64 instead, in build/obj/static-arm64 with harness/kho-arm64.config
# on top.
#
# A finding counts when it is in a file the series adds, or, in an upstream
# file, on a line the series adds (W=1, sparse; the added lines are those
# of diff -U0 between the pristine and the assembled file) or a kernel-doc
# warning the pristine file does not give.
#
# Output: one line per finding, "CHECK: FILE:LINE: message" (its context
# follows, indented), then a summary line; the exit status is non-zero when there is any finding or a build
# failed. Logs: build/static-check/.
#
# --external DIR also checks the C files of DIR, built as an external
# module (DIR holds a Kbuild file) against the same tree and flags; every
# finding in DIR counts. Test 54 uses it for its negative control, so that
# no file of build/linux or of the repository is touched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

external=
if [ "${1:-}" = --external ]; then
	external=$(realpath "${2:?--external DIR}")
	[ -f "$external/Kbuild" ] || die "$external has no Kbuild file"
	shift 2
fi
[ $# = 0 ] || die "usage: $0 [--external DIR]"

tree=$KHO_BUILD/linux
pristine=$KHO_BUILD/src/linux-6.12
out=$KHO_BUILD/obj/static
logs=$KHO_BUILD/static-check
[ -f "$tree/.kho-manifest" ] || die "no assembled tree in $tree (make assemble)"
[ -f "$pristine/Makefile" ] || die "no pristine tree in $pristine (make source)"
command -v sparse >/dev/null || die "sparse is not installed (harness/deps.sh sparse)"
tree=$(realpath "$tree")
pristine=$(realpath "$pristine")
mkdir -p "$logs"

# Top-level directories of a kernel tree, as in harness/assemble.sh.
KERNEL_DIRS="arch block certs crypto Documentation drivers fs include init
io_uring ipc kernel lib mm net rust samples scripts security sound tools usr virt"

# The .c and .h files the series adds (in the repository, not in the
# pristine tree) and the upstream ones its diffs change.
# shellcheck disable=SC2086 # a list of directories
(cd "$KHO_ROOT" && git ls-files --cached --others --exclude-standard -- $KERNEL_DIRS) |
	grep -E '\.[ch]$' |
	while read -r f; do [ -f "$pristine/$f" ] || echo "$f"; done | sort > "$logs/new-files"
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$KHO_ROOT/patches/series" |
	while read -r p; do
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$KHO_ROOT/patches/$p"
	done | grep -E '\.[ch]$' | sort -u |
	while read -r f; do [ ! -f "$pristine/$f" ] || echo "$f"; done > "$logs/changed-files"
# The tree must be the repository's: a check of a stale one says nothing.
# shellcheck disable=SC2046 # a list of files
stale=$(cd "$KHO_ROOT" && find patches $(cat "$logs/new-files") -newer "$tree/.kho-manifest" -print -quit)
[ -z "$stale" ] || die "$stale is newer than the tree $tree: make assemble (or make check-static)"
# Objects: every kernel .c of the series.
objects=$(sort -u "$logs/new-files" "$logs/changed-files" | grep '\.c$' |
	grep -v '^tools/' | sed 's/\.c$/.o/')
arm64_re='^(arch/arm64|drivers/of)/'
arm64_objects=$(grep -E "$arm64_re" <<< "$objects" || true)
objects=$(grep -vE "$arm64_re" <<< "$objects")
out_arm64=$KHO_BUILD/obj/static-arm64

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$KHO_ROOT}
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-"2024-01-01 00:00:00"}
export KBUILD_BUILD_USER=kho KBUILD_BUILD_HOST=kho
kmake() {
	make -s -C "$tree" O="$out" CC="$KHO_ROOT/harness/ccache-cc gcc" HOSTCC=gcc \
		-j"${KHO_JOBS:-$(nproc)}" "$@"
}
kmake_arm64() {
	make -s -C "$tree" O="$out_arm64" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="$KHO_ROOT/harness/ccache-cc aarch64-linux-gnu-gcc" HOSTCC=gcc \
		-j"${KHO_JOBS:-$(nproc)}" "$@"
}

failed=()
"$KHO_ROOT/harness/build-kernel.sh" --config-only "$tree" "$out" \
	"$KHO_ROOT/harness/kho.config" > "$logs/config.log" 2>&1 ||
	{ cat "$logs/config.log" >&2; die "configuring $out failed"; }

# The boot decompressor's kaslr.c includes generated/utsversion.h, which
# only the link of vmlinux (init/version-timestamp.o) makes.
kmake init/version-timestamp.o > "$logs/prepare.log" 2>&1 ||
	{ cat "$logs/prepare.log" >&2; die "preparing $out failed"; }

# W=1: the objects are removed first, so that every warning is printed
# again (ccache replays a cached compiler's output); then C=2 runs sparse
# on the same sources, with the objects up to date.
# shellcheck disable=SC2086 # a list of objects
(cd "$out" && rm -f $objects)
# shellcheck disable=SC2086
kmake -k W=1 $objects > "$logs/w1.log" 2>&1 || failed+=("W=1 build (log: $logs/w1.log)")
# shellcheck disable=SC2086
kmake -k W=1 C=2 $objects > "$logs/sparse.log" 2>&1 || failed+=("sparse (log: $logs/sparse.log)")

if [ -n "$arm64_objects" ]; then
	"$KHO_ROOT/harness/build-kernel.sh" --arch arm64 --config-only "$tree" "$out_arm64" \
		"$KHO_ROOT/harness/kho.config" "$KHO_ROOT/harness/kho-arm64.config" \
		>> "$logs/config.log" 2>&1 ||
		{ cat "$logs/config.log" >&2; die "configuring $out_arm64 failed"; }
	# shellcheck disable=SC2086 # a list of objects
	(cd "$out_arm64" && rm -f $arm64_objects)
	# shellcheck disable=SC2086
	kmake_arm64 -k W=1 $arm64_objects >> "$logs/w1.log" 2>&1 ||
		failed+=("W=1 build for arm64 (log: $logs/w1.log)")
	# shellcheck disable=SC2086
	kmake_arm64 -k W=1 C=2 $arm64_objects >> "$logs/sparse.log" 2>&1 ||
		failed+=("sparse for arm64 (log: $logs/sparse.log)")
fi

ext_objects=
if [ -n "$external" ]; then
	ext_objects=$(cd "$external" && ls -- *.c | sed 's/\.c$/.o/')
	# shellcheck disable=SC2086
	(cd "$external" && rm -f $ext_objects)
	# shellcheck disable=SC2086
	kmake M="$external" W=1 $ext_objects >> "$logs/w1.log" 2>&1 ||
		failed+=("W=1 build of $external (log: $logs/w1.log)")
	# shellcheck disable=SC2086
	kmake M="$external" W=1 C=2 $ext_objects >> "$logs/sparse.log" 2>&1 ||
		failed+=("sparse on $external (log: $logs/sparse.log)")
fi

# kernel-doc, on the assembled files and, for the upstream ones, on the
# pristine files too. One run for all files is fast but numbers the lines
# of every file after the first one too far (perl's $. is not reset): the
# files it warns about are run again one by one, for their line numbers.
kdoc() {	# kdoc ROOT FILE...
	local root=$1 f
	shift
	[ $# -gt 0 ] || return 0
	(cd "$root" && scripts/kernel-doc -Wall -none "$@") 2>&1 |
		sed -n -e 's/^\([^ :]*\):[0-9]*: .*/\1/p' -e '/^Error: /p' | sort -u |
		while read -r f; do
			case $f in
			Error:*) echo "$f" ;;	# "Cannot open file", say
			*) (cd "$root" && scripts/kernel-doc -Wall -none "$f") 2>&1 || true ;;
			esac
		done
}
mapfile -t ours < <(sort -u "$logs/new-files" "$logs/changed-files")
mapfile -t changed < "$logs/changed-files"
mapfile -t ext_files < <([ -z "$external" ] || ls -d "$external"/*.[ch])
kdoc "$tree" "${ours[@]}" "${ext_files[@]}" > "$logs/kernel-doc.log"
kdoc "$pristine" "${changed[@]}" > "$logs/kernel-doc-pristine.log"

! grep -h '^Error: ' "$logs"/kernel-doc*.log | sed 's/^/kernel-doc: /' | grep . ||
	failed+=("kernel-doc (logs: $logs/kernel-doc*.log)")

# Every object asked for must have been built: one that the configuration
# leaves out would otherwise go unchecked.
for o in $objects; do
	[ -f "$out/$o" ] || failed+=("$o was not built (not in this configuration?)")
done
for o in $arm64_objects; do
	[ -f "$out_arm64/$o" ] || failed+=("$o was not built for arm64 (not in this configuration?)")
done

rc=0
"$KHO_ROOT/harness/static-findings.py" --tree "$tree" --pristine "$pristine" \
	--out "$out" --new "$logs/new-files" --changed "$logs/changed-files" \
	${external:+--external "$external"} \
	W=1:"$logs/w1.log" sparse:"$logs/sparse.log" \
	kernel-doc:"$logs/kernel-doc.log" --kdoc-pristine "$logs/kernel-doc-pristine.log" \
	> "$logs/findings" || rc=$?
[ $rc -le 1 ] || die "static-findings.py failed"
cat "$logs/findings"
n=$(grep -c '^[^ ]' "$logs/findings" || true)
for f in "${failed[@]}"; do echo "FAILED: $f"; done
echo "static: $(($(wc -w <<< "$objects") + $(wc -w <<< "$arm64_objects"))) objects, ${#ours[@]} files;" \
	"$n findings, ${#failed[@]} failures (logs: $logs)"
[ "$n" = 0 ] && [ ${#failed[@]} = 0 ]
