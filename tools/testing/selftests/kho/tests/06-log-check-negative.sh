#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Negative control for the kernel log check that every QEMU run gets
# (log-check.sh, run by run-qemu.sh; run-tests.sh fails a test with a run
# whose log was not clean). If the check did not fire, "no warnings" in
# every other test would mean nothing.
#
# 1. Unit: synthetic logs, one per kind of report (WARN, BUG, oops, panic,
#    lone call trace, taint, lockdep, KASAN, KFENCE, UBSAN, the guest's
#    "KT: FAIL", a kernel that never shut down), each fail the check with
#    that kind; pr_warn text and a clean log pass; a report a test declares
#    (-x N:REGEX) passes only with its exact count and pattern.
# 2. Real: run-tests.sh runs two tests that boot a guest and then exit 0
#    whatever QEMU said: one whose kernel WARNs (LKDTM), one whose kernel
#    panics. Both must be reported "not ok", run-qemu.sh must have exited 3,
#    and each log names its report. On a kernel built with KASAN (the debug
#    kernel), a third guest reads freed slab memory and freed KFENCE memory:
#    the KASAN and KFENCE reports must fail it too.
. "$(dirname "$0")/../lib.sh"

check=$KT_DIR/log-check.sh
dir=$KHO_LOGDIR/log-check-negative
rm -rf "$dir"
mkdir -p "$dir"
rc=0

# synth NAME [SNIPPET] [END]: a log of one kernel that boots, runs
# SNIPPET (lines) and, unless END is "noend", reboots.
synth() {
	local f=$dir/$1.log
	cat > "$f" <<-'EOF'
	# qemu: accel=tcg mem=512M cpus=2 nodes=1 timeout=240s
	# cmdline: console=ttyS0 panic=-1 oops=panic kt.stage=1
	[    0.000000] Linux version 6.12.117 (kho@kho) (gcc (Debian 12.2.0-14) 12.2.0) #1 SMP
	[    0.000000] Command line: console=ttyS0 panic=-1 oops=panic kt.stage=1
	[    0.500000] ramoops: using 0x100000@0x3f46c000, ecc: 0
	EOF
	echo '[    0.600000] PCI: Using host bridge windows from ACPI;' \
		'if necessary, use "pci=nocrs" and report a bug' >> "$f"
	cat >> "$f" <<-'EOF'
	[    0.700000] kho_test: warning: pr_warn text is not a kernel WARN
	KT: init reached: stage 1, kernel 6.12.117
	EOF
	[ -n "${2:-}" ] && printf '%s\n' "$2" >> "$f"
	if [ "${3:-}" != noend ]; then
		printf '%s\n' 'KT: kernel taint: 262144' 'KT: stage 1 done, powering off' \
			'[    2.000000] reboot: Restarting system' >> "$f"
	fi
	echo "$f"
}

# must_fail KIND LOG [-x N:RE]...: the check fails LOG naming KIND.
must_fail() {
	local kind=$1 log=$2 out first
	shift 2
	if out=$("$check" "$@" "$log"); then
		echo "  NOT caught: $kind in $(basename "$log")"
		rc=1
	elif grep -q "^log-check: $kind: " <<< "$out"; then
		first=$(grep -m1 "^log-check: $kind: " <<< "$out" | cut -c1-110)
		echo "  ok: caught $kind: $first"
	else
		echo "  caught $(basename "$log"), but not as $kind:"
		sed 's/^/    /' <<< "$out"
		rc=1
	fi
}

# must_pass WHAT LOG [-x N:RE]...: the check passes LOG.
must_pass() {
	local what=$1 log=$2 out
	shift 2
	if out=$("$check" "$@" "$log"); then
		echo "  ok: clean: $what"
	else
		echo "  wrongly failed: $what"
		sed 's/^/    /' <<< "$out"
		rc=1
	fi
}

warn='[    1.000000] ------------[ cut here ]------------
[    1.000000] WARNING: CPU: 0 PID: 1 at mm/kho_test.c:12 0xffffffff81234567
[    1.000000] Modules linked in:
[    1.000000] CPU: 0 UID: 0 PID: 1 Comm: sh Tainted: G        W        N 6.12.117 #1
[    1.000000] Tainted: [W]=WARN, [N]=TEST
[    1.000000] Call Trace:
[    1.000000]  <TASK>
[    1.000000]  </TASK>
[    1.000000] ---[ end trace 0000000000000000 ]---'
panic='[    1.500000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009
[    1.500000] CPU: 0 UID: 0 PID: 1 Comm: sh Tainted: G                 N 6.12.117 #1
[    1.500000] Call Trace:
[    1.500000]  <TASK>
[    1.500000]  </TASK>
[    1.500000] Kernel Offset: 0x3ae00000 from 0xffffffff81000000'
lockdep() {
	printf '[    1.000000] ======================================================\n'
	printf '[    1.000000] WARNING: %s\n' "$1"
	printf '[    1.000000] 6.12.117 #1 Not tainted\n'
	printf '[    1.000000] ------------------------------------------------------\n'
}

echo "  -- unit: synthetic logs"
t1='[    1.000000]'
gpf='general protection fault, probably for non-canonical address'
must_pass "a kernel that boots and reboots, with pr_warn text, ramoops and oops=panic" \
	"$(synth clean)"
must_fail warning "$(synth warn "$warn")"
must_fail bug \
	"$(synth null "$t1 BUG: kernel NULL pointer dereference, address: 0000000000000000")"
must_fail bug "$(synth bug-at '[    1.000000] kernel BUG at mm/kho_test.c:12!')"
must_fail bug "$(synth atomic \
	"$t1 BUG: sleeping function called from invalid context at mm/kho_test.c:12")"
must_fail bug \
	"$(synth lockup '[   30.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]')"
must_fail bug "$(synth hung '[  150.000000] INFO: task sh:1 blocked for more than 120 seconds.')"
must_fail bug "$(synth slub '[    1.000000] BUG kmalloc-64 (Not tainted): Poison overwritten')"
must_fail bug "$(synth poison '[    1.000000] pagealloc: memory corruption')"
must_fail oops "$(synth oops '[    1.000000] Oops: 0002 [#1] PREEMPT SMP NOPTI')"
must_fail oops "$(synth gpf "$t1 Oops: $gpf 0xdead000000000100: 0000 [#1] SMP")"
must_fail oops "$(synth gpf2 "$t1 $gpf 0xdead000000000100: 0000 [#1] SMP")"
# arm64's forms of an oops and of a lone backtrace
must_fail oops "$(synth arm64-oops "$t1 Internal error: Oops: 0000000096000004 [#1] SMP")"
must_fail trace "$(synth arm64-trace "$t1 CPU: 0 UID: 0 PID: 1 Comm: sh Not tainted 6.12.117 #1
$t1 Call trace:")"
must_fail panic "$(synth panic "$panic" noend)"
must_fail trace "$(synth trace '[    1.000000] CPU: 0 UID: 0 PID: 1 Comm: sh Not tainted 6.12.117 #1
[    1.000000] Call Trace:')"
must_fail taint "$(synth taint-guest 'KT: kernel taint: 512')"
must_fail taint "$(synth taint-dump '[    1.000000] Tainted: [B]=BAD_PAGE, [N]=TEST')"
must_fail lockdep "$(synth circular "$(lockdep 'possible circular locking dependency detected')")"
must_fail lockdep "$(synth inconsistent "$(lockdep 'inconsistent lock state')")"
must_fail lockdep "$(synth rcu "$(lockdep 'suspicious RCU usage')")"
must_fail kasan-kfence \
	"$(synth kasan "$t1 ==================================================================
$t1 BUG: KASAN: slab-use-after-free in kho_test+0x12/0x34")"
must_fail kasan-kfence \
	"$(synth kfence '[    1.000000] BUG: KFENCE: use-after-free read in kho_test+0x12/0x34')"
must_fail ubsan \
	"$(synth ubsan '[    1.000000] UBSAN: array-index-out-of-bounds in mm/kho_test.c:12:3')"
oom="$t1 kexec invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP),"
oom+=' order=0, oom_score_adj=0
[    1.000000] CPU: 1 UID: 0 PID: 80 Comm: kexec Not tainted 6.12.117 #1
[    1.000000] Call Trace:
[    1.000000] Out of memory: Killed process 80 (kexec) total-vm:10000kB, anon-rss:9000kB
[    1.100000] CPU: 0 UID: 0 PID: 1 Comm: sh Not tainted 6.12.117 #1
[    1.100000] Call Trace:'
must_fail oom "$(synth oom "$oom")"
# The OOM report is declared; the call trace after its end is not.
must_fail trace "$(synth oom-declared "$oom")" -x '1: invoked oom-killer: '
must_fail guest "$(synth kt-fail 'KT: FAIL: kexec load failed with exit code 1')"
must_fail end "$(synth no-end '' noend)"
must_fail warning \
	"$(synth interleaved "KT: sum good: $t1 WARNING: CPU: 0 PID: 1 at mm/kho_test.c:1 0x0")"

echo "  -- unit: reports a test declares"
log=$(synth warn-declared "$warn
KT: kernel taint: 262656")
must_pass "a declared WARN, and the W taint it leaves" \
	"$log" -x '1:^WARNING: .* at mm/kho_test\.c:12 '
must_fail warning "$log" -x '1:^WARNING: .* at mm/other\.c:12 '
must_fail expected "$log" -x '1:^WARNING: .* at mm/other\.c:12 '
must_fail expected "$log" -x '2:^WARNING: .* at mm/kho_test\.c:12 '
must_fail expected "$(synth clean-declared)" -x '1:^WARNING: '
must_fail expected "$(synth warn-twice "$warn
$warn")" -x '1:^WARNING: .* at mm/kho_test\.c:12 '
must_fail bug "$(synth warn-and-bug "$warn
[    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000")" \
	-x '1:^WARNING: .* at mm/kho_test\.c:12 '
must_pass "a declared panic ends the kernel" "$(synth panic-declared "$panic" noend)" \
	-x '1:^Kernel panic - not syncing: Attempted to kill init!'
must_fail panic "$(synth panic-other "$panic" noend)" -x '1:^Kernel panic - not syncing: dumptest'
# A W taint in a later kernel is not excused by a WARN declared in an
# earlier one.
must_fail taint "$(synth warn-then-kexec "$warn
[    3.000000] Linux version 6.12.117 (kho@kho) #1 SMP
KT: kernel taint: 262656")" -x '1:^WARNING: .* at mm/kho_test\.c:12 '

# nested NAME PROVOKE: a test for the nested run-tests.sh that boots the
# provoke.sh guest and exits 0, whatever QEMU's exit status was.
nested() {
	cat > "$dir/$1.sh" <<-EOF
	. "$KT_DIR/lib.sh"
	log=\$(kt_boot $1 provoke.sh -a "kt.provoke=$2")
	echo "run-qemu.sh exit status: \$?"
	exit 0
	EOF
	echo "$dir/$1.sh"
}

need_kernel
echo "  -- real: a test that WARNs and one that panics, both exiting 0"
nested_tests=("$(nested negative-warn WARNING)" "$(nested negative-panic PANIC)")
kasan=0
if grep -qx 'CONFIG_KASAN=y' "$(dirname "$KHO_KERNEL")/../../../.config" 2>/dev/null; then
	kasan=1
	echo "  (this kernel has KASAN: a third test reads freed slab and KFENCE memory)"
	# KFENCE samples one allocation per interval, and now and then that is
	# READ_AFTER_FREE's, which KFENCE then reports instead of KASAN. Right
	# after a sampled allocation the next one is not sampled, so of two
	# reads in a row at least one is KASAN's.
	crashes=READ_AFTER_FREE,READ_AFTER_FREE,KFENCE_READ_AFTER_FREE
	nested_tests+=("$(nested negative-kasan "$crashes")")
fi
KHO_LOGDIR=$dir "$KT_DIR/run-tests.sh" "${nested_tests[@]}" > "$dir/run-tests.out" 2>&1
nested_rc=$?
sed 's/^/    | /' "$dir/run-tests.out"
[ $nested_rc != 0 ] && echo "  ok: run-tests.sh exit status $nested_rc" ||
	{ echo "  run-tests.sh exited 0"; rc=1; }
expect "$dir/run-tests.out" '^not ok 1 - negative-warn ' \
	"the test whose kernel WARNed is not ok" || rc=1
expect "$dir/run-tests.out" '^not ok 2 - negative-panic ' \
	"the test whose kernel panicked is not ok" || rc=1
expect "$dir/run-tests.out" "^0 passed, $((2 + kasan)) failed\$" "no nested test passed" || rc=1

for name in negative-warn negative-panic; do
	expect "$dir/$name.out" '^run-qemu.sh exit status: 3$' \
		"$name: run-qemu.sh exited 3 (log check failed)" || rc=1
	expect "$dir/$name.runs" "^FAILED $dir/$name.log: " \
		"$name: its run is recorded as failed" || rc=1
done
log=$dir/negative-warn.log
expect "$log" '^KT: provoke: WARNING returned$' \
	"the WARN kernel went on and powered off normally" || rc=1
expect "$log" '\] WARNING: .* at (.*/)?drivers/misc/lkdtm/bugs\.c:[0-9]+ ' \
	"LKDTM's WARN is in the log" || rc=1
expect "$log" '^# log-check: warning: line [0-9]+: WARNING: ' "the check names the WARN" || rc=1
expect "$log" '^# log-check: taint: line [0-9]+: KT: kernel taint: ' \
	"the check names the W taint the guest saw" || rc=1
must_pass "the same real WARN, declared by the boot" \
	"$log" -x '1:^WARNING: .* at (.*/)?drivers/misc/lkdtm/bugs\.c:'
log=$dir/negative-panic.log
expect "$log" '\] Kernel panic - not syncing: dumptest$' "LKDTM's panic is in the log" || rc=1
expect_count "$log" '^KT: provoke: PANIC returned$' 0 "the panicking kernel did not go on" || rc=1
expect "$log" '^# log-check: panic: line [0-9]+: Kernel panic - not syncing: dumptest' \
	"the check names the panic" || rc=1
if [ $kasan = 1 ]; then
	log=$dir/negative-kasan.log
	expect "$dir/run-tests.out" '^not ok 3 - negative-kasan ' \
		"the test with KASAN and KFENCE reports is not ok" || rc=1
	expect "$log" '^# log-check: kasan-kfence: line [0-9]+: BUG: KASAN: slab-use-after-free' \
		"the check names the KASAN report" || rc=1
	expect "$log" '^# log-check: kasan-kfence: line [0-9]+: BUG: KFENCE: use-after-free read' \
		"the check names the KFENCE report" || rc=1
fi
[ $rc = 0 ] || fail "the log check missed a report, or flagged a clean log"
