#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad handover data: a root FDT with a foreign compatible. The next kernel
# names it, boots without the handover, and hands over normally after.
. "$(dirname "$0")/../lib.sh"

check_refusal compatible "handover FDT is 'kho-v0-corrupted', not 'kho-v4'\$" ||
	fail "a foreign compatible was not refused cleanly"
