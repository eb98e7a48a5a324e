#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The series as reviewers read it. Every mail of make series passes the
# base tree's checkpatch.pl --strict, sign-off checks included, with no
# finding beyond the few harness/checkpatch-accepted lists with reasons;
# a mail with a line of 101 columns planted in it is caught. And
# get_maintainer.pl names the series' MAINTAINERS entry, KEXEC HANDOVER
# (KHO), for every file the series adds, and not for a file it does not.
#
# A check of sources only: it runs again only when what it reads changed
# since the passing run recorded in harness/review-checked, which it writes
# (commit it with the change). The digest (kt_series_digest in lib.sh)
# covers the base kernel, every file the series put in build/linux, the
# scripts it runs, this test and the Debian packages of perl, python3 and
# git.
. "$(dirname "$0")/../lib.sh"

pristine=$KHO_ROOT/build/src/linux-6.12
tree=$KHO_ROOT/build/linux
[ -f "$tree/.kho-manifest" ] || fail "no assembled tree; run make kernel"
[ -x "$tree/scripts/checkpatch.pl" ] || fail "no checkpatch.pl in $tree"

stamp=$KHO_ROOT/harness/review-checked
inputs() {
	kt_series_digest "perl python3 git" harness/make-series.py \
		harness/checkpatch-series.py harness/checkpatch-accepted harness/lib.sh patches
}
digest=$(inputs) || fail "cannot make the digest of what this test reads"
kt_recorded_pass "$stamp" "$digest" && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
who="KHO selftest <kho-selftest@example.invalid>"

SIGNOFF=$who "$KHO_ROOT/harness/make-series.py" "$pristine" "$tmp/series" > "$tmp/make.log" 2>&1 ||
	{ cat "$tmp/make.log"; fail "make-series.py failed"; }
mapfile -t mails < <(ls "$tmp/series"/0*.patch | grep -v '/0000-cover-letter.patch$')
[ ${#mails[@]} -gt 0 ] || fail "make series wrote no mails"

"$KHO_ROOT/harness/checkpatch-series.py" "$tree" "${mails[@]}" > "$tmp/cp.log" 2>&1 ||
	{ sed 's/^/    /' "$tmp/cp.log"; fail "checkpatch --strict finds problems in the series"; }
echo "  ok: $(tail -n 1 "$tmp/cp.log")"

# Negative control: the first empty line the first mail adds to a C file
# becomes a macro of 101 columns (the hunk keeps its line count).
victim=$tmp/control.patch
awk '/^\+\+\+ / { file = $2 }
	!done && file ~ /\.[ch]$/ && /^\+$/ {
	s = "#define KHO_CONTROL (1"; while (length(s) < 90) s = s " + 1"
	s = s " + "; s = s substr("1000000000000", 1, 100 - length(s)) ")"
	$0 = "+" s; done = 1 } { print }' "${mails[0]}" > "$victim"
cmp -s "$victim" "${mails[0]}" && fail "the first mail adds no empty line to a C file"
if "$KHO_ROOT/harness/checkpatch-series.py" --some "$tree" "$victim" > "$tmp/control.log" 2>&1; then
	cat "$tmp/control.log"
	fail "a mail with a 101-column line passed: the check cannot fail"
fi
grep -q 'LONG_LINE .*line length of 101 exceeds 100 columns' "$tmp/control.log" ||
	{ cat "$tmp/control.log"; fail "the control failed for another reason"; }
echo "  ok: a 101-column line planted in $(basename "${mails[0]}") is caught"

# get_maintainer.pl: our entry for every file we add outside tools/, and
# for one file of each directory below tools/testing (their F: lines name
# directories); not for others.
entry='KEXEC HANDOVER (KHO)'
gm() {
	(cd "$tree" && scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$1")
}
missing=0
checked=0
while read -r f; do
	gm "$f" > "$tmp/gm.log" 2>&1 ||
		{ cat "$tmp/gm.log"; fail "get_maintainer.pl failed on $f"; }
	checked=$((checked + 1))
	grep -qxF "$entry" "$tmp/gm.log" || { echo "    $f: no $entry"; missing=$((missing + 1)); }
done < <({
	git -C "$KHO_ROOT" ls-files -- kernel mm lib include arch Documentation
	git -C "$KHO_ROOT" ls-files -- tools/testing | awk -F/ '!seen[$3]++'
} | sort)
[ $missing = 0 ] || fail "$missing files of the series are in no F: line of $entry"
gm mm/page_alloc.c > "$tmp/gm.log" 2>&1
grep -q '^MEMORY MANAGEMENT' "$tmp/gm.log" ||
	{ cat "$tmp/gm.log"; fail "get_maintainer.pl does not work on mm/page_alloc.c"; }
grep -qxF "$entry" "$tmp/gm.log" && fail "get_maintainer.pl names $entry for mm/page_alloc.c"
echo "  ok: get_maintainer.pl names $entry for $checked files of ours, not for mm/page_alloc.c"
kt_record_pass "$stamp" "$digest" "$(inputs)"
