#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every prefix of the series builds, with KEXEC_HANDOVER=y (once the option
# exists) and =n, without a warning in a file of the series
# (harness/check-series.sh). The prefixes are rebuilt only when what they
# read changed since the run recorded in patches/series-checked: that
# costs most of an hour cold, so make check does it when patches/,
# harness/kho.config, or our files under include/, arch/ or mm/*.h changed,
# and otherwise says which passing run it relies on. The final state is the
# tree every other test builds.
. "$(dirname "$0")/../lib.sh"

"$KHO_ROOT/harness/check-series.sh" --if-changed > "$KHO_LOGDIR/series-prefixes.log" 2>&1
rc=$?
grep -E '^(ok|not ok|series:)' "$KHO_LOGDIR/series-prefixes.log" | sed 's/^/  /'
[ $rc = 0 ] || fail "a prefix of the series does not build (log: $KHO_LOGDIR/series-prefixes.log)"
