#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Persistent tmpfs, unknown format: a handed-over mount whose format
# version the next kernel does not know ('kho-tmpfs-v9', set through
# tmpfs/corrupt after finalize) fails to mount with EINVAL and a message;
# the kernel runs on, restores the other mount handed over alongside,
# mounts a plain tmpfs and hands the good mount on to a third kernel.
. "$(dirname "$0")/../lib.sh"

check_tmpfs_refusal version "unsupported handover format 'kho-tmpfs-v9'\$" ||
	fail "a kho mount in an unknown format"
