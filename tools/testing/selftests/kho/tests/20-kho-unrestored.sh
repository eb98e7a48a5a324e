#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Preserved memory that nobody restores is not lost silently: when test_kho
# leaves its 8 MiB (and its list) unrestored, the next kernel says at the
# end of boot how much stays reserved; when everything is restored it says
# so too.
. "$(dirname "$0")/../lib.sh"

rc=0
log=$(kt_boot kho-unrestored kho-chain.sh -a "kho=on test_kho.restore=0") ||
	fail "QEMU or the kernel failed (log: $log)"
expect "$log" 'test_kho: leaving the handed-over folios unrestored$' \
	"test_kho restored nothing" || rc=1
left=$(sed -n \
	's/.*KHO: \([0-9]*\) KiB of preserved memory was not restored by its owner.*/\1/p' "$log")
if [ -n "$left" ] && [ "$left" -ge 8192 ]; then
	echo "  ok: the kernel reports $left KiB left reserved"
else
	echo "  no report of the unrestored memory (${left:-none})"
	rc=1
fi

log=$(kt_boot kho-all-restored kho-chain.sh -a "kho=on") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'KHO: all preserved memory was restored$' 1 "full restore is reported" || rc=1
[ $rc = 0 ] || fail "unrestored memory report"
