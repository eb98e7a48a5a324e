#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mainline's own Live Update Orchestrator kexec tests, their files
# unchanged (tools/testing/selftests/liveupdate of the peer, built static
# against its UAPI headers by harness/build-peer-selftest.sh luo), across
# a real kexec, each in a guest of its own as mainline's vmtest.sh runs
# them:
#
#   luo_kexec_simple     a session with one memfd
#   luo_multi_session    two empty sessions, one with a memfd, one with two
#   luo_stress_sessions  2000 sessions
#   luo_stress_files     500 memfds in one session
#
# Every program has two stages, driven here as mainline's init.c drives
# them (scenarios/luo-selftest.sh): the first kernel, booted with
# "kho=on liveupdate=on", loads the next one with kexec_file_load (this
# command line, kt.stage=2 in place of init.c's luo_stage=2), runs
# "PROGRAM -s 1", which preserves a state session and its test sessions
# and leaves a child holding them, and kexecs; the second runs
# "PROGRAM -s 2", which finds the state session (so knows it is in stage
# 2), retrieves every session and memfd, compares the data and finishes
# the sessions. Both stages must exit 0, stage 1 with the line its
# library prints when the sessions are pinned, stage 2 with the program's
# own "--- ... PASSED ... ---" line (the one vmtest.sh greps for, read here
# from the program's source).
#
#   peer  peer -> peer: the control, so that a failure on ours is our
#         kernel and not this set-up
#   ours  ours -> ours: our kernel (KHO_KERNEL) must do the same
#
# Negative control, on the peer: luo_kexec_simple again, its second kernel
# booted without liveupdate=on (LUO off there). Stage 1 passes as before;
# the checks of stage 2 must fail (the program cannot open /dev/liveupdate
# and skips, exit 4, without its pass line).
#
# KT_LUO_KERNELS (default "peer ours") and KT_LUO_PROGRAMS (default: all
# four) pick what runs. Only for development: the test says loudly when
# our kernel was not tested.
. "$(dirname "$0")/../lib.sh"

kernels=${KT_LUO_KERNELS:-peer ours}
programs=${KT_LUO_PROGRAMS:-luo_kexec_simple luo_multi_session luo_stress_sessions luo_stress_files}
need_peer
peer_obj=$(cd "$(dirname "$KHO_PEER_KERNEL")/../../.." && pwd)
# The peer's source tree (see test 34).
peer_src=$(readlink -f "$peer_obj/source" 2>/dev/null || true)
[ -d "$peer_src/tools/testing/selftests/liveupdate" ] ||
	peer_src=$(ls -1d "$peer_obj"/../../src/linux-7.* 2>/dev/null | sort -V | tail -n 1)
src_dir=$peer_src/tools/testing/selftests/liveupdate
[ -d "$src_dir" ] || fail "no peer source tree with $src_dir (peer build dir: $peer_obj)"

bin=$("$KHO_ROOT/harness/build-peer-selftest.sh" luo "$peer_src" "$KHO_ROOT/build/peer-selftest") ||
	fail "cannot build mainline's LUO self-test programs"
echo "  ok: built mainline's LUO self-test from $(readlink -f "$peer_src") ($bin)"

# The line lib/lu_utils.c's daemonize_and_wait() prints when stage 1 has
# left its child holding the sessions, as ksft_print_msg() prints it.
stage1_line='# [STAGE 1] You may now perform kexec reboot.'
grep -qF "${stage1_line#\# }" "$src_dir/lib/lu_utils.c" ||
	fail "lib/lu_utils.c no longer prints '${stage1_line#\# }'"

# pass_line PROGRAM: the program's stage 2 pass line, from its source: the
# "--- ... PASSED ... ---" message, with the program's NUM_* count for a %d.
pass_line() {
	local c=$src_dir/$1.c fmt num
	fmt=$(grep -oE -- '--- [^"]* PASSED[^"]*---' "$c" | head -n 1)
	[ -n "$fmt" ] || return 1
	if [[ $fmt == *%d* ]]; then
		num=$(sed -nE 's/^#define NUM_[A-Z]+[[:space:]]+([0-9]+)$/\1/p' "$c")
		[ "$(grep -c . <<< "$num")" = 1 ] || return 1
		fmt=${fmt/\%d/$num}
	fi
	echo "$fmt"
}

# run_kexec_test NAME KERNEL PROGRAM [ARGS]: boot KERNEL, which kexecs into
# itself, with PROGRAM's two stages (ARGS added to the command line); print
# the log.
run_kexec_test() {
	local log=$KHO_LOGDIR/$1.log
	echo "$log"
	"$KT_DIR/run-qemu.sh" -k "$2" -s "$KT_DIR/scenarios/luo-selftest.sh" -l "$log" \
		-t "${KHO_TIMEOUT:-240}" -m 1024 -c 2 -f "$bin/$3:/bin/$3" \
		-a "kho=on liveupdate=on kt.luo=$3 kt.luo_kexec=1${4:+ $4}" >&2
}

# check_kexec_test LOG PROGRAM VERSION PASS: both stages of PROGRAM passed in
# LOG, in two kernels of VERSION (a regex).
check_kexec_test() {
	local log=$1 p=$2 version=$3 pass=$4 out1 out2 rc=0
	out1=$(sed -n "s/^KT: luo $p stage 1: //p" "$log")
	out2=$(sed -n "s/^KT: luo $p stage 2: //p" "$log")
	expect "$log" '^KT: luo device: /dev/liveupdate' \
		"the first kernel has /dev/liveupdate" || rc=1
	expect_count "$log" "Linux version $version" 2 "two kernels booted" || rc=1
	if grep -qxF "$stage1_line" <<< "$out1"; then
		echo "  ok: stage 1: $stage1_line"
	else
		echo "  stage 1 did not print '$stage1_line'; it printed:"
		sed 's/^/    /' <<< "$out1" | tail -n 8
		rc=1
	fi
	if ! expect_count "$log" "^KT: luo $p stage 1 exit: 0\$" 1 "stage 1 exited 0"; then
		echo "  stage 1: $(sed -n "s/^KT: luo $p stage 1 exit: /exit status /p" "$log" |
			grep . || echo 'did not run'); as init.c does, no kexec"
		kt_no_warnings "$log"
		return 1
	fi
	expect "$log" '^KT: kexec -e: jumping to stage 2' "the first kernel kexec'd" || rc=1
	expect_count "$log" '^KT: init reached: stage 2' 1 "the second kernel reached init" || rc=1
	if grep -qxF -- "$pass" <<< "$out2"; then
		echo "  ok: stage 2: $pass"
	elif [ -z "$out2" ]; then
		echo "  stage 2 printed nothing (did it run?)"
		rc=1
	else
		echo "  stage 2 did not print '$pass'; it printed:"
		sed 's/^/    /' <<< "$out2" | tail -n 8
		rc=1
	fi
	expect_count "$log" "^KT: luo $p stage 2 exit: 0\$" 1 "stage 2 exited 0" || rc=1
	expect "$log" '^KT: stage 2 done' "the second kernel finished" || rc=1
	kt_no_warnings "$log" || rc=1
	return $rc
}

failed=()
if [[ " $kernels " == *" peer "* ]]; then
	p=luo_kexec_simple
	echo "  -- negative control: $p, peer -> peer, the second kernel without liveupdate=on"
	log=$(run_kexec_test "luo-kexec-peer-drop" "$KHO_PEER_KERNEL" "$p" kt.luo_drop=1)
	qemu=$?
	rc=0
	[ $qemu = 0 ] || { echo "  QEMU or a kernel failed (exit $qemu, log: $log)"; rc=1; }
	expect "$log" 'Kernel command line: .*kt\.stage=2' "the second kernel booted" || rc=1
	expect_count "$log" 'Kernel command line: .*kt\.stage=2.*liveupdate=on' 0 \
		"... without liveupdate=on" || rc=1
	expect_count "$log" "^KT: luo $p stage 1 exit: 0\$" 1 "stage 1 passed as before" || rc=1
	expect_count "$log" "^KT: luo $p stage 2 exit: 4\$" 1 \
		"stage 2 skipped (kselftest's exit 4): no /dev/liveupdate" || rc=1
	kt_no_warnings "$log" || rc=1
	echo "  the checks of stage 2, which must fail:"
	out=$(check_kexec_test "$log" "$p" '7\.[0-9]+' "$(pass_line "$p")")
	check=$?
	sed 's/^/  /' <<< "$out"
	[ $check != 0 ] ||
		{ echo "  the checks passed a run whose second kernel had no LUO"; rc=1; }
	[ $rc = 0 ] && echo "  ok: the checks failed the run whose second kernel had no LUO"
	[ $rc = 0 ] || failed+=("negative control (log: $log)")
fi

for p in $programs; do
	[ -x "$bin/$p" ] || fail "$p: no such program in $bin"
	pass=$(pass_line "$p") || fail "cannot read the pass line of $p from $src_dir/$p.c"
	for k in $kernels; do
		case $k in
		peer) image=$KHO_PEER_KERNEL version='7\.[0-9]+' ;;
		ours) need_kernel; image=$KHO_KERNEL version='6\.12\.' ;;
		*) fail "KT_LUO_KERNELS: unknown kernel '$k' (peer, ours)" ;;
		esac
		echo "  -- $p: $k -> $k ($image)"
		start=$(date +%s)
		log=$(run_kexec_test "luo-kexec-$k-$p" "$image" "$p")
		qemu=$?
		rc=0
		[ $qemu = 0 ] || { echo "  QEMU or a kernel failed (exit $qemu, log: $log)"; rc=1; }
		check_kexec_test "$log" "$p" "$version" "$pass" || rc=1
		echo "  ($(($(date +%s) - start)) s)"
		[ $rc = 0 ] || failed+=("$p, $k -> $k (log: $log)")
	done
done

if [[ " $kernels " != *" ours "* ]]; then
	echo "  !! KT_LUO_KERNELS='$kernels': our kernel was NOT tested (development only)"
fi
if [ ${#failed[@]} -gt 0 ]; then
	printf '  failed: %s\n' "${failed[@]}"
	fail "mainline's LUO kexec tests: ${failed[0]}"
fi
