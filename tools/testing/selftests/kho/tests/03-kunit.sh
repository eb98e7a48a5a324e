#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# KUnit suites of the series run at boot of the test kernel: each must be
# present in the KTAP output and report ok, with no failing case.
. "$(dirname "$0")/../lib.sh"

suites="kho_folio kho_radix kho_scratch kho_subtree"
log=$(kt_boot kunit idle.sh) || fail "QEMU exited with an error (log: $log)"
rc=0
for suite in $suites; do
	expect "$log" "^\[ *[0-9.]+\] ok [0-9]+ $suite\$" "KUnit suite $suite passed" || rc=1
done
if grep -E '\] +not ok [0-9]+ |\] +ok [0-9]+ .*# SKIP' "$log"; then
	echo "  failing or skipped KUnit cases above"
	rc=1
fi
expect "$log" '^KT: init reached' "the kernel went on to boot after KUnit" || rc=1
[ $rc = 0 ] || fail "KUnit (log: $log)"
