#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, a folio no file lists: after finalize, tmpfs/corrupt
# takes the last folio of one file of kho=bad out of the file's range.
# The next kernel checks the whole image before it builds anything: it
# refuses to mount bad (EINVAL) with one line naming the reason, frees
# none of bad's memory (bad stays pending, so its folios are neither put
# into a file nor freed as a left-over), restores kho=good handed over
# alongside, and hands good on to a third kernel, which boots normally.
# Before the check, bad mounted with a hole in that file, and the folio
# was freed as part of what was left of the handover.
. "$(dirname "$0")/../lib.sh"

rc=0
check_tmpfs_refusal orphan 'inconsistent handover: folio entry listed by no file$' || rc=1
log=$KHO_LOGDIR/tmpfs-bad-orphan.log
expect_count "$log" 'tmpfs: kho=[^:]*: (inconsistent|unsupported|restoring failed)' 1 \
	"one tmpfs error line in all three kernels" || rc=1
expect_count "$log" '^KT: pending: bad *$' 1 "kho=bad stays pending after the refused mount" || rc=1
expect_count "$log" 'tmpfs: kho=bad: released' 0 "nothing of kho=bad is freed" || rc=1
[ $rc = 0 ] || fail "a kho mount with a folio that no file lists"
