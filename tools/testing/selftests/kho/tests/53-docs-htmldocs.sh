#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Our documentation builds with the kernel's make htmldocs (Sphinx from
# Debian) without a warning: harness/check-docs.sh builds the core-api,
# admin-guide/mm and filesystems books of build/linux and fails on any
# warning that concerns our files (tmpfs.rst among them) or the build as
# a whole. The pages then hold what
# they should: the three pages of core-api/kho, in core-api's toctree, the
# admin guide, and what only the kernel-doc directives can have put there
# (struct kho_scratch from include/linux/kho/abi/kexec_handover.h,
# kho_preserve_folio() from kernel/liveupdate/kexec_handover.c, struct
# kho_tmpfs_header from include/linux/kho/abi/tmpfs.h).
#
# Negative control: in a copy of the tree, abi.rst names a function that
# does not exist in a kernel-doc directive and a title of concepts.rst is
# underlined too short; the check must fail and show both warnings. The
# copy is symlinks into build/linux, except for the top Makefile (kbuild
# takes the source tree from its real path) and core-api/kho, which are
# copied: build/linux is not written to.
#
# A check of sources only: it runs again only when what it reads changed
# since the passing run recorded in harness/docs-checked, which it writes
# (commit it with the change). The digest (kt_series_digest in lib.sh)
# covers the base kernel, every file the series put in build/linux, the
# scripts it runs, this test and the Debian packages of Sphinx and the
# Python modules it renders with, PyYAML, graphviz and perl.
. "$(dirname "$0")/../lib.sh"

tree=$KHO_ROOT/build/linux
out=$KHO_ROOT/build/obj/docs
html=$out/Documentation/output
[ -f "$tree/.kho-manifest" ] || fail "no assembled tree ($tree); run make kernel"

# Sphinx is in the digest: install it first (what check-docs.sh installs).
"$KHO_ROOT/harness/deps.sh" python3-sphinx python3-yaml graphviz > /dev/null ||
	fail "cannot install Sphinx (log: $KHO_ROOT/build/apt-install.log)"
stamp=$KHO_ROOT/harness/docs-checked
inputs() {
	kt_series_digest "python3-sphinx python3-docutils python3-jinja2 python3-pygments
		python3-alabaster python3-yaml graphviz perl" \
		harness/check-docs.sh harness/deps.sh harness/lib.sh patches
}
digest=$(inputs) || fail "cannot make the digest of what this test reads"
kt_recorded_pass "$stamp" "$digest" && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$KHO_ROOT/harness/check-docs.sh" -t "$tree" -o "$out" > "$KHO_LOGDIR/docs-htmldocs.log" 2>&1
rc=$?
grep -E '^(htmldocs|  )' "$KHO_LOGDIR/docs-htmldocs.log" | sed 's/^/  /'
[ $rc = 0 ] || fail "make htmldocs warns about our pages (log: $KHO_LOGDIR/docs-htmldocs.log)"
echo "  ok: make htmldocs of core-api, admin-guide/mm, filesystems: no warning in our pages"

# has PAGE TEXT WHAT: the rendered page contains TEXT (fixed string).
has() {
	[ -f "$html/$1.html" ] || fail "$1.html was not written"
	grep -qF -- "$2" "$html/$1.html" || fail "$1.html lacks $3 ($2)"
	echo "  ok: $1.html has $3"
}
has core-api/index 'href="kho/index.html"' "core-api/kho in the toctree"
has core-api/kho/index 'href="concepts.html"' "a link to concepts"
has core-api/kho/concepts '<h1>KHO for kernel developers<' "the title of concepts.rst"
has core-api/kho/abi '<h1>KHO handover formats and kernel API<' "the title of abi.rst"
has core-api/kho/abi 'id="c.kho_scratch"' "struct kho_scratch (kernel-doc)"
has core-api/kho/abi 'physical start, a multiple of KHO_SCRATCH_ALIGN' "kho_scratch's member text"
has core-api/kho/abi 'id="c.kho_preserve_folio"' "kho_preserve_folio() (kernel-doc, :export:)"
has core-api/kho/abi 'id="c.kho_tmpfs_header"' "struct kho_tmpfs_header (kernel-doc)"
has core-api/kho/abi 'id="c.kho_fill_kimage"' "kho_fill_kimage() (kernel-doc, :functions:)"
has admin-guide/mm/kho '<h1>Kexec HandOver (KHO)<' "the admin guide's title"
has filesystems/tmpfs 'can outlive a kexec with its files in place' "the kho=NAME option"

# The copy: symlinks, except what kbuild resolves and what is broken.
farm=$tmp/linux
mkdir -p "$farm/Documentation/core-api"
link_all_but() {
	local from=$1 to=$2 e
	shift 2
	for e in "$from"/* "$from"/.[!.]*; do
		[ -e "$e" ] || continue
		case " $* " in *" $(basename "$e") "*) continue ;; esac
		ln -s "$e" "$to/$(basename "$e")"
	done
}
link_all_but "$tree" "$farm" Makefile Documentation
cp "$tree/Makefile" "$farm/Makefile"
link_all_but "$tree/Documentation" "$farm/Documentation" core-api
link_all_but "$tree/Documentation/core-api" "$farm/Documentation/core-api" kho
cp -r "$tree/Documentation/core-api/kho" "$farm/Documentation/core-api/kho"
printf '\n.. kernel-doc:: kernel/liveupdate/kho_fdt.c\n   :functions: kho_no_such_function\n' \
	>> "$farm/Documentation/core-api/kho/abi.rst"
sed -i '/^Scratch areas$/{n;s/^-*$/-----/}' "$farm/Documentation/core-api/kho/concepts.rst"
grep -qx -- '-----' "$farm/Documentation/core-api/kho/concepts.rst" ||
	fail "the control could not shorten a title's underline"

if "$KHO_ROOT/harness/check-docs.sh" -t "$farm" -o "$tmp/out" -d core-api/kho \
	> "$tmp/control.log" 2>&1; then
	cat "$tmp/control.log"
	fail "a broken kernel-doc directive and title passed the check"
fi
shown() { grep -q "^  .*$1" "$tmp/control.log"; }
shown "kho_fdt.c:.*'kho_no_such_function' not found" &&
	shown 'core-api/kho/concepts.rst:[0-9]*: WARNING: Title underline too short' ||
	{ cat "$tmp/control.log"; fail "the control failed without showing both warnings"; }
summary=$(grep -E '^htmldocs: [0-9]+ warnings concern' "$tmp/control.log" | tr '\n' ' ')
echo "  ok: the control fails: $summary"
grep -E "kho_no_such_function|Title underline" "$tmp/control.log" | sed 's/^ */    /'
! grep -q kho_no_such_function "$tree/Documentation/core-api/kho/abi.rst" ||
	fail "the control wrote into build/linux"
kt_record_pass "$stamp" "$digest" "$(inputs)"
