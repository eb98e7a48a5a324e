#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Userspace unit tests of the preserved-memory map: kernel/liveupdate/
# kho_radix.c built unchanged against tools/testing/kho-radix's shims, with
# AddressSanitizer and UBSan, so leaks and overflows fail the test too.
. "$(dirname "$0")/../lib.sh"

make -s -C "$KHO_ROOT/tools/testing/kho-radix" O="$KHO_ROOT/build/tools/kho-radix" ||
	fail "the radix unit tests do not build"
"$KHO_ROOT/build/tools/kho-radix/radix_test" || fail "radix unit tests failed"
