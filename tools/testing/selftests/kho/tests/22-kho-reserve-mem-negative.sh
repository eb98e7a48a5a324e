#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Negative control for test 21: the same two kernels with kho=off. The
# extra regions that the second kernel declares first (one of the same size
# as each region) move both regions, and the pmsg line and the trace marker
# are lost. So test 21 cannot pass by luck of layout.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot kho-reserve-mem-off reserve-mem.sh \
	-a "kho=off $KT_RESERVE_MEM_ARGS kt.shift=1 kt.token=$token") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" "^KT: pmsg written: KTPMSG $token\$" "first kernel wrote to /dev/pmsg0" || rc=1
expect "$log" "^KT: trace marker written: KTMARK $token\$" \
	"first kernel wrote a trace marker" || rc=1
expect "$log" '^KT: init reached: stage 2' "second kernel reached its init" || rc=1
expect_count "$log" "reserve_mem: '.*' taken over" 0 "nothing is taken over without KHO" || rc=1
expect "$log" '^KT: pstore pmsg: none$' "the pmsg line is lost" || rc=1
expect "$log" '^KT: trace marker: missing$' "the trace marker is lost" || rc=1
mapfile -t addrs < <(kt_region_addrs "$log")
echo "  region addresses (oops trace): kernel 1: ${addrs[0]:-?}, kernel 2: ${addrs[1]:-?}"
read -r oops1 trace1 <<< "${addrs[0]:-}"
read -r oops2 trace2 <<< "${addrs[1]:-}"
if [ -n "${oops2:-}" ] && [ "$oops1" != "$oops2" ] && [ "$trace1" != "$trace2" ]; then
	echo "  ok: without KHO both regions moved"
else
	echo "  the regions did not move, so test 21 would prove nothing"
	rc=1
fi
[ $rc = 0 ] || fail "negative control of reserve_mem handover (log: $log)"
