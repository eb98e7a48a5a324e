#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""checkpatch-series.py [--some] TREE MAIL...: checkpatch --strict on mails.

Runs TREE/scripts/checkpatch.pl --strict on each mail of the series as a
reviewer would (sign-off checks on) and prints every finding as
"mail: TYPE file:line: message". Findings listed in harness/checkpatch-accepted
(a type, a file and how many, with the reason) are allowed; any other
finding, one more of an accepted kind included, makes the exit status 1.
An entry that finds fewer than its count is an error too, so the list
cannot go stale, unless --some says that MAILs are not the whole series.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCEPTED = os.path.join(ROOT, 'harness', 'checkpatch-accepted')


def accepted_entries():
    """{(type, file): count} from harness/checkpatch-accepted."""
    entries = {}
    with open(ACCEPTED) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            fields = line.split(None, 3)
            if len(fields) < 4 or not fields[2].isdigit():
                sys.exit(f'error: {ACCEPTED}:{n}: "TYPE FILE COUNT reason" expected')
            entries[(fields[0], fields[1])] = int(fields[2])
    return entries


def tree_view(tree):
    """A temporary directory that shows the tree's top-level entries.

    checkpatch reads the files a patch touches by their paths relative to
    its current directory (to learn the CamelCase names they declare), and
    with --strict it writes a cache of the tree's CamelCase identifiers
    there too. Run in this view, it reads the tree and writes into the
    view: nothing may write into build/linux while other tests read it.
    """
    view = tempfile.TemporaryDirectory(prefix='checkpatch-')
    for entry in os.listdir(tree):
        os.symlink(os.path.join(tree, entry), os.path.join(view.name, entry))
    return view


def findings(tree, mail, workdir):
    """[(type, file, line, message)] of one mail, checkpatch run in workdir."""
    res = subprocess.run([os.path.join(tree, 'scripts', 'checkpatch.pl'),
                          '--strict', '--show-types', '--no-summary',
                          '--color=never', f'--root={tree}', mail],
                         cwd=workdir, text=True, capture_output=True)
    out = []
    lines = res.stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r'(ERROR|WARNING|CHECK):([A-Z_0-9]+): (.*)', line)
        if not m:
            continue
        where = lines[i + 1] if i + 1 < len(lines) else ''
        w = re.match(r'#\d+: FILE: ([^:\s]+)(?::(\d+))?', where)
        path, lnum = (w.group(1), w.group(2) or '0') if w else ('-', '0')
        out.append((m.group(2), path, lnum, f'{m.group(1)}: {m.group(3)}'))
    # checkpatch exits 1 when it finds something; anything else (or 1
    # with nothing found) means it did not check the whole mail.
    if res.returncode > 1 or (res.returncode and not out):
        sys.exit(f'error: checkpatch failed on {mail}: {res.stderr.strip()}')
    return out


def main():
    some = len(sys.argv) > 1 and sys.argv[1] == '--some'
    if some:
        del sys.argv[1]
    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[0])
    tree = os.path.abspath(sys.argv[1])
    mails = [os.path.abspath(m) for m in sys.argv[2:]]
    accepted = accepted_entries()
    seen = {}
    bad = allowed = 0
    workdir = tree_view(tree)
    for mail in mails:
        name = os.path.basename(mail)
        for kind, path, lnum, msg in findings(tree, mail, workdir.name):
            key = (kind, path)
            if key in accepted and seen.get(key, 0) < accepted[key]:
                seen[key] = seen.get(key, 0) + 1
                allowed += 1
                continue
            bad += 1
            print(f'{name}: {kind} {path}:{lnum}: {msg}')
    stale = [] if some else [k for k, n in accepted.items() if seen.get(k, 0) != n]
    for kind, path in stale:
        print(f'harness/checkpatch-accepted: {kind} {path}: {accepted[(kind, path)]} '
              f'accepted, {seen.get((kind, path), 0)} found')
    print(f'checkpatch --strict: {len(mails)} mails, {bad} findings, '
          f'{allowed} accepted (harness/checkpatch-accepted)')
    sys.exit(1 if bad or stale else 0)


if __name__ == '__main__':
    main()
