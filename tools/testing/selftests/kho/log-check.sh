#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# log-check.sh [-x N:REGEX]... LOG
#
# Check the serial console log of one QEMU run (run-qemu.sh calls this after
# every run) for signs that a kernel or the guest went wrong, whatever the
# test itself asserts:
#
#   warning   a WARN (the kernel's "WARNING:" form, not pr_warn text)
#   lockdep   lockdep's reports, which print "WARNING:" too ("possible
#             circular locking", "inconsistent lock state", "suspicious
#             RCU usage", ...)
#   bug       "BUG:" (sleeping function called from invalid context, soft
#             lockup, bad page state, ...), "kernel BUG at", SLUB's "BUG
#             cache (Tainted)", hung tasks, RCU stalls, page poisoning's
#             "memory corruption"
#   kasan-kfence  "BUG: KASAN", "BUG: KFENCE"
#   oops      "Oops:", "general protection fault", arm64's "Internal error:"
#   panic     "Kernel panic": with panic=-1 a panic ends QEMU like a clean
#             power-off would, so it must be caught here
#   ubsan     "UBSAN:"
#   oom       the OOM killer ("invoked oom-killer:")
#   trace     "Call Trace:" (arm64: "Call trace:") outside a report that is
#             allowed
#   taint     "Tainted:" naming a flag other than G, N (TEST: KUnit and
#             test modules), O or E (out-of-tree, unsigned module), or the
#             guest's "KT: kernel taint: N" (guest-lib.sh) with such a bit;
#             W is accepted in a kernel only after an allowed warning
#   guest     the guest's own "KT: FAIL" lines (never declarable: a
#             scenario that fails on purpose logs it otherwise)
#   end       the last kernel neither shut down ("reboot: ...") nor ended
#             in an allowed panic: it crashed, reset or hung (a timeout is
#             reported by run-qemu.sh itself)
#
# -x N:REGEX  exactly N reports (warning, lockdep, bug, oops, panic, oom,
#             ...) whose title line, without its timestamp, matches the
#             extended REGEX are intended by the test: each is excused with
#             its trace, up to its end ("---[ end", a "=====" line, the OOM
#             killer's "Killed process"; a panic: the end of the log).
#             Fewer or more than N is itself a problem. Repeatable; a test
#             passes these only for the one boot that intends them.
#
# Prints one "log-check: KIND: line N: TEXT" line per problem (the first 30)
# and a summary; exit status 0 when the log is clean, 1 when not, 2 on usage.
set -euo pipefail

expected=
while getopts "x:" opt; do
	case $opt in
	x)
		[[ $OPTARG =~ ^[0-9]+:.+ ]] ||
			{ echo "log-check.sh: -x wants N:REGEX, got '$OPTARG'" >&2; exit 2; }
		expected+="$OPTARG"$'\n' ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] && [ -f "$1" ] || { sed -n '4,6p' "$0" >&2; exit 2; }

KT_EXPECTED=$expected exec awk '
function problem(kind, text) {
	nproblems++
	kinds[kind]++
	if (nproblems <= 30)
		printf "log-check: %s: %s: %s\n", kind, where, text
}

# The taint letters a test kernel may show: G (no proprietary module),
# N (KUnit and test modules), O and E (out-of-tree, unsigned modules), and W
# after a warning the test intended.
function check_taint_letters(letters, text,   i, c) {
	for (i = 1; i <= length(letters); i++) {
		c = substr(letters, i, 1)
		if (c ~ /[GNOE ]/ || (c == "W" && allowed_warn))
			continue
		problem("taint", text)
		return
	}
}

# The value of /proc/sys/kernel/tainted as letters (kernel/panic.c order).
function taint_value_letters(v,   i, out) {
	out = ""
	for (i = 0; i < 19; i++) {
		if (v % 2)
			out = out substr("PFSRMBUDAWCIOELKXTN", i + 1, 1)
		v = int(v / 2)
	}
	return out
}

function report_title(t) {
	return t ~ /^WARNING: / || t ~ /^kernel BUG at / || t ~ /(^|[^A-Za-z_])BUG: / ||
		t ~ /^BUG [^ ]+ \((Not tainted|Tainted)/ || t ~ /^Oops[: ]/ ||
		t ~ /^Internal error: / ||
		t ~ /^general protection fault/ || t ~ /^Kernel panic/ ||
		t ~ /^UBSAN: / || t ~ /^INFO: task .* blocked for more than/ ||
		t ~ /rcu.* (self-)?detected stall/ || t ~ /^pagealloc: memory corruption/ ||
		t ~ / invoked oom-killer: /
}

# The last line of a report other than a panic.
function report_end(t) {
	return t ~ /^---\[ end / || t ~ /^=+$/ || t ~ /Out of memory.*: Killed process/
}

function title_kind(t) {
	if (t ~ /^WARNING: (possible|inconsistent|suspicious|bad unlock|lock held)/ ||
	    t ~ /^WARNING: (held lock|Nested lock|possible irq)/)
		return "lockdep"
	if (t ~ /^WARNING: /)
		return "warning"
	if (t ~ /^Oops|^general protection|^Internal error: /)
		return "oops"
	if (t ~ /^Kernel panic/)
		return "panic"
	if (t ~ /BUG: KASAN|BUG: KFENCE/)
		return "kasan-kfence"
	if (t ~ /^UBSAN/)
		return "ubsan"
	if (t ~ / invoked oom-killer: /)
		return "oom"
	return "bug"
}

BEGIN {
	nexp = split(ENVIRON["KT_EXPECTED"], lines, "\n")
	nx = 0
	for (i = 1; i <= nexp; i++) {
		if (lines[i] == "")
			continue
		nx++
		want[nx] = substr(lines[i], 1, index(lines[i], ":") - 1) + 0
		re[nx] = substr(lines[i], index(lines[i], ":") + 1)
		seen[nx] = 0
	}
	kernels = 0
	# Inside a report: "ok" (intended) or "bad", up to "---[ end" ("end")
	# or, after a panic, to the end of the log ("eof").
	block = ""
	ended = 0		# the last kernel shut down
	timeout = 0
}

# run-qemu.sh writes its own lines starting with "# ".
/^# (qemu|kernel|cmdline|log-check):/ { next }
/^# TIMEOUT/ { timeout = 1; next }

{
	where = "line " NR
	line = $0
	guest = 0
	# The kernel text of a line is what follows its timestamp; a line
	# without one (the guest, QEMU) is taken whole.
	if (match(line, /\[ *[0-9]+\.[0-9]+\] /))
		t = substr(line, RSTART + RLENGTH)
	else {
		t = line
		guest = (t ~ /^KT: /)
	}
}

guest {
	if (t ~ /^KT: FAIL/)
		problem("guest", t)
	if (t ~ /^KT: kernel taint: [0-9]+$/) {
		v = t
		sub(/.*: /, "", v)
		check_taint_letters(taint_value_letters(v + 0), t)
	}
	next
}

t ~ /Linux version / {
	kernels++
	block = ""
	allowed_warn = 0
	ended = 0
}
t ~ /^reboot: (Restarting system|Power down|System halted)/ {
	ended = 1
}

report_title(t) {
	if (block == "") {
		for (i = 1; i <= nx; i++) {
			if (t ~ re[i]) {
				seen[i]++
				block = (t ~ /^Kernel panic/) ? "ok eof" : "ok end"
				if (t ~ /^WARNING: /)
					allowed_warn = 1
				next
			}
		}
	}
	problem(title_kind(t), t)
	# Its trace and taint lines belong to this one problem.
	if (block !~ /eof/)
		block = (t ~ /^Kernel panic/) ? "bad eof" : "bad end"
	next
}

block ~ /^bad/ {
	if (block ~ /end/ && report_end(t))
		block = ""
	next
}

t ~ /Tainted: / {
	s = t
	sub(/.*Tainted: /, "", s)
	if (s ~ /^\[/) {
		# "Tainted: [W]=WARN, [N]=TEST"
		letters = ""
		while (match(s, /\[[A-Z]\]/)) {
			letters = letters substr(s, RSTART + 1, 1)
			s = substr(s, RSTART + RLENGTH)
		}
	} else {
		# "Tainted: G        W  O  N 6.12.117 #4": the letters end
		# where the version begins.
		sub(/ [0-9].*/, "", s)
		letters = s
	}
	check_taint_letters(letters, t)
}

block == "" && t ~ /Call [Tt]race:/ {
	problem("trace", t)
}

block == "ok end" && report_end(t) {
	block = ""
}

END {
	where = "end of log"
	for (i = 1; i <= nx; i++) {
		if (seen[i] != want[i])
			problem("expected", sprintf("%d report(s) matching /%s/ expected, %d found",
						   want[i], re[i], seen[i]))
	}
	if (!timeout && kernels > 0 && !ended && block !~ /eof/) {
		problem("end", "the last kernel neither shut down (\"reboot: ...\")" \
			" nor ended in an allowed panic")
	}
	if (kernels == 0 && !timeout) {
		problem("end", "no kernel booted")
	}
	if (nproblems) {
		summary = ""
		for (k in kinds)
			summary = summary (summary == "" ? "" : ", ") k " " kinds[k]
		if (nproblems > 30)
			printf "log-check: ... %d more\n", nproblems - 30
		printf "log-check: FAILED: %s\n", summary
		exit 1
	}
	printf "log-check: clean (%d kernel(s)%s)\n", kernels,
	       nx ? ", intended reports as expected" : ""
}
' "$1"
