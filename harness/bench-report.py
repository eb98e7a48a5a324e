#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py RUNS DIR LABEL...: summarise harness/bench.sh's runs.

RUNS has one line per successful run: case, kernel, repetition, log. From
each serial log this takes the "kho_bench: result NAME VALUE UNIT" lines
and, from the second kernel's console, the time stamps of "Memory:" and
"Run /init", counted from kexec: the module reports when kexec happened
on the second kernel's printk clock (kexec_clock_us), by the TSC, which
kexec does not reset. The printk clock's own zero is no reference: it
starts at some point of early boot, which differs from boot to boot. It
writes DIR/results.json (every value and the medians), DIR/results.md
(medians, ours beside mainline, and their ratio; for the boot times also
the fastest runs', see fastest()) and
DIR/plot.gp with its data files, for gnuplot to draw DIR/restore.png and
DIR/boot.png. LABELs are kernel=description pairs for the table's header.
"""
import json
import re
import statistics
import sys

RESULT = re.compile(r'kho_bench: result (\S+) (-?\d+) (\S+)')
STAMP = re.compile(r'^\[\s*(\d+\.\d+)\]')
# Ours only: the map's size, and the fewest nodes the format needs.
MAP = re.compile(r'KHO: preserved-memory map: (\d+) nodes \(\d+ KiB\); '
                 r'the fewest that can hold its blocks: (\d+)')
RESERVED = re.compile(r'KHO: reserved \d+ preserved ranges, (\d+) KiB')
KERNELS = ('ours', 'mainline')

# What the table shows, in order: metric, unit, description.
ROWS = [
    ('preserve_folio_ns', 'ns', 'kho_preserve_folio, per folio'),
    ('preserve_batch_ns', 'ns', 'kho_preserve_folios, per folio'),
    ('restore_folio_1thread_ns', 'ns', 'kho_restore_folio, per folio, 1 thread'),
    ('restore_folio_2threads_ns', 'ns', 'kho_restore_folio, per folio (wall), 2 threads'),
    ('restore_batch_1thread_ns', 'ns', 'kho_restore_folio_range, per folio, 1 thread'),
    ('restore_batch_2threads_ns', 'ns', 'kho_restore_folio_range, per folio (wall), 2 threads'),
    ('preserve_pages_1023_ns', 'ns', 'kho_preserve_pages, 1023 pages'),
    ('restore_pages_1023_ns', 'ns', 'kho_restore_pages, 1023 pages'),
    ('preserve_vmalloc_ms', 'ms', 'kho_preserve_vmalloc of the area'),
    ('restore_vmalloc_ms', 'ms', 'kho_restore_vmalloc of the area'),
    ('boot_memory_ms', 'ms', 'kexec -e to "Memory:" of the next kernel'),
    ('boot_init_ms', 'ms', 'kexec -e to /init of the next kernel'),
    ('extra_memory_ms', 'ms', 'next kernel: extra time to "Memory:" (vs none)'),
    ('extra_init_ms', 'ms', 'next kernel: extra time to /init (vs none)'),
    ('fastest_extra_memory_ms', 'ms', 'fastest runs: extra time to "Memory:" (vs none)'),
    ('fastest_extra_init_ms', 'ms', 'fastest runs: extra time to /init (vs none)'),
    ('tmpfs_freeze_ms', 'ms', 'kho tmpfs: finalize (record) of the file'),
    ('kexec_ms', 'ms', 'kexec -e: time in the old kernel'),
    ('tmpfs_mount_ms', 'ms', 'kho tmpfs: mount (restore) of the file'),
    ('blackout_ms', 'ms', 'blackout: kexec -e to data verified'),
    ('fastest_blackout_ms', 'ms', 'fastest run: blackout'),
    ('map_kib_per_gib', 'KiB', 'map per GiB preserved (whole map)'),
    ('map_min_kib_per_gib', 'KiB', "map per GiB: the format's minimum for these blocks"),
]


BANNER = re.compile(r'^\[\s*\d+\.\d+\] Linux version ', re.M)


def banners(text):
    """Where each kernel's console starts; a run has exactly two."""
    starts = [m.start() for m in BANNER.finditer(text)]
    if len(starts) != 2:
        raise SystemExit('error: expected two kernel banners in a log, found %d'
                         % len(starts))
    return starts


def second_kernel(text):
    """The console of the kernel booted by kexec."""
    return text[banners(text)[1]:]


def first_kernel(text):
    return text[:banners(text)[1]]


def stamp_of(console, needle):
    for line in console.splitlines():
        if needle in line:
            m = STAMP.match(line)
            if m:
                return float(m.group(1)) * 1000
    return None


def parse_log(path):
    with open(path, errors='replace') as f:
        text = f.read()
    values = {name: int(value) for name, value, _ in RESULT.findall(text)}
    # Steps timed between a marker the guest wrote and the kernel's line.
    first = first_kernel(text)
    for name, console, start, end in (
            ('kexec_ms', first, 'kho_bench: mark kexec', 'Starting new kernel'),
            ('tmpfs_freeze_ms', first, 'kho_bench: mark finalize',
             'kho=bench: frozen for handover'),
            ('tmpfs_mount_ms', second_kernel(text), 'kho_bench: mark mount',
             'kho=bench: restored')):
        t0, t1 = stamp_of(console, start), stamp_of(console, end)
        if t0 is not None and t1 is not None:
            values[name] = t1 - t0
    console = second_kernel(text)
    m, r = MAP.search(console), RESERVED.search(console)
    if m and r and int(r.group(1)) > 0:
        gib = int(r.group(1)) / (1 << 20)
        values['map_kib_per_gib'] = int(m.group(1)) * 4 / gib
        values['map_min_kib_per_gib'] = int(m.group(2)) * 4 / gib
    kexec_ms = values.pop('kexec_clock_us', None)
    if kexec_ms is None:
        return values
    kexec_ms /= 1000
    memory = stamp_of(console, 'Memory:')
    init = stamp_of(console, 'Run /init as init process')
    if memory is not None:
        values['boot_memory_ms'] = memory - kexec_ms
    if init is not None:
        values['boot_init_ms'] = init - kexec_ms
    return values


def median(xs):
    return statistics.median(xs) if xs else None


def figure(results, metric):
    """What the table shows of a metric: its median, or its fastest run's."""
    m = results.get(metric, {})
    return m.get('median', m.get('fastest'))


def fastest(metric):
    """
    A run's boot is a fixed amount of emulated work plus whatever the host
    takes from it. Under TCG on a 2-core host some runs are slow from start
    to end, about 1.4 times the others in both kernels; when three of five
    baseline runs are (it happened), the medians' difference is off by
    hundreds of milliseconds. The fastest run of each is the one with the
    least taken, so the boot rows also give the fastest runs' difference.
    """
    return min(metric['values'])


def main():
    runs_file, out = sys.argv[1], sys.argv[2]
    labels = dict(arg.split('=', 1) for arg in sys.argv[3:])
    runs = {}
    cases = []
    with open(runs_file) as f:
        for line in f:
            case, kernel, rep, log = line.rstrip('\n').split('\t')
            if case not in cases:
                cases.append(case)
            per = runs.setdefault(case, {}).setdefault(kernel, [])
            per.append(parse_log(log))

    med = {}
    for case in cases:
        for kernel in KERNELS:
            vals = runs.get(case, {}).get(kernel, [])
            names = sorted({n for v in vals for n in v})
            med.setdefault(case, {})[kernel] = {
                n: {'median': median([v[n] for v in vals if n in v]),
                    'values': [v[n] for v in vals if n in v]}
                for n in names}
    # Extra boot time against the run that preserved nothing: the medians'
    # difference, and the fastest runs' (see fastest()).
    for case in cases:
        for kernel in KERNELS:
            m, base = med[case][kernel], med.get('none', {}).get(kernel, {})
            if 'blackout_ms' in m:
                m['fastest_blackout_ms'] = {'fastest': fastest(m['blackout_ms'])}
            for what in ('memory', 'init'):
                key, extra = 'boot_%s_ms' % what, 'extra_%s_ms' % what
                if key in m and key in base and case != 'none':
                    m[extra] = {'median': m[key]['median'] - base[key]['median'],
                                'values': []}
                    m['fastest_' + extra] = {
                        'fastest': fastest(m[key]) - fastest(base[key])}

    with open('%s/results.json' % out, 'w') as f:
        json.dump({'kernels': labels, 'cases': cases, 'results': med}, f,
                  indent=1, sort_keys=True)

    lines = ['| case | measure | ours | mainline | ours/mainline |',
             '|---|---|---:|---:|---:|']
    for case in cases:
        for metric, unit, desc in ROWS:
            o = figure(med[case]['ours'], metric)
            p = figure(med[case]['mainline'], metric)
            if o is None and p is None:
                continue
            # A negative extra time is noise around zero: no ratio.
            ratio = ('%.2f' % (o / p) if o is not None and p and p > 0
                     and o >= 0 else '-')
            form = '%.1f %s' if unit == 'KiB' else '%.0f %s'
            cell = lambda v: '-' if v is None else form % (v, unit)
            lines.append('| %s | %s | %s | %s | %s |' %
                         (case, desc, cell(o), cell(p), ratio))
    header = 'ours: %s; mainline: %s; medians of %s\n\n' % (
        labels.get('ours', '?'), labels.get('mainline', '?'),
        ', '.join('%s: %d runs' % (c, len(runs.get(c, {}).get('ours', [])))
                  for c in cases))
    with open('%s/results.md' % out, 'w') as f:
        f.write(header + '\n'.join(lines) + '\n')
    print(header + '\n'.join(lines))

    write_plot(out, cases, med)


def gib_of(case):
    m = re.search(r'(\d+)([gm])$', case)
    if not m:
        return 0.0
    return int(m.group(1)) / (1 if m.group(2) == 'g' else 1024)


def write_plot(out, cases, med):
    """Restore cost and extra boot time against GiB of order-0 pages."""
    order0 = ['none'] + [c for c in cases if c.startswith('order0-')]
    with open('%s/plot.dat' % out, 'w') as f:
        f.write('# GiB ours_restore mainline_restore ours_batch '
                'ours_extra_init mainline_extra_init '
                'ours_fastest_extra_init mainline_fastest_extra_init\n')
        for case in order0:
            if case not in med:
                continue
            row = [gib_of(case)]
            for kernel, metric in (('ours', 'restore_folio_1thread_ns'),
                                   ('mainline', 'restore_folio_1thread_ns'),
                                   ('ours', 'restore_batch_1thread_ns'),
                                   ('ours', 'extra_init_ms'),
                                   ('mainline', 'extra_init_ms'),
                                   ('ours', 'fastest_extra_init_ms'),
                                   ('mainline', 'fastest_extra_init_ms')):
                v = figure(med[case][kernel], metric)
                if case == 'none' and metric.endswith('extra_init_ms'):
                    v = 0
                row.append('NaN' if v is None else v)
            f.write(' '.join(str(x) for x in row) + '\n')
    with open('%s/plot.gp' % out, 'w') as f:
        f.write('''set terminal png size 800,500 noenhanced
set datafile missing "NaN"
set key left top
set grid
set xlabel "GiB preserved in 4 KiB folios"
set output "{o}/restore.png"
set ylabel "restore, ns per folio (median)"
plot "{o}/plot.dat" using 1:2 with linespoints title "ours: kho_restore_folio", \\
     "{o}/plot.dat" using 1:4 with linespoints title "ours: kho_restore_folio_range", \\
     "{o}/plot.dat" using 1:3 with linespoints title "mainline: kho_restore_folio"
set output "{o}/boot.png"
set ylabel "next kernel: extra ms to /init"
# The png terminal draws every line solid: a kernel keeps its colour, and
# its fastest runs get open points and a thin line.
plot "{o}/plot.dat" using 1:5 with linespoints lc 1 pt 7 lw 2 title "ours (medians)", \\
     "{o}/plot.dat" using 1:7 with linespoints lc 1 pt 6 lw 1 title "ours (fastest runs)", \\
     "{o}/plot.dat" using 1:6 with linespoints lc 2 pt 7 lw 2 title "mainline (medians)", \\
     "{o}/plot.dat" using 1:8 with linespoints lc 2 pt 6 lw 1 title "mainline (fastest runs)"
'''.format(o=out))


if __name__ == '__main__':
    main()
