#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A real program on the persistent tmpfs: Debian's sqlite3, with its
# libraries, keeps a database on kho=db. The first kernel commits 300 rows
# one transaction each (every one takes and drops fcntl locks), then a
# writer outgrows its cache in the middle of a large transaction: it holds
# the EXCLUSIVE lock (a reader with no busy timeout is told "database is
# locked"), its journal is hot and part of its changes are in the database
# file. Finalize, kexec: the writer dies with the first kernel. In the
# next kernel sqlite rolls the hot journal back, PRAGMA integrity_check
# prints ok, and the table is, row for row (sqlite's SHA3 of every row),
# what the first kernel committed, without one uncommitted row. Locks work
# on the restored file: a second writer is refused while a first holds
# its lock, and the first commits.
# Negative controls, each a check above failing where it must: the
# database file copied without its journal holds the dead writer's
# changes (another SHA3); the same copy with a page of garbage fails
# integrity_check; the copy the first kernel put on a plain tmpfs is gone.
. "$(dirname "$0")/../lib.sh"

packed=$(kt_host_program sqlite3) || fail "cannot pack sqlite3 into the guest"
mapfile -t files <<< "$packed"
rows=300
rc=0
log=$(kt_boot tmpfs-sqlite tmpfs.sh -t "${KHO_TIMEOUT:-300}" "${files[@]}" \
	-a "kho=on kt.tmpfs=sqlite kt.rows=$rows") ||
	fail "QEMU or the kernel failed (log: $log)"
expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
expect "$log" '^KT: stage 2 done' "the second kernel finished its scenario" || rc=1
expect_count "$log" '^KT: mount db on /kho/db: ok$' 2 "kho=db mounts in both kernels" || rc=1
expect_count "$log" '^KT: sqlite insert: ' 0 "every insert of the first kernel succeeded" || rc=1

view1=$(sed -n 's/^KT: view 1: //p' "$log")
view_re="^$rows\\|[0-9A-F]{64}\$"
if [[ $view1 =~ $view_re ]]; then
	echo "  ok: the first kernel committed $rows rows (rows|SHA3: $view1)"
else
	echo "  the first kernel's view of the table: '$view1', not $rows rows and a SHA3"
	rc=1
fi
expect "$log" '^KT: writer: holding$' "the large transaction is under way" || rc=1
expect "$log" '^KT: busy reader 1: .*database is locked' \
	"a reader is refused while the writer holds its EXCLUSIVE lock" || rc=1
expect "$log" '^KT: journal 1: [0-9]+ bytes, header d9d505f920a163d7$' \
	"the journal is hot when the first kernel finalizes" || rc=1
expect "$log" '^KT: finalize 1: ok$' "finalize succeeded" || rc=1
j1=$(sed -n 's/^KT: journal 1: //p' "$log")
j2=$(sed -n 's/^KT: journal 2: //p' "$log")
if [ -n "$j1" ] && [ "$j1" = "$j2" ]; then
	echo "  ok: the second kernel finds the same hot journal ($j2)"
else
	echo "  journal in kernel 1: '$j1', in kernel 2: '$j2'"
	rc=1
fi
kt_frozen_restored "$log" db 1 || rc=1

expect_count "$log" '^KT: integrity 2: ok$' 1 "PRAGMA integrity_check: ok" || rc=1
expect "$log" '^KT: journal after recovery: absent$' \
	"sqlite rolled the hot journal back and deleted it" || rc=1
view2=$(sed -n 's/^KT: view 2: //p' "$log")
if [[ $view1 =~ $view_re ]] && [ "$view2" = "$view1" ]; then
	echo "  ok: the second kernel sees the rows the first committed ($view2)"
else
	echo "  the second kernel sees '$view2', the first committed '$view1'"
	rc=1
fi
expect "$log" '^KT: uncommitted rows 2: 0$' "no row of the dead transaction" || rc=1
expect "$log" '^KT: busy writer 2: .*database is locked' \
	"after the kexec a second writer is refused while the first holds its lock" || rc=1
expect "$log" "^KT: after commit 2: $((rows + 1))\\|1\\|0\$" \
	"the first writer commits its row after the kexec, the refused one is not there" || rc=1
expect "$log" '^KT: integrity 2 after commit: ok$' "integrity_check: ok after that" || rc=1

echo "  -- negative controls"
nojournal=$(sed -n 's/^KT: view without journal: //p' "$log")
if [[ $view1 =~ $view_re ]] && [ -n "$nojournal" ] && [ "$nojournal" != "$view1" ]; then
	echo "  ok: without its journal the database file differs: $nojournal"
else
	echo "  the database file without its journal gives '$nojournal'," \
		"expected other than '$view1'"
	rc=1
fi
if grep -qE '^KT: integrity damaged copy: ' "$log" &&
	! grep -qE '^KT: integrity damaged copy: ok$' "$log"; then
	echo "  ok: integrity_check fails on a copy with a damaged page:" \
		"$(sed -n 's/^KT: integrity damaged copy: //p' "$log")"
else
	echo "  integrity_check of the damaged copy: not run, or ok"
	rc=1
fi
expect "$log" '^KT: plain copy 1: present$' "the first kernel put a copy on a plain tmpfs" || rc=1
expect "$log" '^KT: plain copy 2: absent$' "that copy is not in the second kernel" || rc=1
kt_no_warnings "$log" || rc=1
[ $rc = 0 ] || fail "sqlite on a persistent tmpfs across kexec (log: $log)"
