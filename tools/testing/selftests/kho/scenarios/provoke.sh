# SPDX-License-Identifier: GPL-2.0
# Guest scenario of the log check's negative control
# (tests/06-log-check-negative.sh): kt.provoke=WHAT[,WHAT...] makes LKDTM
# provoke each WHAT in turn (WARNING, PANIC, READ_AFTER_FREE, ...: the crash
# types of Documentation/fault-injection/provoke-crashes.rst), then the
# guest powers off as usual if the kernel survived.

if [ ! -w /sys/kernel/debug/provoke-crash/DIRECT ]; then
	kt_log "FAIL: no /sys/kernel/debug/provoke-crash/DIRECT (CONFIG_LKDTM)"
else
	for what in $(kt_param provoke | tr , ' '); do
		kt_log "provoke: $what"
		echo "$what" > /sys/kernel/debug/provoke-crash/DIRECT
		kt_log "provoke: $what returned"
	done
fi
