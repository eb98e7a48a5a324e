#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench, small: harness/bench.sh -s runs every step of the benchmark
# (the kho_bench module built against our tree and the peer's, a kexec
# round trip per case and kernel on a 1 GiB guest, a kho tmpfs round trip
# on ours, the report and the plots) so that it cannot rot. Its figures are not judged here; that
# every run restored and verified its data is (bench.sh fails otherwise),
# and that each kernel reported every figure the README's table shows.
. "$(dirname "$0")/../lib.sh"

need_kernel
need_peer > /dev/null
dir=${KHO_BUILD:-$KHO_ROOT/build}/bench-smoke
out=$("$KHO_ROOT/harness/bench.sh" -s -o "$dir" 2>&1)
rc=$?
echo "$out" | sed 's/^/  /'
[ $rc = 0 ] || fail "harness/bench.sh -s failed"
rc=0
python3 - "$dir/results.json" <<'PY' || rc=1
import json, sys
r = json.load(open(sys.argv[1]))['results']
want = {
    'ours': ['preserve_folio_ns', 'preserve_batch_ns', 'restore_folio_1thread_ns',
             'restore_folio_2threads_ns', 'restore_batch_1thread_ns', 'restore_batch_2threads_ns',
             'preserve_pages_1023_ns', 'restore_pages_1023_ns', 'preserve_vmalloc_ms',
             'restore_vmalloc_ms', 'boot_memory_ms', 'boot_init_ms', 'blackout_ms',
             'kexec_ms', 'map_kib_per_gib', 'map_min_kib_per_gib'],
    'mainline': ['preserve_folio_ns', 'restore_folio_1thread_ns', 'restore_folio_2threads_ns',
                 'preserve_pages_1023_ns', 'restore_pages_1023_ns', 'preserve_vmalloc_ms',
                 'restore_vmalloc_ms', 'boot_memory_ms', 'boot_init_ms', 'blackout_ms'],
}
bad = 0
for name in ('tmpfs_freeze_ms', 'kexec_ms', 'tmpfs_mount_ms'):
    v = r['tmpfs2m-64m']['ours'].get(name, {}).get('median')
    if v is None:
        print('  missing: ours %s for the kho tmpfs' % name); bad = 1
    else:
        print('  ok: ours reported %s = %s for the kho tmpfs' % (name, v))
for kernel, names in want.items():
    for name in names:
        v = r['order0-64m'][kernel].get(name, {}).get('median')
        if v is None or v <= 0 and not name.endswith('_ms'):
            print('  missing: %s %s (got %r)' % (kernel, name, v)); bad = 1
        else:
            print('  ok: %s reported %s = %s' % (kernel, name, v))
sys.exit(bad)
PY
for png in restore boot; do
	if [ "$(head -c 4 "$dir/$png.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG' ]; then
		echo "  ok: $png.png is a PNG image"
	else
		echo "  missing: $dir/$png.png"; rc=1
	fi
done
expect "$dir/results.md" '^\| order0-64m \| kho_restore_folio, per folio, 1 thread'\
' \| [0-9]+ ns \| [0-9]+ ns \| [0-9.]+ \|$' \
	"the table has ours beside mainline and the ratio" || rc=1
[ $rc = 0 ] || fail "the benchmark's report is incomplete"
