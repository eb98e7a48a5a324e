#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A long chain: ten kernels, nine kexecs with kho=on, each handing on
# lib/test_kho's folios, the pstore region "oops" (reserve_mem= with
# ramoops) and the persistent tmpfs kho=chain, and each generation adding
# to them (scenarios/long-chain.sh). Nothing is lost: test_kho restores and
# checks its bytes in kernels 2 to 10; ramoops sits at the same address in
# all ten and each kernel reads the pmsg line the one before wrote (ramoops
# keeps only the previous boot's pmsg record); kho=chain comes back exactly
# as the previous kernel left it (same manifest), with every earlier
# generation's file and history line. No kernel warns, and
# memory does not leak per generation: at the start of init and again with
# kho=chain mounted, MemFree of kernels 2 to 10 stays within 1% of kernel
# 2's, free memory with the per-CPU free lists within 0.3%, and MemTotal
# with kho=chain mounted within 16 KiB.
. "$(dirname "$0")/../lib.sh"

gens=10
tool=$(kt_tree_tool) || fail "cannot build kho_tree"
token=$(kt_token)
start=$(date +%s)
log=$(kt_boot kho-long-chain long-chain.sh -m 512 -t "${KHO_TIMEOUT:-600}" \
	-f "$tool:/bin/kho_tree" \
	-a "kho=on $KT_PSTORE_ARGS test_kho.max_mem=$((16 << 20)) kt.stages=$gens\
 kt.token=$token kt.seed=27") ||
	fail "QEMU or the kernel failed (log: $log)"
echo "  $gens generations in $(($(date +%s) - start)) s"
rc=0

# gen_lines TAG: the text after "KT: TAG gen N: " for each N, one per line,
# as "N TEXT".
gen_lines() {
	sed -nE "s/^KT: $1 gen ([0-9]+): /\\1 /p" "$log"
}

echo "  -- the chain"
expect_count "$log" 'Linux version 6\.' $gens "$gens kernels booted" || rc=1
expect "$log" "^KT: stage $gens done" "the last kernel finished its scenario" || rc=1
expect_count "$log" \
	'KHO: found kexec handover data: FDT at 0x[0-9a-f]+, [0-9]+ scratch areas$' $((gens - 1)) \
	"kernels 2 to $gens accepted the handover" || rc=1
counts=$(sed -nE 's/.*KHO: exec from: 6\.12\.[0-9]+ \(count ([0-9]+)\)$/\1/p' "$log" | tr '\n' ' ')
if [ "$counts" = "$(seq -s ' ' 1 $((gens - 1))) " ]; then
	echo "  ok: kernels 2 to $gens count 1 to $((gens - 1)) live updates in a row" \
		"(kexec-metadata)"
else
	echo "  live update counts of kernels 2 to $gens: '$counts', want 1 to $((gens - 1))"
	rc=1
fi
expect_count "$log" '^KT: finalize gen [0-9]+: ok$' $(((gens - 1) / 2)) \
	"even generations finalized through debugfs" || rc=1

echo "  -- test_kho"
expect_count "$log" 'test_kho: preserved [0-9]+ folios, 16384 KiB, checksum [0-9a-f]{16}$' $gens \
	"each kernel preserved 16 MiB" || rc=1
expect_count "$log" 'test_kho: restore succeeded: [0-9]+ folios, 16384 KiB$' $((gens - 1)) \
	"kernels 2 to $gens restored and checked 16 MiB" || rc=1
expect_count "$log" 'test_kho: .*FAILED' 0 "no test_kho failure" || rc=1
sums=$(sed -n 's/.*test_kho: preserved .* checksum \([0-9a-f]*\)$/\1/p' "$log" | sort -u)
if [ "$(grep -c . <<< "$sums")" = 1 ]; then
	echo "  ok: one test_kho checksum in all kernels ($sums)"
else
	echo "  test_kho's checksum changed along the chain: ${sums//$'\n'/ }"
	rc=1
fi

echo "  -- pstore region"
expect_count "$log" \
	"reserve_mem: 'oops' taken over from the previous kernel at $KT_MEM_RE\$" \
	$((gens - 1)) "kernels 2 to $gens took 'oops' over" || rc=1
kt_same_region "$log" $gens || rc=1
expect_count "$log" '^KT: pmsg written: ' $gens "each kernel wrote its pmsg line" || rc=1
pmsg_rc=0
for ((n = 2; n <= gens; n++)); do
	want="KTPMSG $token gen $((n - 1))|"
	got=$(gen_lines pmsg | sed -n "s/^$n //p" | tr '\n' '|')
	if [ "$got" != "$want" ]; then
		echo "  kernel $n pmsg record: '$got', want '$want'"
		pmsg_rc=1
	fi
done
[ $pmsg_rc = 0 ] && echo "  ok: kernel N reads the pmsg line of generation N-1, and only that"
[ $pmsg_rc = 0 ] || rc=1

echo "  -- tmpfs kho=chain"
expect_count "$log" '^KT: mount chain gen [0-9]+: ok$' $gens \
	"kho=chain mounts in each kernel" || rc=1
expect_count "$log" \
	'tmpfs: kho=chain: handed over by the previous kernel, waiting for mount -o kho=chain$' \
	$((gens - 1)) "kernels 2 to $gens announce kho=chain" || rc=1
kt_frozen_restored "$log" chain $((gens - 1)) || rc=1
mapfile -t sum_in < <(gen_lines sum-in)
mapfile -t sum_out < <(gen_lines sum-out)
tmpfs_rc=0
if [ "${#sum_in[@]}" != $gens ] || [ "${#sum_out[@]}" != $gens ]; then
	echo "  kho=chain summed ${#sum_in[@]} times on arrival and ${#sum_out[@]} on departure," \
		"not $gens"
	tmpfs_rc=1
fi
for ((n = 2; n <= gens; n++)); do
	out=${sum_out[n - 2]#* } in=${sum_in[n - 1]#* }
	if [ -z "$in" ] || [ "$in" != "$out" ] ||
		! [[ $in =~ ^entries=[0-9]+\ manifest=[0-9a-f]{64}$ ]]; then
		echo "  kernel $n found '$in', kernel $((n - 1)) handed on '$out'"
		tmpfs_rc=1
	fi
done
[ $tmpfs_rc = 0 ] &&
	echo "  ok: each kernel finds kho=chain as the one before handed it on (manifest)"
echo "  kho=chain: ${sum_in[0]#* } in kernel 1, ${sum_out[gens - 1]#* } at the end"
# Every earlier generation's file, with the bytes it was written with.
for ((n = 2; n <= gens; n++)); do
	want="" history=""
	for ((k = 1; k < n; k++)); do
		want+="$(gen_lines 'new file' | sed -n "s/^$k //p")|"
		history+="gen $k $token|"
	done
	got=$(gen_lines file | sed -n "s/^$n //p" | tr '\n' '|')
	if [ "$got" != "$want" ] ||
		[ "$(grep -c '^gen-' <<< "${want//|/$'\n'}")" != $((n - 1)) ]; then
		echo "  kernel $n has files '$got', want '$want'"
		tmpfs_rc=1
	fi
	got=$(gen_lines history | sed -n "s/^$n //p")
	if [ "$got" != "$history" ]; then
		echo "  kernel $n history '$got', want '$history'"
		tmpfs_rc=1
	fi
done
[ $tmpfs_rc = 0 ] && echo "  ok: kernel N has the files and history lines of generations 1 to N-1"
[ $tmpfs_rc = 0 ] || rc=1

echo "  -- memory (kB) at the start of init (boot) and with kho=chain mounted (restored)"
# field WHEN N FIELD: FIELD of "KT: meminfo WHEN gen N:".
field() {
	sed -nE "s/^KT: meminfo $1 gen $2: (.* )?$3=([0-9]+)( .*)?\$/\\2/p" "$log"
}
mapfile -t reserved < <(sed -nE \
	's/.*Memory: [0-9]+K\/[0-9]+K available \(.* ([0-9]+)K reserved, .*/\1/p' "$log")
printf '  %-3s %8s %8s %7s | %8s %8s %7s | %7s %6s %6s %8s\n' gen Total Free Pcp \
	Total Free Pcp CmaFree Shmem Slab Reserved
for ((n = 1; n <= gens; n++)); do
	printf '  %-3s %8s %8s %7s | %8s %8s %7s | %7s %6s %6s %8s\n' $n \
		"$(field boot $n MemTotal)" "$(field boot $n MemFree)" "$(field boot $n PcpFree)" \
		"$(field restored $n MemTotal)" "$(field restored $n MemFree)" \
		"$(field restored $n PcpFree)" "$(field restored $n CmaFree)" \
		"$(field restored $n Shmem)" "$(field restored $n Slab)" "${reserved[n - 1]:-?}"
done

# within WHEN WHAT LIMIT VALUES...: each of the VALUES (kB, of kernels 2
# to $gens) is within LIMIT kB of the first.
within() {
	local when=$1 what=$2 limit=$3 base=$4 n=2 v spread=0
	shift 3
	for v in "$@"; do
		if ! [ "${v:-0}" -gt 0 ]; then
			echo "  $when: kernel $n did not report $what"
			return 1
		fi
		((v - base > spread)) && spread=$((v - base))
		((base - v > spread)) && spread=$((base - v))
		n=$((n + 1))
	done
	if [ $n != $((gens + 1)) ]; then
		echo "  $when: $what reported by $((n - 2)) of kernels 2 to $gens"
		return 1
	fi
	if ((spread > limit)); then
		echo "  $when: $what of kernels 2 to $gens differs by $spread kB" \
			"from kernel 2's $base kB, more than $limit kB"
		return 1
	fi
	echo "  ok: $when: $what of kernels 2 to $gens within $spread kB of kernel 2's $base kB" \
		"(limit $limit kB)"
}
mem_rc=0
for when in boot restored; do
	free=() all=() total=()
	for ((n = 2; n <= gens; n++)); do
		free+=("$(field $when $n MemFree)")
		all+=("$(($(field $when $n MemFree) + $(field $when $n PcpFree)))")
		total+=("$(field $when $n MemTotal)")
	done
	within $when MemFree $((free[0] / 100)) "${free[@]}" || mem_rc=1
	# Counting the per-CPU lists too, free memory is steady to a few
	# hundred KiB: 0.3% catches a leak of about 170 KiB a generation.
	within $when MemFree+PcpFree $((all[0] * 3 / 1000)) "${all[@]}" || mem_rc=1
done
# Once kho=chain is back, nothing handed over stays reserved: MemTotal
# differs only by the odd page of boot-time reservations that depend on
# where KASLR and the handed-over blocks fall; a page kept per generation
# would add up to more than 16 KiB.
within restored MemTotal 16 "${total[@]}" || mem_rc=1
[ $mem_rc = 0 ] || rc=1

echo "  -- kernel logs"
kt_no_warnings "$log" || rc=1
expect_count "$log" 'Kernel panic|^KT: FAIL|Tainted:' 0 \
	"no panic, taint or failed guest step" || rc=1
[ $rc = 0 ] || fail "long chain of $gens kernels (log: $log)"
