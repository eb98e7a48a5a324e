#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Plain kexec round trip: kexec -s -l the same kernel with a changed command
# line and kexec -e; the second kernel must reach init and see the new line.
# KHO is off by default and must not show up at all.
. "$(dirname "$0")/../lib.sh"

marker=$(kt_token)
log=$(kt_boot kexec-roundtrip kexec-roundtrip.sh -a "kt.want_marker=$marker") ||
	fail "QEMU exited with an error (log: $log)"
assert_roundtrip "$log" "$marker" || fail "round trip incomplete (log: $log)"
# Without kho=on (the default) the series stays out of the way.
expect_count "$log" 'KHO: (scratch|ready|found)' 0 "no handover without kho=on" ||
	fail "KHO acted without kho=on (log: $log)"
