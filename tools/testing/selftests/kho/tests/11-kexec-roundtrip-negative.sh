#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Negative control for the round-trip test: the second kernel is given an
# init that does not exist, so it never comes up. The round-trip assertions
# must then fail, or the round-trip test proves nothing.
. "$(dirname "$0")/../lib.sh"

marker=$(kt_token)
# The second kernel's panic is the point of this test: it is declared to
# the log check (-x), which still fails any other report. Without its
# rdinit the kernel looks for a root file system (the block layer is on,
# as in distribution kernels) and, given none, panics there.
panic='1:^Kernel panic - not syncing: VFS: Unable to mount root fs on "" or unknown-block\(0,0\)$'
log=$(kt_boot kexec-roundtrip-negative kexec-roundtrip.sh \
	-a "kt.want_marker=$marker kt.sabotage=1" -x "$panic") ||
	fail "QEMU failed or the log check found more than the intended panic (log: $log)"
expect "$log" '^KT: kexec -e: jumping to stage 2' "first kernel executed kexec -e" ||
	fail "the first kernel did not get to kexec (log: $log)"
expect "$log" 'Kernel panic' "second kernel failed to find its init" ||
	fail "the sabotaged second kernel did not fail as planned (log: $log)"
if assert_roundtrip "$log" "$marker"; then
	fail "round-trip assertions passed although the second kernel never reached init"
fi
echo "  ok: round-trip assertions rejected a second kernel that did not come up"
