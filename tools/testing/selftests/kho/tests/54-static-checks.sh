#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks of the series' own code are clean (harness/check-static.sh:
# W=1, sparse and kernel-doc -Wall on the files the series adds, and on the
# lines it adds to upstream files), with a negative control for each check.
#
# The control is a copy of lib/test_kho.c with one planted fault per
# check, outside the tree, built as an external module against the same
# tree and flags in the same run: a plain pointer stored into an __rcu one
# (sparse), an unused static const (-Wunused-const-variable, only under
# W=1) and a kernel-doc comment that leaves a parameter undescribed. Each
# must be reported at its line, and nothing else in the copy. The filter
# that keeps only what the series adds to an upstream file is checked on
# its own: a warning on a line the series adds to mm/memblock.c counts, one
# on an upstream line does not. Nothing of build/linux or of the
# repository is modified.
#
# A check of sources only: it runs again only when what it reads changed
# since the passing run recorded in harness/static-checked, which it writes
# (commit it with the change). The digest (kt_series_digest in lib.sh)
# covers the base kernel, every file the series put in build/linux, the
# scripts it runs, this test and the Debian packages of gcc and binutils
# for both architectures, sparse, perl and python3.
. "$(dirname "$0")/../lib.sh"

command -v sparse >/dev/null || "$KHO_ROOT/harness/deps.sh" sparse >/dev/null ||
	fail "sparse is not installed and could not be installed"
[ -f "$KHO_ROOT/build/linux/.kho-manifest" ] ||
	fail "no assembled tree in build/linux (make kernel)"

stamp=$KHO_ROOT/harness/static-checked
inputs() {
	kt_series_digest \
		"gcc gcc-12 gcc-aarch64-linux-gnu gcc-12-aarch64-linux-gnu binutils
		binutils-x86-64-linux-gnu binutils-aarch64-linux-gnu sparse perl python3" \
		harness/check-static.sh harness/static-findings.py harness/build-kernel.sh \
		harness/ccache-cc harness/kho.config harness/kho-arm64.config harness/deps.sh \
		harness/lib.sh patches
}
digest=$(inputs) || fail "cannot make the digest of what this test reads"
kt_recorded_pass "$stamp" "$digest" && exit 0

control=$(mktemp -d "${TMPDIR:-/tmp}/kho-static-control.XXXXXX")
trap 'rm -rf "$control"' EXIT
cp "$KHO_ROOT/lib/test_kho.c" "$control/test_kho.c"
echo 'obj-m := test_kho.o' > "$control/Kbuild"
base=$(wc -l < "$control/test_kho.c")
cat >> "$control/test_kho.c" <<'EOF'

/* Planted faults: the negative control of tests/54-static-checks.sh. */
static int __rcu *static_control_rcu;

/**
 * static_control_set() - planted: its parameter is not described
 */
static void __maybe_unused static_control_set(int *p)
{
	static_control_rcu = p;
}

static const int static_control_unused = 1;
EOF
# Lines (after $base): 3 the __rcu pointer, 5 the kernel-doc comment
# (kernel-doc names the line after its function's prototype, 9), 10 the
# store, 13 the unused constant.
sparse_line=$((base + 10)) w1_line=$((base + 13)) kdoc_line=$((base + 9))
src=$control/test_kho.c

log=$KHO_LOGDIR/static-checks.log
"$KHO_ROOT/harness/check-static.sh" --external "$control" > "$log" 2>&1
rc=$?
sed 's/^/  /' "$log"
[ $rc != 0 ] || fail "check-static.sh passed with planted faults in $src"

bad=0
expect "$log" "^sparse: $src:$sparse_line: .*different address spaces" \
	"sparse: a plain pointer stored into an __rcu one" || bad=1
expect "$log" "^W=1: $src:$w1_line: .*-Wunused-const-variable" \
	"W=1: an unused static const" || bad=1
expect "$log" "^kernel-doc: $src:$kdoc_line: .*'p' not described in 'static_control_set'" \
	"kernel-doc: an undescribed parameter" || bad=1
# Nothing else from the copy: the rest of it is lib/test_kho.c, which must
# be clean.
extra=$(grep -E "^[^ ]+: $src:" "$log" |
	grep -v -e "^sparse: $src:$sparse_line:" -e "^W=1: $src:$w1_line:" \
		-e "^kernel-doc: $src:$kdoc_line:" || true)
[ -z "$extra" ] || {
	echo "  unexpected findings in the copy of lib/test_kho.c:"
	echo "$extra"
	bad=1
}

# The series itself: no finding outside the control, no failed build.
ours=$(grep -E '^(W=1|sparse|kernel-doc): ' "$log" | grep -vF ": $control/" || true)
if [ -n "$ours" ]; then
	echo "  findings in the series' code:"
	echo "$ours" | sed 's/^/    /'
	bad=1
else
	echo "  ok: no finding in the series' code"
fi
if grep -q '^FAILED: ' "$log"; then
	echo "  a build of the check failed:"; grep '^FAILED: ' "$log"; bad=1
fi
expect "$log" '^static: [0-9]+ objects, [0-9]+ files; 3 findings, 0 failures' \
	"the summary counts the three planted findings" || bad=1

# The filter of upstream files: a warning on a line that the series adds
# to mm/memblock.c is ours, one on a line it leaves alone is not.
tree=$KHO_ROOT/build/linux pristine=$KHO_ROOT/build/src/linux-6.12
first=$(diff -U0 "$pristine/mm/memblock.c" "$tree/mm/memblock.c" |
	sed -n 's/^@@ -[^ ]* +\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$first" ] && [ "$first" -gt 1 ] || fail "the series adds no line to mm/memblock.c"
# The first line of the first hunk is the series'; the one before it is
# upstream's.
added=$first kept=$((first - 1))
printf '%s\n' \
	"$tree/mm/memblock.c:$added:5: warning: planted on an added line" \
	"$tree/mm/memblock.c:$kept:5: warning: planted on an upstream line" \
	> "$control/filter.log"
echo mm/memblock.c > "$control/changed"
: > "$control/new"
"$KHO_ROOT/harness/static-findings.py" --tree "$tree" --pristine "$pristine" \
	--out "$KHO_ROOT/build/obj/static" --new "$control/new" --changed "$control/changed" \
	W=1:"$control/filter.log" > "$control/filter.out"
expect "$control/filter.out" "^W=1: mm/memblock.c:$added: warning: planted on an added line" \
	"a warning on a line the series adds to an upstream file counts" || bad=1
expect_count "$control/filter.out" 'planted on an upstream line' 0 \
	"a warning on an upstream line does not" || bad=1

[ $bad = 0 ] || fail "static checks (log: $log)"
kt_record_pass "$stamp" "$digest" "$(inputs)"
