#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# lib/test_kho.c across two kexecs (three kernels): 64 MiB of folios of
# random orders, full of random bytes, a vmalloc'ed list of them and a 3 MiB
# vmalloc'ed pattern (two chunks of the vmalloc format) are preserved by the
# first kernel, and restored and checked byte for byte (one checksum) by the
# second and the third, each of which also checks that restoring twice and
# restoring what was never preserved fail. Each kernel also checks that
# preserving twice gives -EEXIST, that preserving memory the next kernel
# boots from gives -EINVAL (with a message), and that unpreserving what was
# never preserved only warns.
. "$(dirname "$0")/../lib.sh"

mem=$((64 << 20))
log=$(kt_boot kho-test-module kho-chain.sh -m 1024 \
	-a "kho=on kt.stages=3 test_kho.max_mem=$mem") ||
	fail "QEMU or the kernel failed (log: $log)"
rc=0
expect_count "$log" 'Linux version 6\.' 3 "three kernels booted" || rc=1
expect_count "$log" \
	"test_kho: preserved [0-9]+ folios, $((mem >> 10)) KiB, checksum [0-9a-f]{16}\$" 3 \
	"each kernel preserved 64 MiB" || rc=1
expect_count "$log" "test_kho: restore succeeded: [0-9]+ folios, $((mem >> 10)) KiB\$" 2 \
	"kernels 2 and 3 restored and verified 64 MiB" || rc=1
expect_count "$log" 'test_kho: .*FAILED' 0 "no test_kho failure" || rc=1
low='\[mem 0x0000000000001000-0x0000000000001fff\]'
expect_count "$log" "KHO: cannot preserve $low: next kernel.s scratch memory\$" 3 \
	"preserving memory below 1 MiB is refused, with a message" || rc=1
expect_count "$log" 'KHO: unpreserving \[mem 0x[0-9a-f]+\] order 0, which is not preserved$' 3 \
	"unpreserving what was never preserved warns" || rc=1
sums=$(sed -n 's/.*test_kho: preserved .* checksum \([0-9a-f]*\)$/\1/p' "$log" | sort -u | wc -l)
[ "$sums" = 1 ] || { echo "  the checksum changed between kernels"; rc=1; }
echo "  $(grep -m1 'test_kho: preserved' "$log" | sed 's/.*test_kho: //')"
[ $rc = 0 ] || fail "test_kho round trip (log: $log)"
