#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Userspace unit tests of the checks an incoming persistent tmpfs image
# must pass: mm/shmem_kho_image.c built unchanged against
# tools/testing/kho-tmpfs-image's shims, with AddressSanitizer and UBSan.
# A valid image is accepted; 46 kinds of damage are each refused for their
# own reason; 500,000 randomly damaged images never make the checks read
# outside the image.
. "$(dirname "$0")/../lib.sh"

make -s -C "$KHO_ROOT/tools/testing/kho-tmpfs-image" O="$KHO_ROOT/build/tools/kho-tmpfs-image" ||
	fail "the tmpfs image unit tests do not build"
out=$("$KHO_ROOT/build/tools/kho-tmpfs-image/image_test") ||
	{ echo "$out" | grep -v '^ok'; fail "tmpfs image unit tests failed"; }
echo "$out" | tail -n 2 | sed 's/^/  /'
echo "$out" | grep -q '^49 cases, 0 failed$' || fail "not all 49 cases ran"
