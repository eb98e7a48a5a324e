#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Userspace unit tests of the checks an incoming persistent tmpfs image
# must pass: mm/shmem_kho_image.c built unchanged against
# tools/testing/kho-tmpfs-image's shims, with AddressSanitizer and UBSan.
# A valid image and three valid variants are accepted; 62 kinds of damage
# are each refused for their own reason, among them every kind that used
# to pass and then fail the rebuild halfway or free memory no file listed
# (folio or xattr entries listed by no inode or by two, folios sharing
# memory or preserved as smaller blocks, a name used twice in a directory,
# unsupported xattr prefixes); 500,000 randomly damaged images never make
# the checks read outside the image.
. "$(dirname "$0")/../lib.sh"

make -s -C "$KHO_ROOT/tools/testing/kho-tmpfs-image" O="$KHO_ROOT/build/tools/kho-tmpfs-image" ||
	fail "the tmpfs image unit tests do not build"
out=$("$KHO_ROOT/build/tools/kho-tmpfs-image/image_test") ||
	{ echo "$out" | grep -v '^ok'; fail "tmpfs image unit tests failed"; }
echo "$out" | tail -n 2 | sed 's/^/  /'
echo "$out" | grep -q '^68 cases, 0 failed$' || fail "not all 68 cases ran"
