#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Source compatibility with mainline: one module source of ours that uses
# the KHO API (module/kho_compat.c: preserve and restore a folio, a page
# range and a vmalloc area, and add and retrieve a subtree) builds
# unchanged against our 6.12 tree and the mainline peer's tree, and passes
# its own kexec round trip on each kernel.
. "$(dirname "$0")/../lib.sh"

need_kernel
need_peer
rc=0
for k in ours peer; do
	# The module checks that a second restore of its folio fails; mainline
	# refuses it with a WARN_ON_ONCE in kho_restore_page() (the page's
	# magic is gone), which the log check is told to expect on the peer
	# only, once. Ours refuses without a warning.
	case $k in
	ours) image=$KHO_KERNEL expect_warn=() ;;
	peer) image=$KHO_PEER_KERNEL
		expect_warn=(-x '1:^WARNING: (.*/)?kernel/liveupdate/kexec_handover\.c:[0-9]+ ') ;;
	esac
	obj=$(cd "$(dirname "$image")/../../.." && pwd)
	release=$(cat "$obj/include/config/kernel.release")
	dir=$KHO_ROOT/build/kho_compat/$k
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$KT_DIR/module/kho_compat.c" "$KT_DIR/module/Kbuild" "$dir/"
	if ! make -s -C "$obj" M="$dir" CC="ccache gcc" modules > "$dir/build.log" 2>&1 ||
		grep -q 'warning:' "$dir/build.log"; then
		sed 's/^/    /' "$dir/build.log"
		fail "kho_compat.c does not build cleanly against the $k tree (Linux $release)"
	fi
	echo "  ok: kho_compat.c builds against the $k tree (Linux $release)"

	log=$(KHO_KERNEL=$image kt_boot "kho-compat-$k" module-roundtrip.sh \
		-f "$dir/kho_compat.ko:/modules/$release/kho_compat.ko" -a "kho=on" \
		"${expect_warn[@]}") ||
		fail "QEMU or the $k kernel failed (log: $log)"
	expect_count "$log" '^KT: insmod kho_compat: ok$' 2 \
		"$k: the module loads in both kernels" || rc=1
	expect_count "$log" 'kho_compat: preserved: folio, 3 pages, 5-page vmalloc area$' 1 \
		"$k: the first kernel preserved its data" || rc=1
	expect_count "$log" \
		'kho_compat: restore succeeded: folio, 3 pages, 5-page vmalloc area$' 1 \
		"$k: the second kernel restored and checked it" || rc=1
	expect_count "$log" 'kho_compat: restore FAILED' 0 "$k: no failure" || rc=1
done
[ $rc = 0 ] || fail "source compatibility of the KHO API"
