#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The compiler command of the harness's kernel builds (harness/ccache-cc)
# never hands back a cached object whose embedded file changed.
#
# ccache runs in depend mode (harness/lib.sh): it hashes a source and the
# headers its dependency file names. A file pulled in with the assembler's
# .incbin (the compressed kernel in piggy.S, purgatory, the vDSO) is in
# neither. In a cache of its own, this test builds a source that embeds a
# file, changes the file and builds again, as kbuild does (-Wp,-MMD): the
# second object must hold the new bytes. A source without .incbin must
# still come from the cache the second time. Negative control: the same
# two builds through plain ccache give back the first object, the fault
# the wrapper is there for; should a newer ccache check .incbin in depend
# mode itself, the control fails saying so, and the wrapper can go.
. "$(dirname "$0")/../lib.sh"

wrapper=$KHO_ROOT/harness/ccache-cc
[ -x "$wrapper" ] || fail "no $wrapper"
command -v ccache > /dev/null || fail "ccache is not installed (make deps)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || fail "cannot enter $tmp"
# ccache's settings are this test's alone: no configuration file, and
# direct mode on (depend mode needs it).
unset CCACHE_NODEPEND CCACHE_DISABLE CCACHE_RECACHE CCACHE_READONLY CCACHE_NODIRECT
touch ccache.conf
export CCACHE_DIR=$tmp/cache CCACHE_CONFIGPATH=$tmp/ccache.conf CCACHE_DEPEND=1 \
	CCACHE_BASEDIR=$tmp

printf '\t.section .rodata\n\t.globl blob\nblob:\n\t.incbin "blob.bin"\n' > embed.S
echo 'int plain(void) { return 42; }' > plain.c

# build CC SOURCE OBJECT: compile as kbuild does, with a dependency file.
build() {
	$1 gcc -Wp,-MMD,"$3.d" -c -o "$3" "$2" || fail "$1 gcc cannot build $2"
}

# hits: how many times ccache answered from the cache since the last call.
hits() {
	ccache --print-stats | awk '$1 ~ /_cache_hit$/ { n += $2 } END { print n + 0 }'
	ccache --zero-stats > /dev/null
}

# embeds CC: builds embed.S with two contents of blob.bin; prints what the
# second object holds.
embeds() {
	echo kho-incbin-first > blob.bin
	build "$1" embed.S first.o
	echo kho-incbin-again > blob.bin
	build "$1" embed.S again.o
	grep -ao 'kho-incbin-[a-z]*' again.o
}

ccache --zero-stats > /dev/null
got=$(embeds "$wrapper")
[ "$got" = kho-incbin-again ] ||
	fail "harness/ccache-cc gave an object holding '$got' after blob.bin changed"
[ "$(hits)" = 0 ] || fail "harness/ccache-cc took a source with .incbin from the cache"
echo "  ok: a source with .incbin is compiled again and embeds the file's new bytes"
# Debian's ccache puts a gcc that is ccache in /usr/lib/ccache, which some
# users put first in PATH: the wrapper must get past it too.
[ -x /usr/lib/ccache/gcc ] || fail "no /usr/lib/ccache/gcc: is ccache Debian's?"
got=$(PATH=/usr/lib/ccache:$PATH embeds "$wrapper")
[ "$got" = kho-incbin-again ] ||
	fail "with /usr/lib/ccache first in PATH harness/ccache-cc gave an object holding '$got'"
[ "$(hits)" = 0 ] ||
	fail "with /usr/lib/ccache first in PATH, a source with .incbin came from the cache"
echo "  ok: also with /usr/lib/ccache first in PATH"

build "$wrapper" plain.c plain1.o
build "$wrapper" plain.c plain2.o
[ "$(hits)" = 1 ] || fail "harness/ccache-cc did not take plain.c's second build from the cache"
cmp -s plain1.o plain2.o || fail "plain.c's cached object differs from the first"
echo "  ok: a source without it comes from the cache"

got=$(embeds ccache)
[ "$got" = kho-incbin-first ] ||
	fail "negative control: plain ccache $(ccache --version | head -n 1) in depend mode" \
		"rebuilt a source whose .incbin file changed; harness/ccache-cc may be dropped"
echo "  ok: negative control: plain ccache in depend mode gave back the stale object"
