#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The series as users take it. make series writes one mail per step of
# patches/steps plus a cover letter; git mailinfo finds an author, a
# numbered subject and the sign-off in each; git am applies them all, one
# commit per mail, to a git repository of Debian's 6.12 tree (the files the
# series changes, as that tree has them: git am reads no others); and the
# result is, file for file, byte for byte and mode for mode, the tree that
# every QEMU test here built its kernel from (build/linux, .kho-manifest); a
# mail with one byte changed is caught by the same comparison. make series
# refuses a malformed sign-off and a steps file that leaves a file out.
#
# The same mails also apply to kernel.org's 6.12.y at Debian's version:
# harness/upstream-base.py rebuilds kernel.org's copies of the files the
# series changes (Debian's, without Debian's own patches); the series
# applied there, plus Debian's hunks applied back, is build/linux again.
. "$(dirname "$0")/../lib.sh"

pristine=$KHO_ROOT/build/src/linux-6.12
tree=$KHO_ROOT/build/linux
manifest=$tree/.kho-manifest
[ -f "$pristine/.kho-kernelversion" ] || fail "pristine tree $pristine missing; run make kernel"
[ -f "$manifest" ] || fail "no assembled tree ($manifest); run make kernel"
command -v git > /dev/null || fail "git is not installed"
upstream=$KHO_ROOT/build/src/linux-6.12-upstream
"$KHO_ROOT/harness/upstream-base.py" "$pristine" "$upstream" ||
	fail "cannot rebuild kernel.org's files at Debian's version"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
who="KHO selftest <kho-selftest@example.invalid>"
rc=0

SIGNOFF=$who "$KHO_ROOT/harness/make-series.py" "$pristine" "$tmp/series" > "$tmp/make.log" 2>&1 ||
	{ cat "$tmp/make.log"; fail "make-series.py failed"; }
cat "$tmp/make.log"
mapfile -t mails < <(ls "$tmp/series"/0*.patch | grep -v '/0000-cover-letter.patch$')
steps=$(grep -c '^step ' "$KHO_ROOT/patches/steps")
[ "${#mails[@]}" = "$steps" ] || fail "${#mails[@]} mails for $steps steps of patches/steps"
[ -f "$tmp/series/0000-cover-letter.patch" ] || fail "no cover letter"
grep -q '^Subject: \[PATCH 00/' "$tmp/series/0000-cover-letter.patch" &&
	! grep -q '\*\*\* .* HERE \*\*\*' "$tmp/series/0000-cover-letter.patch" ||
	fail "the cover letter still has git's placeholders"
echo "  ok: ${#mails[@]} mails and a cover letter"

n=0
for m in "${mails[@]}"; do
	n=$((n + 1))
	info=$(git mailinfo "$tmp/msg" "$tmp/patch" < "$m") ||
		fail "$(basename "$m"): git mailinfo failed"
	grep -qx "Author: ${who% <*}" <<< "$info" &&
		grep -qx "Email: kho-selftest@example.invalid" <<< "$info" ||
		{ echo "    $info"; fail "$(basename "$m"): git mailinfo finds no author"; }
	grep -q "^Subject: \[PATCH $(printf %02d $n)/$steps\] [a-zA-Z]" "$m" ||
		fail "$(basename "$m"): no numbered subject"
	[ "$(tail -n 1 "$tmp/msg")" = "Signed-off-by: $who" ] ||
		fail "$(basename "$m"): the message does not end with the sign-off"
	[ -s "$tmp/patch" ] || fail "$(basename "$m"): no diff"
done
echo "  ok: each mail has an author, a numbered subject, a message signed off by the builder" \
	"and a diff"

# apply_series REPO BASE MAIL...: a git repository of every file the mails
# change (not create), from the tree BASE, with the mails applied by git am.
apply_series() {
	local repo=$1 base=$2 f
	shift 2
	mkdir -p "$repo"
	sed -n 's|^--- a/\([^[:space:]]*\).*|\1|p' "$@" | sort -u > "$repo.changed"
	while read -r f; do
		[ -f "$base/$f" ] ||
			{ echo "    a mail changes $f, which $base does not have"; return 1; }
		mkdir -p "$repo/$(dirname "$f")"
		cp "$base/$f" "$repo/$f"
	done < "$repo.changed"
	git -C "$repo" init -q
	git -C "$repo" add -A
	git -C "$repo" -c user.name=base -c user.email=base@example.invalid commit -q \
		-m "$(cat "$base/.kho-version")"
	git -C "$repo" -c user.name=applier -c user.email=applier@example.invalid am -q "$@" \
		> "$repo.am.log" 2>&1 || { sed 's/^/    /' "$repo.am.log"; return 1; }
}

# same_as_tree REPO [DIR]: the applied series in REPO (its files as DIR
# has them, if given) has the files assembly wrote into build/linux, each
# with the same contents and mode.
same_as_tree() {
	local repo=$1 dir=${2:-$1} f differ=0
	git -C "$repo" diff --no-renames --name-only HEAD~"$steps" HEAD | sort > "$repo.files"
	awk '{ print $2 }' "$manifest" | sort > "$repo.tree-files"
	if ! diff -u "$repo.tree-files" "$repo.files" > "$repo.files.diff"; then
		sed 's/^/    /' "$repo.files.diff"
		echo "    the series and the assembled tree (- assembled, + series)" \
			"do not have the same files"
		return 1
	fi
	while read -r f; do
		if ! cmp -s "$dir/$f" "$tree/$f"; then
			echo "    differs: $f"
			differ=$((differ + 1))
		elif [ "$(stat -c %a "$dir/$f")" != "$(stat -c %a "$tree/$f")" ]; then
			echo "    mode differs: $f ($(stat -c %a "$dir/$f")" \
				"against $(stat -c %a "$tree/$f"))"
			differ=$((differ + 1))
		fi
	done < "$repo.files"
	[ $differ = 0 ] || {
		echo "    $differ files of the applied series differ from build/linux"
		return 1
	}
}

repo=$tmp/repo
apply_series "$repo" "$pristine" "${mails[@]}" || fail "git am did not apply the series"
commits=$(git -C "$repo" rev-list --count HEAD)
[ "$commits" = $((steps + 1)) ] || fail "git am made $((commits - 1)) commits for $steps mails"
echo "  ok: git am applied all $steps mails to Debian's $(cat "$pristine/.kho-kernelversion")" \
	"($(wc -l < "$repo.changed") upstream files changed)"
[ "$(git -C "$repo" log -1 --format='%an <%ae>')" = "$who" ] ||
	fail "the commits do not carry the mails' author"
same_as_tree "$repo" || fail "the applied series is not build/linux"
echo "  ok: the applied series is build/linux, byte for byte and mode for mode" \
	"($(wc -l < "$repo.files") files)"

# kernel.org's tree: the same mails apply; with Debian's own hunks put back
# on top (they touch none of our lines), the files are build/linux's.
up=$tmp/upstream
apply_series "$up" "$upstream" "${mails[@]}" ||
	fail "git am did not apply the series to kernel.org's files"
echo "  ok: git am applied all $steps mails to $(cat "$upstream/.kho-version")"
cp -a "$up" "$up.debian"
patch -p1 -F0 -s --no-backup-if-mismatch -d "$up.debian" < "$upstream/.kho-debian.diff" ||
	fail "Debian's hunks do not apply exactly on top of the series"
same_as_tree "$up" "$up.debian" ||
	fail "kernel.org's tree with the series and Debian's hunks is not build/linux"
while read -r f; do
	cmp -s "$up/$f" "$up.debian/$f" &&
		fail "Debian's hunks leave $f as it was: it is not kernel.org's"
done < <(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$upstream/.kho-debian.diff" | sort -u)
echo "  ok: with Debian's hunks put back (build/src/linux-6.12-upstream/.kho-debian.diff)," \
	"it is build/linux too"

# Negative control: one character of an added line changed in the last
# mail that adds lines still applies, and the comparison must see it.
mkdir -p "$tmp/bad-mails"
cp "${mails[@]}" "$tmp/bad-mails/"
victim=$(grep -l '^+[A-Za-z]' "$tmp/bad-mails"/*.patch | tail -n 1)
# The first such line's first letter changes case.
awk '!done && /^\+[A-Za-z]/ { c = substr($0, 2, 1); u = toupper(c)
	$0 = "+" (c == u ? tolower(c) : u) substr($0, 3); done = 1 } { print }' \
	"$victim" > "$victim.new" && mv "$victim.new" "$victim"
apply_series "$tmp/bad-repo" "$pristine" "$tmp/bad-mails"/*.patch ||
	fail "the changed mail did not apply, so the control proves nothing"
if same_as_tree "$tmp/bad-repo" > "$tmp/bad-compare.log"; then
	fail "a mail with one character changed gave build/linux: the comparison cannot fail"
fi
grep -q '^    differs: ' "$tmp/bad-compare.log" ||
	{ cat "$tmp/bad-compare.log"; fail "the control failed for another reason"; }
caught=$(grep '^    differs: ' "$tmp/bad-compare.log" | sed 's/^ *//')
echo "  ok: a mail with one character changed ($(basename "$victim")) is caught: $caught"

# Refusals: a sign-off that is not "Name <mail>", a file in no step.
if SIGNOFF="nobody" "$KHO_ROOT/harness/make-series.py" "$pristine" \
	"$tmp/bad" > "$tmp/bad.log" 2>&1; then
	fail "make-series.py accepted SIGNOFF=nobody"
fi
grep -q '^error: SIGNOFF="nobody" is not "Name <mail>"' "$tmp/bad.log" ||
	{ cat "$tmp/bad.log"; fail "no clear error for a malformed SIGNOFF"; }
echo "  ok: a malformed SIGNOFF is refused"
grep -v '^file Documentation/admin-guide/mm/kho.rst$' "$KHO_ROOT/patches/steps" > "$tmp/steps"
if KHO_STEPS=$tmp/steps SIGNOFF=$who "$KHO_ROOT/harness/make-series.py" "$pristine" "$tmp/bad" \
	> "$tmp/bad.log" 2>&1; then
	fail "make-series.py accepted a steps file without Documentation/admin-guide/mm/kho.rst"
fi
nostep='^error: files of the kernel tree in no step of patches/steps: '
grep -q "${nostep}Documentation/admin-guide/mm/kho.rst\$" "$tmp/bad.log" ||
	{ cat "$tmp/bad.log"; fail "no clear error for a file in no step"; }
echo "  ok: a file left out of every step is refused"
exit $rc
