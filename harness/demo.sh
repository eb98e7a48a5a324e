#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the test kernel in QEMU and live-update it with kexec,
# printing a readable transcript. The full serial log is kept in
# build/test-logs/demo.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${KHO_KERNEL:?set KHO_KERNEL to the bzImage}
kt=$KHO_ROOT/tools/testing/selftests/kho
log=$KHO_BUILD/test-logs/demo.log

say() {
	printf '\n== %s\n' "$*"
}

# Keep the lines a person wants to read: our guest's narration and the
# kernel's own milestones; drop the rest of the boot chatter.
transcript() {
	awk '
		/^KT: / { sub(/^KT: /, ""); print "   guest | " $0; fflush(); next }
		/Linux version|Command line:|Run \/init|kexec_core: Starting new kernel|reboot: / {
			print "  kernel | " $0; fflush()
		}'
}

say "Kexec HandOver demo: live update of Linux $(make -s -C "$KHO_BUILD/linux" kernelversion 2>/dev/null)"
echo "   The host kernel boots in QEMU, then replaces itself with a new kernel"
echo "   through kexec, without going through firmware. (Full log: $log)"
KHO_ACCEL=${KHO_ACCEL:-$("$kt/run-qemu.sh" -P -k "$kernel")}
export KHO_ACCEL
echo "   QEMU accelerator: $KHO_ACCEL"

say "Booting the old kernel and updating it"
start=$(date +%s.%N)
"$kt/run-qemu.sh" -k "$kernel" -s "$kt/scenarios/demo.sh" -l "$log" -t 300 -e \
	-a "kt.generation=1" 2>&1 | transcript || true
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

say "Verdict"
if grep -q '^KT: \[new kernel\].*generation 2' "$log" &&
	[ "$(grep -c 'Linux version' "$log")" = 2 ]; then
	printf '   PASS: the new kernel took over in one QEMU session (%.1f s wall clock).\n' "$elapsed"
	echo "   Plain kexec keeps no memory; the KHO series makes state survive this jump."
else
	echo "   FAIL: the new kernel did not come up; see $log"
	exit 1
fi
