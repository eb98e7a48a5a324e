#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A second kernel that asks for "oops" with another size and no longer
# declares "trace": it says why it does not take "oops" over, allocates a
# new region elsewhere (the old contents are not used), frees both old
# regions instead of leaking them, and runs on.
. "$(dirname "$0")/../lib.sh"

token=$(kt_token)
rc=0
log=$(kt_boot kho-reserve-mem-mismatch reserve-mem.sh \
	-a "kho=on $KT_RESERVE_MEM_ARGS kt.oops-size=2M kt.drop-trace=1 kt.token=$token") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" 'Kernel command line: .*kt\.stage=2 .*reserve_mem=2M:4096:oops' \
	"second kernel asks for a 2 MiB oops region" || rc=1
expect_count "$log" "reserve_mem: 'oops' was handed over with 1048576 bytes,\
 2097152 asked for now; allocating it anew\$" 1 \
	"the size mismatch is named once" || rc=1
expect_count "$log" "reserve_mem: '.*' taken over" 0 "nothing is taken over" || rc=1
expect_count "$log" \
	"reserve_mem: 'oops' $KT_MEM_RE is not used by this kernel; freed 1024 KiB\$" 1 \
	"the old oops region is freed" || rc=1
expect_count "$log" \
	"reserve_mem: 'trace' $KT_MEM_RE is not used by this kernel; freed 2048 KiB\$" 1 \
	"the trace region no longer declared is freed" || rc=1
expect_count "$log" 'KHO: all preserved memory was restored$' 1 \
	"no handed-over memory is leaked" || rc=1
expect "$log" '^KT: init reached: stage 2' "second kernel runs on" || rc=1
expect "$log" '^KT: pstore pmsg: none$' "the old pmsg contents are not used" || rc=1
mapfile -t addrs < <(kt_region_addrs "$log")
read -r oops1 _ <<< "${addrs[0]:-}"
read -r oops2 _ <<< "${addrs[1]:-}"
echo "  oops region: kernel 1 at ${oops1:-?}, kernel 2 at ${oops2:-?}"
if [ -n "${oops2:-}" ] && [ "$oops2" != - ] && [ "$oops1" != "$oops2" ]; then
	echo "  ok: the new oops region is not the stale one"
else
	echo "  the second kernel's oops region is missing or the stale one"
	rc=1
fi
[ $rc = 0 ] || fail "reserve_mem mismatch (log: $log)"
