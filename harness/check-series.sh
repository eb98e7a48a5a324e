#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-series.sh: every prefix of the series builds (make check-series).
#
# The series of make series is committed step by step in a scratch
# repository (make-series.py --repo-only), and a copy of the base tree is
# brought to each step in turn: files a step adds or changes are written
# anew, and nothing else is touched, so that kbuild rebuilds what the step
# changed. Each state is built out of tree with ccache, with
# harness/kho.config: KEXEC_HANDOVER=y from the step that adds the option
# on (a step after it that loses the option fails), and again with
# KEXEC_HANDOVER=n where that configuration differs; the objects of the
# files the series has added by then are compiled once more with W=1. A
# step passes when its builds succeed and no warning (compiler, objtool,
# modpost, Kconfig) names a file of the series: a file it adds, or an
# upstream file one of its diffs changes.
#
# Output: one line per step, then "series: N of N steps build"; the exit
# status is non-zero when any step failed. Logs: build/series-check/.
#
# A run that passes writes patches/series-checked: a digest of everything
# the prefix builds read that can change (patches/, the configuration
# fragment, this script, and the repository's files under include/ and arch/
# and mm/*.h, which patched upstream files include or build; the rest of the
# new code is built only from the step that adds KEXEC_HANDOVER, the tree
# make check builds). Commit it with the change. --if-changed (make check's
# test 52) stops at once when the digest is the committed one, and otherwise
# checks every prefix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stamp=$KHO_ROOT/patches/series-checked
inputs_digest() {
	(cd "$KHO_ROOT" && git ls-files -- patches include arch 'mm/*.h' harness/kho.config \
		harness/check-series.sh |
		grep -vx 'patches/series-checked' | sort | xargs sha256sum) |
		sha256sum | cut -d' ' -f1
}
digest=$(inputs_digest)
if [ "${1:-}" = --if-changed ] && [ -f "$stamp" ] &&
   [ "$(cut -d' ' -f1 "$stamp")" = "$digest" ]; then
	echo "series: the prefix builds' inputs are those check-series passed on $(cut -d' ' -f2- "$stamp") (digest $digest): not rebuilt"
	exit 0
fi
if [ -f "$stamp" ] && [ "$(cut -d' ' -f1 "$stamp")" != "$digest" ]; then
	echo "series: inputs changed since the last passing check-series (digest $digest, recorded $(cut -d' ' -f1 "$stamp")): building every prefix"
fi

base=$KHO_BUILD/src/linux-6.12
check=$KHO_BUILD/series-check
repo=$check/repo
tree=$check/linux
[ -f "$base/.kho-kernelversion" ] || die "no base tree in $base (make source)"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

mkdir -p "$check"
# The files the last run brought into the tree, to undo below.
old_files=$check/series-files.old
cat "$check/series-files" > "$old_files" 2>/dev/null || : > "$old_files"
"$KHO_ROOT/harness/make-series.py" --repo-only "$base" "$repo"

# The base tree, hard-linked: a file is never written in place but
# replaced (rm, then a new file), so the base itself never changes. A new
# base also means new objects: hard links keep the base's old mtimes, which
# objects of an earlier run would look newer than.
if [ ! -f "$tree/.kho-base" ] || [ "$(cat "$tree/.kho-base")" != "$(cat "$base/.kho-version")" ]; then
	rm -rf "$tree" "$check"/obj-*
	cp -al "$base" "$tree"
	cat "$base/.kho-version" > "$tree/.kho-base"
	: > "$old_files"
fi
tree=$(realpath "$tree")

put_file() {	# put_file COMMIT PATH
	rm -f "$tree/$2"
	mkdir -p "$(dirname "$tree/$2")"
	git -C "$repo" show "$1:$2" > "$tree/$2"
}

# Back to the base: what the last run and this series touch goes back, as
# a copy (a new mtime, so that objects built from the series' version are
# rebuilt) where the base has the file, else away.
git -C "$repo" diff --no-renames --name-only base HEAD > "$check/series-files"
sort -u "$old_files" "$check/series-files" | while read -r f; do
	rm -f "$tree/$f"
	[ ! -f "$base/$f" ] || cp "$base/$f" "$tree/$f"
	# An object of a file the series adds would outlive its source: the W=1
	# pass below, which compiles the objects it finds, would then build it
	# at a step that does not have what it needs yet.
	case $f in
	*.c) rm -f "$check"/obj-*/"${f%.c}.o" ;;
	esac
done

# The tree is the base again: no earlier build stands for it.
rm -f "$check"/obj-*/.kho-built

frag_y=$KHO_ROOT/harness/kho.config
frag_n=$check/kho-off.config
{
	grep -v 'HANDOVER' "$frag_y"
	echo "# CONFIG_KEXEC_HANDOVER is not set"
} > "$frag_n"

build() {	# build y|n LOG
	local frag=$frag_y
	[ "$1" = n ] && frag=$frag_n
	"$KHO_ROOT/harness/build-kernel.sh" --no-verify "$tree" "$check/obj-$1" "$frag" > "$2" 2>&1
}

# build_w1 y|n COMMIT LOG: compile again with W=1 the objects of the files
# the series has added up to COMMIT, the ones this configuration built.
# Every line of those is ours, and only warnings in files the series adds
# count (added_warnings); the lines the series adds to upstream files get
# W=1 from check-static.sh (test 54), as their upstream lines have W=1
# warnings of their own. The objects are removed first, so that each
# warning is printed again (ccache replays it); the next plain build
# compiles them anew, as their flags changed.
build_w1() {
	local frag=$frag_y f added objects=()
	[ "$1" = n ] && frag=$frag_n
	added=$(git -C "$repo" diff --no-renames --name-only --diff-filter=A base "$2") ||
		return 1
	while read -r f; do
		case $f in
		*.c) ;;
		*) continue ;;
		esac
		case $f in
		tools/* | arch/x86/boot/*) continue ;;	# not kbuild objects of their own
		esac
		if [ -f "$check/obj-$1/${f%.c}.o" ]; then
			objects+=("${f%.c}.o")
		fi
	done <<< "$added"
	echo "$added" > "$check/added-files"
	: > "$3"
	[ ${#objects[@]} -gt 0 ] || return 0
	(cd "$check/obj-$1" && rm -f "${objects[@]}")
	echo "W=1: ${objects[*]}" >> "$3"
	"$KHO_ROOT/harness/build-kernel.sh" --no-verify --targets "W=1 ${objects[*]}" \
		"$tree" "$check/obj-$1" "$frag" >> "$3" 2>&1
}

# kconfig_changed FILE...: whether any is a kbuild or Kconfig file.
kconfig_changed() {
	local f
	for f in "$@"; do
		case $f in
		tools/* | Documentation/*) continue ;;	# not built by the kernel's make
		esac
		case ${f##*/} in
		Makefile | Kbuild | Kconfig* | *.config) return 0 ;;
		esac
	done
	return 1
}

# read_by_build CFG FILE...: whether the last build of CFG read any of the
# files (kbuild lists every source and header an object was made from in
# its .cmd file), or any is a kbuild or Kconfig file, which can change what
# is built. A step that changes none of them leaves that build as it was.
read_by_build() {
	local obj=$check/obj-$1 f
	shift
	[ -f "$obj/.config" ] || return 0
	! kconfig_changed "$@" || return 0
	for f in "$@"; do
		grep -rqF --include='.*.cmd' "$f" "$obj" && return 0
	done
	return 1
}

# series_warnings FILES LOG: warnings of LOG that name a file listed in
# FILES: "path:line: warning:" of the compiler and Kconfig (objtool names
# the object: its .c counts), and any modpost warning.
series_warnings() {
	awk -v tree="$tree/" 'NR == FNR { ours[$0] = 1; next }
		/^WARNING: modpost:/ { print; next }
		/: ?warning:/ {
			path = $0; sub(/:.*/, "", path)
			if (index(path, tree) == 1)
				path = substr(path, length(tree) + 1)
			while (path ~ /^\.\.\//)
				path = substr(path, 4)
			sub(/^linux\//, "", path)
			sub(/\.o$/, ".c", path)
			if (path in ours)
				print
		}' "$1" "$2"
}

n=0 bad=0 same_config=0
mapfile -t commits < <(git -C "$repo" rev-list --reverse base..HEAD)
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$repo" log -1 --format=%s "$c")
	mapfile -t changed < <(git -C "$repo" diff --no-renames --name-only "$c~1" "$c")
	while IFS=$'\t' read -r status f; do
		case $status in
		D) rm -f "$tree/$f" ;;
		*) put_file "$c" "$f" ;;
		esac
	done < <(git -C "$repo" diff --no-renames --name-status "$c~1" "$c")
	verdict= built=
	start=$(date +%s)
	for cfg in y n; do
		log=$check/step-$(printf %02d $n)-$cfg.log
		# A build that passed and read nothing the step changed stands.
		if [ -f "$check/obj-$cfg/.kho-built" ] && ! read_by_build $cfg "${changed[@]}"; then
			built+=" =$cfg (unchanged)"
			continue
		fi
		rm -f "$check/obj-$cfg/.kho-built"
		# Before KEXEC_HANDOVER exists both fragments give one .config;
		# only a kbuild or Kconfig file can change that.
		if [ $cfg = n ] && [ "$same_config" = 1 ] && ! kconfig_changed "${changed[@]}"; then
			continue
		fi
		if [ $cfg = n ] && "$KHO_ROOT/harness/build-kernel.sh" --no-verify --config-only \
			"$tree" "$check/obj-n" "$frag_n" > "$log" 2>&1 &&
		   cmp -s "$check/obj-n/.config" "$check/obj-y/.config"; then
			same_config=1
			continue
		fi
		[ $cfg = y ] || same_config=0
		if ! build $cfg "$log"; then
			verdict+=" KEXEC_HANDOVER=$cfg: build FAILED (log: $log)"
			continue
		fi
		if ! build_w1 $cfg "$c" "$log.w1"; then
			verdict+=" KEXEC_HANDOVER=$cfg: W=1 build of the series' files FAILED (log: $log.w1)"
			continue
		fi
		built+=" =$cfg"
		touch "$check/obj-$cfg/.kho-built"
		warnings=$(series_warnings "$check/series-files" "$log"
			   series_warnings "$check/added-files" "$log.w1")
		[ -z "$warnings" ] ||
			verdict+=" KEXEC_HANDOVER=$cfg: warnings in series files: $(echo "$warnings" | head -n 3 | tr '\n' ' ')"
	done
	option="not yet an option"
	if [ -f "$tree/kernel/liveupdate/Kconfig" ]; then
		option=y
		grep -qx 'CONFIG_KEXEC_HANDOVER=y' "$check/obj-y/.config" ||
			verdict+=" KEXEC_HANDOVER=y did not survive the configuration"
	fi
	if [ -z "$verdict" ]; then
		echo "ok $n - $subject (built${built:- nothing}; KEXEC_HANDOVER: $option; $(($(date +%s) - start))s)"
	else
		bad=$((bad + 1))
		echo "not ok $n - $subject:$verdict"
	fi
done
echo "series: $((n - bad)) of $n steps build"
[ $bad = 0 ] || exit 1
if [ "$(inputs_digest)" = "$digest" ]; then
	echo "$digest $(date -u +%Y-%m-%d), $n steps" > "$stamp"
	echo "series: wrote patches/series-checked; commit it with the change"
fi
