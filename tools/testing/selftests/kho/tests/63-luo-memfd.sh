#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Live Update Orchestrator, our kernel to our kernel: an agent creates four
# sessions on /dev/liveupdate, each with a memfd preserved in it (1 GiB
# sealed against growing and shrinking; 64 MiB with every other MiB a hole;
# 16 MiB whose first page is written again after it was preserved, and
# which cannot grow once preserved; 8 MiB whose memfd nobody retrieves),
# and stays alive through kexec -e. In the next kernel the agent retrieves
# three sessions by name and each memfd by token: size, seals, file
# position and every byte must be as the first kernel left them (the late
# write included); a name that was never used gives ENOENT, and so does a
# token never preserved in the fourth session, which the agent then closes
# without retrieving its memfd (the kernel releases it).
. "$(dirname "$0")/../lib.sh"

agent=$(kt_luo_agent) || fail "cannot build luo_agent"
specs="vm-ram:1:1024:seal/sparse:2:64:sparse/late:3:16:late"
args="kho=on liveupdate=on kt.luo=$specs/orphan:4:8 kt.luo_get=$specs"
log=$(kt_boot luo-memfd luo.sh -m 2048 -t 600 -f "$agent:/bin/luo_agent" \
	-a "$args kt.luo_missing=never-made/orphan:99") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect_count "$log" '^KT: luo preserved [a-z-]+ token [0-9]+ [0-9]+ MiB$' 4 \
	"the first kernel's agent preserved four memfds" || rc=1
expect_count "$log" '^KT: luo preserve: 0 failures$' 1 "nothing failed before kexec" || rc=1
expect "$log" 'LUO: live update 1: 4 sessions handed over$' \
	"the second kernel took four sessions over" || rc=1
expect "$log" 'LUO: live update 2 is prepared: /dev/liveupdate is ready$' \
	"the second kernel counts the live update and is ready for the next" || rc=1
for s in vm-ram:1:1024 sparse:2:64 late:3:16; do
	IFS=: read -r name token mib <<< "$s"
	expect_count "$log" "^KT: luo retrieved $name token $token $mib MiB: same bytes\$" 1 \
		"$name: $mib MiB retrieved with the same bytes, size, seals and position" || rc=1
done
expect_count "$log" '^KT: luo retrieve: 0 failures$' 1 "no retrieval failed" || rc=1
expect_count "$log" '^KT: luo never-made: ENOENT$' 1 \
	"a session that was never created is not found" || rc=1
expect_count "$log" '^KT: luo orphan token 99: ENOENT$' 1 \
	"a token never preserved is not found in a session that exists" || rc=1
expect_count "$log" '^KT: luo FAIL' 0 "no agent failure" || rc=1
[ $rc = 0 ] || fail "memfd sessions did not survive the live update (log: $log)"
