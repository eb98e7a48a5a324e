# SPDX-License-Identifier: GPL-2.0
#
# Persistent tmpfs (mount -t tmpfs -o kho=NAME) across kexec. kt.tmpfs=CASE
# picks what each stage does; kt.seed=N seeds the trees that /bin/kho_tree
# (kho_tree.c, packed in by the test) builds, and kt.stages=N is the number
# of kernels (default 2). Every kho mount goes to /kho/NAME.
#
#   tree      a tree of kt.entries entries (default 10000) and a kt.big MiB
#             file (default 64) on kho=t1 with size=, nr_inodes= and mode=;
#             kexec without finalize, mount it again, then finalize and
#             kexec once more
#   two       kho=a (huge=within_size: large folios) and kho=b and a plain
#             tmpfs; finalize, kexec, mount the two again in the other order
#   empty     kho=x on a cold boot and kho=y in a KHO boot that got only x
#   busy      a second mount of a kho name while it is mounted, before and
#             after the kexec
#   corrupt   kho=bad and kho=good; after finalize, tmpfs/corrupt damages
#             bad ("kt.what bad", kt.what=version|metadata|orphan); the
#             next kernel refuses bad, restores good and hands good on once
#             more
#   off       kho=x on a kernel booted without kho=on
#   release   three kho mounts; the next kernel releases one by name and the
#             rest with "all", around a mount of one of them
#   abort     finalize, a writer that blocks, abort, the writer completes;
#             then kexec without finalize
#   small     kho=s with 8 MiB of data; the next kernel first mounts it with
#             size=1m and nr_inodes=10, both too small, then without them
#   sqlite    an SQLite database (Debian's sqlite3, packed in by the test)
#             on kho=db: kt.rows committed rows, then a writer killed by the
#             kexec in the middle of a large transaction (its EXCLUSIVE
#             lock held, its hot journal and part of its changes on the
#             tmpfs); finalize, kexec; the next kernel checks the database
#             with sqlite's own tools, and file locks on it once more
#   memcg     kho=sw: 96 MiB written by a task of a memory cgroup limited to
#             32 MiB, most of it in zram swap; a finalize while that limit
#             still holds, then kexec -e; the next kernel mounts kho=sw
#             from a cgroup with too little room, then from one with room,
#             and compares memory.current before and after; kho=meta
#             (long symlinks and names) from a cgroup with the room the
#             refusal names; kho=c1 and kho=c2 at once from a cgroup with
#             room for one
#   limits    the documented limits on kho=lim: a file with a POSIX ACL, a
#             file unlinked but still open; kho=um unmounted after the
#             finalize (as systemctl kexec does), kho=um2 before it
#   mmap      on kho=mm, Debian's fio (packed in by the test) writes a
#             kt.mib MiB file (default 128) through a shared mapping with
#             a CRC32C header in every block, and exits; a second file is
#             kept mapped by "kho_tree mmap", which stores into it before
#             and after finalize (and after kexec -l), into pages that were
#             data and a page that was a hole at finalize; kexec with that
#             mapping still there.
#             The next kernel runs fio --verify_only on the first file, on
#             a copy with a damaged block, and reads the second back.
#
# What a test asserts on: "KT: mount NAME on DIR: ok" or "...: failed:
# ERROR", "KT: options NAME: ..." (from /proc/mounts), "KT: sum NAME:
# entries=N manifest=SHA256" (what kho_tree sum prints for the tree),
# "KT: manifest NAME: same|DIFFERENT" with "KT: diff NAME: ..." lines
# against the manifest the first kernel saved, and the lines of each case.
d=/sys/kernel/debug/kho
ctl=$d/tmpfs
case=$(kt_param tmpfs || echo none)
seed=$(kt_param seed || echo 1)
stage=$(kt_stage)
stages=$(kt_param stages || echo 2)

# tmount NAME [DIR [OPTIONS]]: mount -t tmpfs -o kho=NAME,noatime[,OPTIONS]
# on DIR (default /kho/NAME). Returns mount's status.
tmount() {
	local name=$1 dir=${2:-/kho/$1} opts=kho=$1,noatime${3:+,$3} err
	mkdir -p "$dir"
	if err=$(mount -t tmpfs -o "$opts" none "$dir" 2>&1); then
		kt_log "mount $name on $dir: ok"
		kt_log "options $name: $(awk -v d="$dir" '$2 == d { print $4 }' /proc/mounts)"
		return 0
	fi
	kt_log "mount $name on $dir: failed: ${err##*: }"
	return 1
}

# tmake NAME ENTRIES BIGMIB [SEED]: kho_tree make in /kho/NAME.
tmake() {
	local t0 out
	t0=$(cut -d' ' -f1 /proc/uptime)
	if out=$(kho_tree make "/kho/$1" "${4:-$seed}" "$2" "$3" 2>&1); then
		kt_log "made $1: ${out#kho_tree: } ($t0 s to $(cut -d' ' -f1 /proc/uptime) s)"
	else
		kt_log "FAIL: kho_tree make $1: $out"
	fi
}

# tsum NAME: log what kho_tree sum prints for /kho/NAME ("entries=N
# manifest=SHA", the SHA-256 of the manifest), keeping the manifest in
# /tmp/manifest.NAME. In stage 1 it is also saved to /manifest.NAME, which
# kt_kexec packs for the next kernels; later stages log how their manifest
# differs from it.
tsum() {
	local m=/tmp/manifest.$1 t0
	t0=$(cut -d' ' -f1 /proc/uptime)
	if ! kho_tree manifest "/kho/$1" > "$m" 2> /tmp/kho_tree.err; then
		kt_log "sum $1: FAILED: $(cat /tmp/kho_tree.err)"
		return
	fi
	kt_log "sum $1: entries=$(wc -l < "$m") manifest=$(sha256sum < "$m" | cut -d' ' -f1)"
	kt_log "used $1: $(df -k "/kho/$1" | awk 'NR == 2 { print $3 }') KiB"
	kt_log "manifest $1 took $t0 s to $(cut -d' ' -f1 /proc/uptime) s"
	if [ "$stage" = 1 ]; then
		cp "$m" "/manifest.$1"
	elif [ -f "/manifest.$1" ]; then
		if cmp -s "/manifest.$1" "$m"; then
			kt_log "manifest $1: same"
		else
			kt_log "manifest $1: DIFFERENT"
			diff "/manifest.$1" "$m" | grep -E '^[-+]' |
				grep -vE '^(---|\+\+\+) ' | head -n 60 | cut -c 1-400 |
				while IFS= read -r line; do kt_log "diff $1: $line"; done
		fi
	fi
}

# tcount NAME: log how many entries /kho/NAME holds (ls -A).
tcount() {
	kt_log "entries in $1: $(ls -A "/kho/$1" | wc -l)"
}

# tctl FILE VALUE: write VALUE to $ctl/FILE, logging the outcome.
tctl() {
	local err
	if err=$( { echo "$2" > "$ctl/$1"; } 2>&1); then
		kt_log "$1 $2: ok"
	else
		kt_log "$1 $2: refused: ${err##*: }"
	fi
}

tpending() {
	kt_log "pending: $(tr '\n' ' ' 2>/dev/null < "$ctl/pending")"
}

# tfinalize 1|0: write out/finalize and list the subtrees.
tfinalize() {
	if echo "$1" > "$d/out/finalize"; then
		kt_log "finalize $1: ok"
	else
		kt_log "finalize $1: failed"
	fi
	kt_log "sub_fdts: $(ls "$d/out/sub_fdts" | tr '\n' ' ')"
}

# tplain: a plain tmpfs still works.
tplain() {
	mkdir -p /plain
	if mount -t tmpfs none /plain && echo "plain $stage" > /plain/f &&
		[ "$(cat /plain/f)" = "plain $stage" ] && umount /plain; then
		kt_log "plain tmpfs: works"
	else
		kt_log "plain tmpfs: FAILED"
	fi
}

memfree() {
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}

# sq_oneline: the first two lines of the input on one line.
sq_oneline() {
	head -n 2 | tr '\n' ' ' | sed 's/ *$//'
}

# sq_view DB WHAT: log "WHAT: ROWS|SHA3" of the table, or sqlite3's error.
sq_view() {
	kt_log "$2: $(sqlite3 "$1" "$view" 2>&1 | sq_oneline)"
}

# sq_exists FILE: "present" or "absent".
sq_exists() {
	if [ -e "$1" ]; then echo present; else echo absent; fi
}

# sq_journal DB: the rollback journal's size and the first 8 bytes of its
# header (d9d505f920a163d7 when hot), or "absent".
sq_journal() {
	[ -e "$1-journal" ] || { echo absent; return; }
	echo "$(wc -c < "$1-journal") bytes, header" \
		"$(head -c 8 "$1-journal" | od -An -tx1 | tr -d ' \n')"
}

# sq_wait_holding: wait up to 60 s for the writer fed through /tmp/sq.fifo
# to print "holding" (its statements before that are done).
sq_wait_holding() {
	local i=0
	while ! grep -q '^holding$' /tmp/sq.out && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	kt_log "writer: $(sq_oneline < /tmp/sq.out)"
}

# sq_busy WHAT SQL: run SQL with no busy timeout while the writer holds
# its lock, and log what sqlite3 says.
sq_busy() {
	kt_log "$1: $(sqlite3 -cmd '.timeout 0' "$db" "$2" 2>&1 | sq_oneline)"
}

cgroot=/sys/fs/cgroup

# cg_setup: cgroup v2 with the memory controller on for its children.
cg_setup() {
	mkdir -p $cgroot
	mount -t cgroup2 none $cgroot
	echo +memory > $cgroot/cgroup.subtree_control
}

# cg_new NAME MAX: a child cgroup with memory.max MAX.
cg_new() {
	mkdir -p "$cgroot/$1" && echo "$2" > "$cgroot/$1/memory.max"
}

# cg_run NAME COMMAND...: run COMMAND in cgroup NAME.
cg_run() {
	local dir=$cgroot/$1

	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}

# cg_kib NAME FILE: a memory.* byte count of cgroup NAME, in KiB.
cg_kib() {
	echo $(($(cat "$cgroot/$1/$2") / 1024))
}

# cg_event NAME KEY: a count from memory.events of cgroup NAME.
cg_event() {
	awk -v k="$2" '$1 == k { print $2 }' "$cgroot/$1/memory.events"
}

# cg_mount CGROUP NAME: mount kho=NAME on /kho/NAME from a task of CGROUP.
cg_mount() {
	local err

	mkdir -p "/kho/$2"
	if err=$(cg_run "$1" mount -t tmpfs -o "kho=$2,noatime" none "/kho/$2" 2>&1); then
		kt_log "mount $2 from $1: ok"
	else
		kt_log "mount $2 from $1: failed: ${err##*: }"
	fi
}

# zram_swap SIZE: swap on a zram device of SIZE.
zram_swap() {
	if echo "$1" > /sys/block/zram0/disksize &&
	   mkswap /dev/zram0 > /dev/null && swapon /dev/zram0; then
		kt_log "swap: on zram0, $1"
	else
		kt_log "FAIL: no swap on zram0"
	fi
}

# The fio job of the mmap case, on FILE (further fio options after it):
# sequential 64 KiB writes through a shared mapping of the whole file, each
# block with a CRC32C verify header. No cache invalidation: the test kernel
# has no fadvise (fio still tries once after laying the file out and warns;
# mm_result leaves that warning out), and tmpfs keeps its pages anyway.
mm_fio() {
	local file=$1
	shift
	fio --name=app --filename="$file" --size="${mib}m" \
		--ioengine=mmap --rw=write --bs=64k --verify=crc32c --verify_state_save=0 \
		--invalidate=0 "$@"
}

# mm_result OUT: fio's summary line (WRITE:/READ: ...) or the first lines
# of a verify failure in OUT, on one line.
mm_result() {
	{ grep -E '^ *(WRITE|READ): |verify failed|bad magic|fio: ' "$1" |
		grep -v 'fio: cache invalidation' ||
		tail -n 2 "$1"; } | sed 's/^ *//' | head -n 2 | tr '\n' ' ' |
		sed 's/ *$//'
}

# mm_verify WHAT FILE: run fio --verify_only on FILE and log "WHAT: exit N:
# RESULT".
mm_verify() {
	local rc=0
	mm_fio "$2" --verify_only > /tmp/fio.out 2>&1 || rc=$?
	kt_log "$1: exit $rc: $(mm_result /tmp/fio.out)"
}

# mm_peek FILE OFFSET: the text at OFFSET (up to 30 bytes, NULs dropped),
# "zeros" when there is none.
mm_peek() {
	local t
	t=$(dd if="$1" bs=1 skip="$2" count=30 2>/dev/null | tr -d '\0')
	echo "${t:-zeros}"
}

# mm_pages FILE: the text at the four pages of the late-store file.
mm_pages() {
	echo "A=$(mm_peek "$1" 0) B=$(mm_peek "$1" 65536)" \
		"C=$(mm_peek "$1" 131072) D=$(mm_peek "$1" 196608)"
}

# mm_store OFFSET TEXT: have the kho_tree mmap writer on fd 4 store TEXT
# at OFFSET through its mapping, and wait up to 30 s until it has.
mm_store() {
	local i=0
	echo "$1 $2" >&4
	while ! grep -q "^stored $1\$" /tmp/mm.out && [ $i -lt 300 ]; do
		usleep 100000
		i=$((i + 1))
	done
	grep -q "^stored $1\$" /tmp/mm.out ||
		kt_log "FAIL: the mapping writer did not store at $1: $(tail -n 1 /tmp/mm.out)"
}

mm_after_load() {
	mm_store 196608 "D2 via mapping after kexec -l."
	kt_log "late after kexec -l: $(mm_pages "$late")"
}

tnext() {
	[ "$stage" -lt "$stages" ] && kt_kexec "" ""
}

mkdir -p /kho
kt_log "tmpfs case $case, stage $stage of $stages," \
	"kho debugfs: $([ -d "$ctl" ] && echo yes || echo no)"
[ "$stage" = 1 ] || tpending

case $case in
tree)
	if [ "$stage" = 1 ]; then
		tmount t1 /kho/t1 size=512m,nr_inodes=20000,mode=0750
		chown 1000:100 /kho/t1
		tmake t1 "$(kt_param entries || echo 10000)" "$(kt_param big || echo 64)"
		tsum t1
	else
		tmount t1
		tsum t1
		[ "$stage" -lt "$stages" ] && tfinalize 1
	fi
	tnext
	;;
two)
	if [ "$stage" = 1 ]; then
		tmount a /kho/a size=64m,huge=within_size
		tmount b /kho/b size=32m,nr_inodes=3000
		tmake a 400 4 "$seed"
		tmake b 300 2 "$((seed + 1))"
		mkdir -p /plain && mount -t tmpfs none /plain && echo plain > /plain/f
		tsum a
		tsum b
		tfinalize 1
	else
		tmount b
		tmount a
		tsum a
		tsum b
		mkdir -p /plain && mount -t tmpfs none /plain
		kt_log "plain tmpfs after kexec: $(ls -A /plain | wc -l) entries"
	fi
	tnext
	;;
empty)
	if [ "$stage" = 1 ]; then
		tmount x
		tcount x
		echo "written in the first kernel" > /kho/x/note
		tsum x
	else
		tmount y
		tcount y
		echo "y works" > /kho/y/f && kt_log "y: $(cat /kho/y/f)"
		tmount x
		kt_log "x note: $(cat /kho/x/note)"
		tsum x
	fi
	tnext
	;;
busy)
	if [ "$stage" = 1 ]; then
		tmount b
		tmake b 100 1
	else
		tmount b
	fi
	tmount b /kho/b2
	tsum b
	tnext
	;;
corrupt)
	what=$(kt_param what || echo version)
	if [ "$stage" = 1 ]; then
		tmount bad
		tmount good
		tmake bad 200 1 "$seed"
		tmake good 200 1 "$((seed + 1))"
		tsum good
		tfinalize 1
		tctl corrupt "$what bad"
	elif [ "$stage" = 2 ]; then
		tmount bad
		tmount good
		tsum good
		tplain
		tpending
	else
		tmount good
		tsum good
		tplain
	fi
	tnext
	;;
off)
	tmount x
	tplain
	;;
release)
	if [ "$stage" = 1 ]; then
		tmount r1 /kho/r1 size=128m
		tmount r2
		tmount r3
		tmake r1 50 64 "$seed"
		tmake r2 50 1 "$((seed + 1))"
		tmake r3 50 1 "$((seed + 2))"
		tsum r3
	else
		before=$(memfree)
		tctl release r1
		after=$(memfree)
		kt_log "MemFree before release r1: $before kB, after: $after kB"
		tpending
		tctl release nosuch
		tmount r1
		tcount r1
		tmount r3
		tsum r3
		tpending
		tctl release all
		tpending
		tmount r2
		tcount r2
		tsum r3
	fi
	tnext
	;;
abort)
	if [ "$stage" = 1 ]; then
		tmount ab
		tmake ab 100 1
		echo before > /kho/ab/f
		tfinalize 1
		(echo data >> /kho/ab/f; kt_log "writer done") &
		writer=$!
		sleep 2
		if kill -0 "$writer" 2>/dev/null; then
			kt_log "writer after 2 s: blocked"
		else
			kt_log "writer after 2 s: finished"
		fi
		tfinalize 0
		i=0
		while kill -0 "$writer" 2>/dev/null && [ $i -lt 10 ]; do
			sleep 1
			i=$((i + 1))
		done
		if kill -0 "$writer" 2>/dev/null; then
			kt_log "FAIL: the writer is still blocked 10 s after the abort"
		else
			wait "$writer"
		fi
		kt_log "f after abort: $(tr '\n' ' ' < /kho/ab/f)"
		echo after > /kho/ab/g && kt_log "g after abort: $(cat /kho/ab/g)"
		tsum ab
	else
		tmount ab
		kt_log "f after kexec: $(tr '\n' ' ' < /kho/ab/f)"
		kt_log "g after kexec: $(cat /kho/ab/g)"
		tsum ab
	fi
	tnext
	;;
small)
	if [ "$stage" = 1 ]; then
		tmount s /kho/s size=64m
		tmake s 100 8
		tsum s
	else
		tmount s /kho/s size=1m
		tmount s /kho/s nr_inodes=10
		tpending
		tmount s
		tsum s
	fi
	tnext
	;;
sqlite)
	db=/kho/db/test.db
	# What sqlite3 sees of the table: its rows and a SHA3 of all of them.
	view="SELECT (SELECT count(*) FROM t), hex(sha3_query('SELECT * FROM t ORDER BY id'))"
	rows=$(kt_param rows || echo 300)
	if [ "$stage" = 1 ]; then
		tmount db
		sqlite3 "$db" "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, h BLOB)"
		# One transaction each: every row takes and drops the locks.
		i=0
		while [ $i -lt "$rows" ]; do
			echo "INSERT INTO t(v, h) VALUES('committed', randomblob(1000));"
			i=$((i + 1))
		done | sqlite3 "$db" 2>&1 | head -n 3 | while IFS= read -r line; do
			kt_log "sqlite insert: $line"
		done
		sq_view "$db" "view 1"
		mkdir -p /plain && mount -t tmpfs none /plain && cp "$db" /plain/test.db
		kt_log "plain copy 1: $(sq_exists /plain/test.db)"
		# A writer whose transaction outgrows its 10-page cache: sqlite
		# takes the EXCLUSIVE lock, syncs the journal (now hot) and writes
		# changed pages into the database before it commits. It waits on
		# the fifo and never commits: the kexec ends it.
		mkfifo /tmp/sq.fifo
		sqlite3 "$db" < /tmp/sq.fifo > /tmp/sq.out 2>&1 &
		exec 3> /tmp/sq.fifo
		echo "PRAGMA cache_size=10; BEGIN IMMEDIATE;
INSERT INTO t(v, h) SELECT 'uncommitted', randomblob(1000) FROM
 (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
  SELECT x FROM c);
UPDATE t SET h = randomblob(1000) WHERE v = 'committed';
SELECT 'holding';" >&3
		sq_wait_holding
		sq_busy "busy reader 1" "SELECT count(*) FROM t"
		kt_log "journal 1: $(sq_journal "$db")"
		tfinalize 1
	else
		tmount db
		kt_log "journal 2: $(sq_journal "$db")"
		# Negative controls: the checks below can fail. The database
		# without its journal holds the dead writer's changes; a
		# database with a page of garbage fails integrity_check.
		cp "$db" /tmp/nojournal.db
		sq_view /tmp/nojournal.db "view without journal"
		cp "$db" /tmp/damaged.db
		dd if=/dev/urandom of=/tmp/damaged.db bs=4096 seek=1 count=1 \
			conv=notrunc 2>/dev/null
		kt_log "integrity damaged copy: $(sqlite3 /tmp/damaged.db \
			'PRAGMA integrity_check' 2>&1 | sq_oneline)"
		mkdir -p /plain && mount -t tmpfs none /plain
		kt_log "plain copy 2: $(sq_exists /plain/test.db)"
		# The first reader rolls the hot journal back, under an
		# EXCLUSIVE lock, and deletes it.
		kt_log "integrity 2: $(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 |
			sq_oneline)"
		kt_log "journal after recovery: $(sq_journal "$db")"
		sq_view "$db" "view 2"
		kt_log "uncommitted rows 2: $(sqlite3 "$db" \
			"SELECT count(*) FROM t WHERE v = 'uncommitted'" 2>&1)"
		# Locks work on the restored file too: a writer holds one, a
		# second writer is refused, the first commits.
		mkfifo /tmp/sq.fifo
		sqlite3 "$db" < /tmp/sq.fifo > /tmp/sq.out 2>&1 &
		holder=$!
		exec 3> /tmp/sq.fifo
		echo "BEGIN IMMEDIATE; INSERT INTO t(v, h) VALUES('after', randomblob(1000));
SELECT 'holding';" >&3
		sq_wait_holding
		sq_busy "busy writer 2" "INSERT INTO t(v) VALUES('refused')"
		echo "COMMIT;" >&3
		exec 3>&-
		wait "$holder"
		kt_log "after commit 2: $(sqlite3 "$db" \
			"SELECT count(*), sum(v = 'after'), sum(v = 'refused') FROM t" 2>&1)"
		kt_log "integrity 2 after commit: $(sqlite3 "$db" \
			'PRAGMA integrity_check' 2>&1 | sq_oneline)"
	fi
	tnext
	;;
memcg)
	cg_setup
	if [ "$stage" = 1 ]; then
		zram_swap 384M
		tmount sw
		# memory.high, not max, while writing: the writer is throttled
		# and reclaimed to swap, and never meets the OOM killer.
		cg_new w max
		echo 32M > $cgroot/w/memory.high
		cg_run w sh -c 'dd if=/dev/urandom bs=1M count=96 2> /dev/null |
			tee /kho/sw/data | sha256sum' | cut -d' ' -f1 > /sha.sw
		kt_log "sha sw 1: $(cat /sha.sw)"
		kt_log "w: memory.current $(cg_kib w memory.current) KiB," \
			"swap.current $(cg_kib w memory.swap.current) KiB"
		# The limit the record meets: 8 MiB above what w holds.
		echo $(($(cat $cgroot/w/memory.current) + 8 * 1024 * 1024)) \
			> $cgroot/w/memory.max
		# The workload whose data this is: not to be OOM-killed.
		cg_run w sleep 3600 &
		workload=$!
		tfinalize 1
		kt_log "workload after finalize: $(kill -0 $workload 2> /dev/null &&
			echo alive || echo gone), oom_kill $(cg_event w oom_kill)"
		# kho=meta: names and symlinks that cost more kernel memory
		# than their bytes (long targets take a page each, long names
		# an allocation of their own); c1 and c2 to mount at once.
		tmount meta
		dd if=/dev/urandom of=/kho/meta/data bs=1M count=1 2> /dev/null
		target=$(printf '%0200d' 0)
		name=$(printf 'l%060d' 0)
		i=0
		while [ $i -lt 200 ]; do
			ln -s "$target" "/kho/meta/s$i"
			ln /kho/meta/data "/kho/meta/$name$i"
			ln /kho/meta/data "/kho/meta/${name}x$i"
			i=$((i + 1))
		done
		tcount meta
		for c in c1 c2; do
			tmount $c
			dd if=/dev/zero of=/kho/$c/data bs=1M count=16 2> /dev/null
		done
		# No second finalize: kexec -e records kho=sw with w's limit
		# still in place.
	else
		cg_new small 32M
		cg_new big 256M
		cg_new idle 256M
		cg_mount small sw
		tpending
		before=$(cg_kib big memory.current)
		idle=$(cg_kib idle memory.current)
		cg_mount big sw
		kt_log "big: memory.current $before KiB before the mount," \
			"$(cg_kib big memory.current) KiB after"
		kt_log "idle: memory.current $idle KiB before," \
			"$(cg_kib idle memory.current) KiB after"
		kt_log "sha sw 2: $(sha256sum < /kho/sw/data | cut -d' ' -f1)"
		kt_log "small: oom_kill $(cg_event small oom_kill)," \
			"big: oom_kill $(cg_event big oom_kill)"
		# kho=meta from a cgroup with the room the refusal names.
		cg_new probe 1M
		cg_mount probe meta
		need=$(dmesg | sed -n 's/.*kho=meta: the handover needs \([0-9]*\) KiB.*/\1/p')
		cg_new fit "$(((${need:-0} + 1024) * 1024))"
		cg_mount fit meta
		tcount meta
		kt_log "fit: oom_kill $(cg_event fit oom_kill)"
		# Two mounts at once, room for one.
		cg_new par 24M
		cg_mount par c1 &
		cg_mount par c2
		wait
		kt_log "par: oom_kill $(cg_event par oom_kill)"
	fi
	tnext
	;;
limits)
	if [ "$stage" = 1 ]; then
		tmount lim
		tmake lim 100 1
		echo "acl" > /kho/lim/acl
		chown 0:100 /kho/lim/acl
		kt_log "acl 1: $(kho_tree acl /kho/lim/acl 1000)," \
			"mode $(stat -c %a /kho/lim/acl)"
		# The owning group may write, but chmod narrows the mask to
		# read, and with it what the group may do.
		echo "narrow" > /kho/lim/narrow
		chown 0:100 /kho/lim/narrow
		kho_tree acl /kho/lim/narrow 1000 6 > /dev/null
		chmod 640 /kho/lim/narrow
		kt_log "narrow 1: $(kho_tree acl /kho/lim/narrow)," \
			"mode $(stat -c %a /kho/lim/narrow)"
		# A file unlinked while a descriptor holds it open.
		exec 4<> /kho/lim/gone
		dd if=/dev/zero bs=1M count=2 >&4 2> /dev/null
		rm /kho/lim/gone
		tsum lim
		tmount um
		echo "unmounted after finalize" > /kho/um/f
		tmount um2
		echo "unmounted before finalize" > /kho/um2/f
		umount /kho/um2 && kt_log "umount um2: ok"
		tfinalize 1
		umount /kho/um && kt_log "umount um: ok"
	else
		tmount lim
		tsum lim
		kt_log "acl 2: $(kho_tree acl /kho/lim/acl 2>&1)," \
			"mode $(stat -c %a /kho/lim/acl)"
		kt_log "narrow 2: $(kho_tree acl /kho/lim/narrow 2>&1)," \
			"mode $(stat -c %a /kho/lim/narrow)"
		kt_log "gone 2: $(ls /kho/lim/gone 2>&1 | sed 's/.*: //')"
		tmount um
		kt_log "um: $(cat /kho/um/f 2>&1)"
		tmount um2
		kt_log "um2: $(ls -A /kho/um2 | wc -l) entries"
	fi
	tnext
	;;
mmap)
	app=/kho/mm/app.dat
	late=/kho/mm/late.dat
	mib=$(kt_param mib || echo 128)
	if [ "$stage" = 1 ]; then
		tmount mm /kho/mm size=$((mib * 2))m
		kt_log "fio version: $(fio --version 2>&1)," \
			"System V IPC: $([ -d /proc/sysvipc ] && echo yes || echo no)"
		# The application: fio maps the whole file shared and writes it
		# with plain stores, rate-limited so that it is seen holding
		# the mapping. It exits when done: that is its quiescing.
		mm_fio "$app" --do_verify=0 --rate=64m > /tmp/fio.out 2>&1 &
		fio_pid=$!
		map='' i=0
		while [ -z "$map" ] && [ $i -lt 200 ]; do
			map=$(grep -h " $app\$" /proc/[0-9]*/maps 2>/dev/null | head -n 1)
			[ -n "$map" ] || usleep 50000
			i=$((i + 1))
		done
		if [ -n "$map" ]; then
			range=${map%% *}
			perms=$(echo "$map" | cut -d' ' -f2)
			kt_log "fio mapping: $perms" \
				"$(( (0x${range#*-} - 0x${range%-*}) >> 10 )) KiB"
		else
			kt_log "fio mapping: not seen"
		fi
		rc=0
		wait "$fio_pid" || rc=$?
		kt_log "fio write 1: exit $rc: $(mm_result /tmp/fio.out)"
		kt_log "fio mappings left:" \
			"$(grep -l " $app\$" /proc/[0-9]*/maps 2>/dev/null | wc -l)"
		kt_log "sha256 1: $(sha256sum "$app" | cut -d' ' -f1)"
		# The limit: a program that keeps a mapping across finalize.
		# Page A (offset 0) is data written with write(2), B (64 KiB)
		# a hole, C and D are stored into through the mapping before
		# finalize; after it, the writer stores into A and B, and into
		# D once the next kernel is loaded.
		truncate -s 1048576 "$late"
		printf 'A1 by write(2) before finalize' |
			dd of="$late" conv=notrunc 2>/dev/null
		mkfifo /tmp/mm.fifo
		kho_tree mmap "$late" < /tmp/mm.fifo > /tmp/mm.out 2>&1 &
		exec 4> /tmp/mm.fifo
		mm_store 131072 "C1 via mapping before finalize"
		mm_store 196608 "D1 via mapping before finalize"
		kt_log "late writer: $(head -n 1 /tmp/mm.out)"
		kt_log "late before finalize: $(mm_pages "$late")"
		tfinalize 1
		mm_store 0 "A2 via mapping after finalize."
		mm_store 65536 "B2 via mapping after finalize."
		kt_log "late after finalize: $(mm_pages "$late")"
		# And between kexec -l and kexec -e, into D.
		# shellcheck disable=SC2034 # kt_kexec (guest-lib.sh) runs it
		KT_AFTER_LOAD=mm_after_load
	else
		tmount mm
		mm_verify "fio verify 2" "$app"
		kt_log "sha256 2: $(sha256sum "$app" | cut -d' ' -f1)"
		kt_log "late after kexec: $(mm_pages "$late")"
		# Negative control: fio's verification fails on a copy with
		# 4 KiB of garbage half-way through.
		cp "$app" /tmp/damaged.dat
		dd if=/dev/urandom of=/tmp/damaged.dat bs=4096 seek=$((mib * 128)) count=1 \
			conv=notrunc 2>/dev/null
		mm_verify "fio verify damaged copy" /tmp/damaged.dat
		rm -f /tmp/damaged.dat
	fi
	tnext
	;;
*)
	kt_log "FAIL: unknown kt.tmpfs=$case"
	;;
esac
