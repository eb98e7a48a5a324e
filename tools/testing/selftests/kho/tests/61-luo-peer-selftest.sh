#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mainline's own Live Update Orchestrator self-test, its files unchanged:
# "liveupdate" (tools/testing/selftests/liveupdate/liveupdate.c of the
# peer, a kselftest harness program whose TEST_F cases open
# /dev/liveupdate, create, name and preserve sessions and memfds within one
# boot, no kexec). It is built static against the peer's UAPI headers
# (harness/build-peer-selftest.sh luo) and run as kselftest runs it, no
# argument, in a guest booted with "kho=on liveupdate=on" (what the
# liveupdate/config and vmtest.sh of mainline give their kernel: KHO,
# LUO enabled, LUO's memfd handler).
#
#   peer  the mainline kernel itself: the control, so that a failure on
#         ours is our kernel and not this set-up
#   ours  our kernel (KHO_KERNEL), which must give the same result
#
# Each must print the TAP of every case mainline defines (their names read
# from liveupdate.c, in order), each "ok" and none skipped, the plan and
# the totals line for exactly that many, and exit 0. A kernel without
# /dev/liveupdate makes every case skip: that is a failure here, named as
# such, never a skip.
#
# Negative control, on the peer: booted without liveupdate=on, it has no
# /dev/liveupdate, every case skips, and kselftest still prints "PASSED:
# N / N tests passed." and exits 0. The checks must fail that run.
#
# KT_LUO_KERNELS (default "peer ours") picks the halves. Only for
# development: "peer" alone shows the control while our kernel has no LUO
# core; the test says loudly that the ours half did not run.
. "$(dirname "$0")/../lib.sh"

kernels=${KT_LUO_KERNELS:-peer ours}
need_peer
peer_obj=$(cd "$(dirname "$KHO_PEER_KERNEL")/../../.." && pwd)
# The peer's source tree (see test 34).
peer_src=$(readlink -f "$peer_obj/source" 2>/dev/null || true)
[ -f "$peer_src/tools/testing/selftests/liveupdate/liveupdate.c" ] ||
	peer_src=$(ls -1d "$peer_obj"/../../src/linux-7.* 2>/dev/null | sort -V | tail -n 1)
src_c=$peer_src/tools/testing/selftests/liveupdate/liveupdate.c
[ -f "$src_c" ] || fail "no peer source tree with $src_c (peer build dir: $peer_obj)"

bin=$("$KHO_ROOT/harness/build-peer-selftest.sh" luo "$peer_src" "$KHO_ROOT/build/peer-selftest") ||
	fail "cannot build mainline's LUO self-test programs"
echo "  ok: built mainline's LUO self-test from $(readlink -f "$peer_src") ($bin)"

# The cases, "FIXTURE.NAME" (TEST() cases are in fixture "global"), in
# the order the harness runs them: the order of the file.
mapfile -t cases < <(sed -nE \
	-e 's/^TEST_F\(([A-Za-z0-9_]+),[[:space:]]*([A-Za-z0-9_]+)\).*/\1.\2/p' \
	-e 's/^TEST\(([A-Za-z0-9_]+)\).*/global.\1/p' "$src_c")
n=${#cases[@]}
[ "$n" -gt 0 ] || fail "found no TEST_F or TEST case in $src_c"
! grep -qE '^FIXTURE_VARIANT' "$src_c" ||
	fail "$src_c has fixture variants: the expected TAP names need updating"
echo "  mainline's liveupdate.c defines $n cases"

# run_liveupdate NAME KERNEL [LUO]: boot KERNEL with liveupdate=LUO (on),
# run liveupdate, print the log.
run_liveupdate() {
	local log=$KHO_LOGDIR/$1.log
	echo "$log"
	"$KT_DIR/run-qemu.sh" -k "$2" -s "$KT_DIR/scenarios/luo-selftest.sh" -l "$log" \
		-t "${KHO_TIMEOUT:-240}" -m 1024 -c 2 -f "$bin/liveupdate:/bin/liveupdate" \
		-a "kho=on liveupdate=${3:-on} kt.luo=liveupdate" >&2
}

# check_tap LOG: what liveupdate printed in LOG is a full pass.
check_tap() {
	local log=$1 tap status skips bad i rc=0
	tap=$(sed -n 's/^KT: luo liveupdate: //p' "$log")
	status=$(sed -n 's/^KT: luo liveupdate exit: //p' "$log")
	expect "$log" '^KT: luo device: /dev/liveupdate' "the kernel has /dev/liveupdate" || rc=1
	if [ -z "$status" ]; then
		echo "  liveupdate did not run (no exit status in the log)"
		return 1
	fi
	echo "  liveupdate's TAP summary:"
	grep -E '^(TAP version|1\.\.|# (PASSED|FAILED|Totals))' <<< "$tap" | sed 's/^/    /'
	if grep -qxF "1..$n" <<< "$tap"; then
		echo "  ok: plan 1..$n"
	else
		echo "  the plan is not 1..$n: $(grep -E '^1\.\.' <<< "$tap" || echo none)"
		rc=1
	fi
	# Each case by number and name; a skip counts below, once.
	bad=0
	for ((i = 1; i <= n; i++)); do
		grep -qxF "ok $i ${cases[i - 1]}" <<< "$tap" && continue
		bad=1
		grep -qE "^ok $i ${cases[i - 1]} # SKIP" <<< "$tap" && continue
		echo "  case $i ${cases[i - 1]}: $(grep -E "^(not )?ok $i " <<< "$tap" ||
			echo 'no result')"
	done
	[ $bad = 0 ] && echo "  ok: all $n cases ok, in mainline's order, none skipped"
	skips=$(grep -cE '^(not )?ok [0-9]+ .*# SKIP' <<< "$tap" || true)
	if [ "$skips" != 0 ]; then
		echo "  $skips of $n cases skipped: $(grep -m 1 -oE '# SKIP.*' <<< "$tap")"
		grep -q '^KT: luo device: absent' "$log" &&
			echo "  the kernel has no /dev/liveupdate" \
				"(no LUO, or liveupdate=on not taken)"
	fi
	[ $bad = 0 ] && [ "$skips" = 0 ] || rc=1
	if [ "$(grep -cE '^(not )?ok [0-9]+ ' <<< "$tap")" = "$n" ]; then
		echo "  ok: $n results in all"
	else
		echo "  $(grep -cE '^(not )?ok [0-9]+ ' <<< "$tap") results, not $n"
		rc=1
	fi
	if grep -qxF "# Totals: pass:$n fail:0 xfail:0 xpass:0 skip:0 error:0" <<< "$tap"; then
		echo "  ok: # Totals: pass:$n fail:0 xfail:0 xpass:0 skip:0 error:0"
	else
		echo "  totals: $(grep -E '^# Totals' <<< "$tap" || echo none)"
		rc=1
	fi
	if [ "$status" = 0 ]; then
		echo "  ok: liveupdate exited 0"
	else
		echo "  liveupdate exited $status (kselftest: 1 fail, 4 skip)"
		rc=1
	fi
	kt_no_warnings "$log" || rc=1
	return $rc
}

failed=()
if [[ " $kernels " == *" peer "* ]]; then
	echo "  -- negative control: the peer with liveupdate=off"
	log=$(run_liveupdate luo-peer-selftest-off "$KHO_PEER_KERNEL" off)
	qemu=$?
	rc=0
	[ $qemu = 0 ] || { echo "  QEMU or the kernel failed (exit $qemu, log: $log)"; rc=1; }
	expect "$log" '^KT: luo device: absent$' "no /dev/liveupdate" || rc=1
	expect "$log" "^KT: luo liveupdate: # PASSED: $n / $n tests passed\.\$" \
		"kselftest still says PASSED" || rc=1
	expect "$log" '^KT: luo liveupdate exit: 0$' "... and exits 0" || rc=1
	echo "  the checks, which must fail:"
	out=$(check_tap "$log")
	check=$?
	sed 's/^/  /' <<< "$out"
	[ $check != 0 ] || { echo "  the checks passed a kernel without LUO"; rc=1; }
	[ $rc = 0 ] && echo "  ok: the checks failed the kernel without LUO"
	[ $rc = 0 ] || failed+=("negative control (log: $log)")
fi

for k in $kernels; do
	case $k in
	peer) image=$KHO_PEER_KERNEL ;;
	ours) need_kernel; image=$KHO_KERNEL ;;
	*) fail "KT_LUO_KERNELS: unknown kernel '$k' (peer, ours)" ;;
	esac
	echo "  -- $k: liveupdate on $image"
	log=$(run_liveupdate "luo-peer-selftest-$k" "$image")
	qemu=$?
	rc=0
	[ $qemu = 0 ] || { echo "  QEMU or the kernel failed (exit $qemu, log: $log)"; rc=1; }
	check_tap "$log" || rc=1
	[ $rc = 0 ] || failed+=("$k: mainline's liveupdate self-test failed (log: $log)")
done

if [[ " $kernels " != *" ours "* ]]; then
	echo "  !! KT_LUO_KERNELS='$kernels': our kernel was NOT tested (development only)"
fi
if [ ${#failed[@]} -gt 0 ]; then
	printf '  failed: %s\n' "${failed[@]}"
	fail "mainline's LUO self-test (liveupdate): ${failed[0]}"
fi
