#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-docs.sh [-t TREE] [-o OUT] [-d "DIR..."]: our documentation builds
# with the kernel's own make htmldocs, and without a warning (make
# check-docs, test 53).
#
# The whole of Documentation/ takes too long, so only the Sphinx books that
# hold our pages are built (SPHINXDIRS): core-api, with core-api/kho/ in its
# toctree, admin-guide/mm with kho.rst, and filesystems with tmpfs.rst and
# its kho= option. (kernel-parameters.txt is included as a literal block,
# which Sphinx does not parse: the whole admin-guide book would add
# nothing.) TREE is the assembled kernel tree (build/linux); OUT, the output
# directory, is emptied first, because an incremental Sphinx build does not
# repeat the warnings of pages it does not read again.
#
# A line of the build's output that reports a warning or an error fails the
# check when it concerns our files (it names a file or symbol of KHO: kho,
# kexec_handover, liveupdate; or filesystems/tmpfs.rst) or the build as a
# whole (it names no file: a missing tool, a failing extension); each such
# line is printed. Warnings about other pages are counted and left in the
# log: a book built alone cannot resolve its references to other books, and
# upstream 6.12 has a few warnings of its own.
#
# make htmldocs also regenerates the netlink rst files inside the source
# tree; YNL_TOOL=/bin/true stops that, so the tree is not written to (those
# pages are in no book built here).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$KHO_BUILD/linux
out=$KHO_BUILD/obj/docs
dirs="core-api admin-guide/mm filesystems"
while getopts t:o:d: opt; do
	case $opt in
	t) tree=$OPTARG ;;
	o) out=$OPTARG ;;
	d) dirs=$OPTARG ;;
	*) die "usage: $0 [-t TREE] [-o OUT] [-d \"SPHINXDIR...\"]" ;;
	esac
done

[ -f "$tree/Documentation/Makefile" ] || die "no kernel tree in $tree (make assemble)"
tree=$(cd "$tree" && pwd)
out=$(realpath -m "$out")
# OUT is emptied: refuse a directory that this script did not write.
[ ! -d "$out" ] || [ -f "$out/htmldocs.log" ] || [ -z "$(ls -A "$out")" ] ||
	die "$out holds files not written by $(basename "$0"); give another -o"
"$KHO_ROOT/harness/deps.sh" python3-sphinx python3-yaml graphviz

rm -rf "$out"
mkdir -p "$out"
log=$out/htmldocs.log
note "make htmldocs SPHINXDIRS=\"$dirs\" (log: $log)"
start=$(date +%s)
rc=0
nice make -C "$tree" O="$out" YNL_TOOL=/bin/true SPHINXDIRS="$dirs" htmldocs \
	> "$log" 2>&1 || rc=$?
echo "htmldocs: built in $(($(date +%s) - start)) s, exit status $rc"

# Each line that reports a problem, with the tree's and the output's
# paths cut to relative ones (a checkout in a directory called kho would
# otherwise make every path look like ours), sorted: ours (it names a file
# or symbol of KHO), wide (it names no file), other (another page's).
{ grep -E 'WARNING|ERROR|CRITICAL|SEVERE|(warning|error):|Traceback|Exception|\*\*\*' \
	"$log" || true; } | awk -v out="$out" -v tree="$tree" -v real="$(realpath "$tree")" '
	function cut(prefix,  i) {
		while ((i = index($0, prefix "/")))
			$0 = substr($0, 1, i - 1) substr($0, i + length(prefix) + 1)
	}
	{ cut(out); cut(tree); cut(real) }
	/kho|kexec_handover|liveupdate|filesystems\/tmpfs\.rst/ { print > (out "/ours.txt"); next }
	/^[^[:space:]:]+\.(rst|txt|h|c|py|yaml)(:[0-9]+)?: / { print > (out "/other.txt"); next }
	{ print > (out "/wide.txt") }'

fail=0
if [ -s "$out/ours.txt" ]; then
	echo "htmldocs: $(wc -l < "$out/ours.txt") warnings concern our files:"
	sed 's/^/  /' "$out/ours.txt"
	fail=1
fi
if [ -s "$out/wide.txt" ]; then
	echo "htmldocs: $(wc -l < "$out/wide.txt") warnings concern the build as a whole:"
	sed 's/^/  /' "$out/wide.txt"
	fail=1
fi
if [ "$rc" != 0 ]; then
	echo "htmldocs: make failed (exit status $rc); the end of $log:"
	tail -n 20 "$log" | sed 's/^/  /'
	fail=1
fi
touch "$out/other.txt"
echo "htmldocs: $(wc -l < "$out/other.txt") warnings about other pages, left in the log"
# Our pages, in the books that were built.
for page in core-api/kho/index core-api/kho/concepts core-api/kho/abi admin-guide/mm/kho \
	filesystems/tmpfs; do
	for dir in $dirs; do
		case $page in
		"$dir"/*)
			[ -s "$out/Documentation/output/$page.html" ] ||
				{ echo "htmldocs: no $page.html was written"; fail=1; }
			;;
		esac
	done
done
[ $fail = 0 ] || exit 1
echo "htmldocs: no warning in our pages: $out/Documentation/output/"
