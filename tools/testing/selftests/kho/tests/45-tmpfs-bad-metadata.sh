#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, inconsistent metadata: a handed-over mount whose
# metadata was damaged through tmpfs/corrupt after finalize fails to mount
# with EINVAL and says what is inconsistent; the kernel runs on, restores
# the other mount handed over alongside, mounts a plain tmpfs and hands the
# good mount on to a third kernel.
. "$(dirname "$0")/../lib.sh"

check_tmpfs_refusal metadata 'inconsistent handover: .+' ||
	fail "a kho mount with inconsistent metadata"
