# SPDX-License-Identifier: GPL-2.0
#
# A program of mainline's Live Update Orchestrator self-test
# (tools/testing/selftests/liveupdate of the peer, built unchanged by
# harness/build-peer-selftest.sh luo), packed by the test as /bin/NAME.
#
#   kt.luo=NAME        the program
#   kt.luo_kexec=1     NAME is one of the kexec tests: it runs in two
#                      stages, as mainline's init.c drives it. Stage 1
#                      loads the next kernel (kexec_file_load, this
#                      initramfs, this command line with kt.stage=2), runs
#                      "NAME -s 1", which preserves its sessions and leaves
#                      a child holding them, and kexecs when it exited 0;
#                      stage 2 runs "NAME -s 2", which retrieves and checks
#                      them. Without it, NAME runs once, with no argument,
#                      as kselftest's runner runs a TEST_GEN_PROGS program.
#   kt.luo_drop=1      negative control of a kexec test: the second kernel
#                      is booted without liveupdate=on, so LUO is off there
#                      and stage 2 must fail.
#
# Each line the program prints (stdout and stderr) is logged as
# "KT: luo NAME[ stage N]: LINE", then its exit status as
# "KT: luo NAME[ stage N] exit: STATUS"; the host checks them. Whether
# /dev/liveupdate exists is logged first, so that a kernel without it is
# named as the reason rather than left to the program's skips.

luo_name=$(kt_param luo) || { kt_log "FAIL: no kt.luo= on the command line"; kt_finish; }

# luo_run WHAT ARGS...: run /bin/$luo_name ARGS, log its output and status
# under "luo WHAT", and return the status.
luo_run() {
	local what=$1 rc line
	shift
	/bin/"$luo_name" "$@" > /tmp/luo.out 2>&1
	rc=$?
	while IFS= read -r line; do
		kt_log "luo $what: $line"
	done < /tmp/luo.out
	kt_log "luo $what exit: $rc"
	return $rc
}

# Stage 1 of a kexec test, between the load of the next kernel and the
# jump (init.c's order): a failed stage 1 ends here, as init.c reboots.
luo_stage1() {
	luo_run "$luo_name stage 1" -s 1 && return 0
	kt_log "luo $luo_name: stage 1 failed, no kexec"
	kt_finish
}

if [ -c /dev/liveupdate ]; then
	kt_log "luo device: /dev/liveupdate $(cat /sys/class/misc/liveupdate/dev 2>/dev/null)"
else
	kt_log "luo device: absent"
fi

if [ "$(kt_param luo_kexec)" != 1 ]; then
	luo_run "$luo_name"
elif [ "$(kt_stage)" = 1 ]; then
	# shellcheck disable=SC2034 # read by kt_kexec (guest-lib.sh)
	KT_AFTER_LOAD=luo_stage1
	if [ "$(kt_param luo_drop)" = 1 ]; then
		kt_kexec "" "liveupdate= kt.luo_drop="
	else
		kt_kexec "" ""
	fi
else
	luo_run "$luo_name stage $(kt_stage)" -s "$(kt_stage)"
fi
