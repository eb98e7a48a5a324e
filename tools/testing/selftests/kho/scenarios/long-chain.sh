# SPDX-License-Identifier: GPL-2.0
#
# A long chain of kexecs (kt.stages kernels, default 10), each handing on
# three kinds of data at once: lib/test_kho's folios (built in, it checks
# itself), the pstore region "oops" (reserve_mem= with ramoops and pmsg) and
# the persistent tmpfs kho=chain. Every generation changes what it hands on,
# so data written in generation N must arrive in all later ones:
#
#   pstore  a line "KTPMSG <token> gen N" written to /dev/pmsg0
#   tmpfs   a new file gen-N of random bytes, and a line appended to the
#           file history
#
# kt.token=WORD is the token, kt.seed=N, kt.entries=N and kt.big=MIB
# describe the tree /bin/kho_tree builds in generation 1. Even generations
# finalize the handover through debugfs before kexec, odd ones let kexec
# finalize it. What a test asserts on:
#
#   KT: meminfo boot gen N: Field=kB ... PcpFree=kB
#                                        /proc/meminfo first thing in init,
#                                        and the per-CPU free lists
#   KT: meminfo restored gen N: ...      the same once kho=chain is mounted
#   KT: pmsg gen N: LINE                 each line of the pmsg record found
#   KT: pmsg written: KTPMSG ...         this generation's line
#   KT: sum-in gen N: entries=E manifest=SHA   kho=chain as restored
#   KT: file gen N: gen-K SHA            each earlier generation's file
#   KT: history gen N: LINES             the history file, lines joined by |
#   KT: new file gen N: gen-N SHA        this generation's file
#   KT: sum-out gen N: entries=E manifest=SHA  kho=chain as handed on
token=$(kt_param token || echo none)
seed=$(kt_param seed || echo 1)
stage=$(kt_stage)
stages=$(kt_param stages || echo 10)
dir=/kho/chain

# meminfo WHEN: log /proc/meminfo as "Field=kB ...", and the pages on the
# per-CPU free lists as PcpFree, after draining those lists. Pages freed
# late in boot (the initrd, init memory) wait there, outside MemFree, by
# megabytes that differ from boot to boot. Each write to stat_refresh
# lowers every list's limit by an eighth (down to its minimum), frees what
# is above it and folds the per-CPU counters into the totals; 24 writes
# bring a limit of thousands of pages down to the minimum.
meminfo() {
	local i=0 fields pcp
	while [ $i -lt 24 ]; do
		echo 1 > /proc/sys/vm/stat_refresh
		i=$((i + 1))
	done
	fields=$(awk '{ sub(/:$/, "", $1); printf "%s=%s ", $1, $2 }' /proc/meminfo)
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)
	kt_log "meminfo $1 gen $stage: ${fields}PcpFree=$pcp"
}

# Memory before this scenario allocates anything, and again once all that
# was handed over is back in use (kho=chain is restored at its mount).
meminfo boot

# kho=chain: mount, and in generation 1 fill it with a tree.
chain_sum() {
	local out
	if out=$(kho_tree sum "$dir" 2>&1); then
		kt_log "sum-$1 gen $stage: $out"
	else
		kt_log "FAIL: kho_tree sum $dir: $out"
	fi
}

mkdir -p "$dir"
if mount -t tmpfs -o kho=chain,noatime,size=64m none "$dir"; then
	kt_log "mount chain gen $stage: ok"
else
	kt_log "FAIL: mount -o kho=chain failed in generation $stage"
fi
if [ "$stage" = 1 ]; then
	out=$(kho_tree make "$dir" "$seed" "$(kt_param entries || echo 300)" \
		"$(kt_param big || echo 2)" 2>&1) || kt_log "FAIL: kho_tree make: $out"
	kt_log "made chain: ${out#kho_tree: }"
fi
chain_sum in
meminfo restored
for f in "$dir"/gen-*; do
	[ -f "$f" ] || continue
	kt_log "file gen $stage: ${f##*/} $(sha256sum < "$f" | cut -d' ' -f1)"
done
[ -f "$dir/history" ] && kt_log "history gen $stage: $(tr '\n' '|' < "$dir/history")"

# The pstore region: what the previous generation wrote, then this one's.
mount -t pstore none /sys/fs/pstore 2>/dev/null || kt_log "cannot mount pstore"
kt_log "pstore files gen $stage: $(ls /sys/fs/pstore | tr '\n' ' ')"
if [ -r /sys/fs/pstore/pmsg-ramoops-0 ]; then
	tr -d '\0' < /sys/fs/pstore/pmsg-ramoops-0 | while IFS= read -r line; do
		kt_log "pmsg gen $stage: $line"
	done
fi
if echo "KTPMSG $token gen $stage" > /dev/pmsg0; then
	kt_log "pmsg written: KTPMSG $token gen $stage"
else
	kt_log "FAIL: cannot write /dev/pmsg0"
fi

# This generation's change to kho=chain.
name=$(printf 'gen-%02d' "$stage")
{ echo "written by generation $stage, token $token"; head -c 12000 /dev/urandom; } > "$dir/$name"
echo "gen $stage $token" >> "$dir/history"
kt_log "new file gen $stage: $name $(sha256sum < "$dir/$name" | cut -d' ' -f1)"
chain_sum out

if [ "$stage" -lt "$stages" ]; then
	if [ $((stage % 2)) = 0 ]; then
		if echo 1 > /sys/kernel/debug/kho/out/finalize; then
			kt_log "finalize gen $stage: ok"
		else
			kt_log "FAIL: finalize failed in generation $stage"
		fi
	fi
	kt_kexec "" ""
fi
