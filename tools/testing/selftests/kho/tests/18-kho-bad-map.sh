#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad handover data: a preserved-memory map that points outside RAM. The
# next kernel names it, boots without the handover, and hands over
# normally after.
. "$(dirname "$0")/../lib.sh"

range='\[mem 0x0004000000000000-0x0004000000000fff\]'
check_refusal map "preserved-memory map $range is not in system RAM\$" ||
	fail "a memory map outside RAM was not refused cleanly"
