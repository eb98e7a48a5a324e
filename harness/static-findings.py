#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""static-findings.py: the findings of harness/check-static.sh in our code.

static-findings.py --tree T --pristine P --out O --new LIST --changed LIST
                   [--external DIR] [--kdoc-pristine LOG] CHECK:LOG...

Reads the logs of the checks (a W=1 build, a C=2 sparse run, kernel-doc)
and prints, one a line, "CHECK: FILE:LINE: message" for every warning or
error that is ours:
  - in a file of LIST --new (the files the series adds), or of DIR;
  - in an upstream file of LIST --changed, on a line that the series adds
    to it (diff -U0 between the pristine and the assembled file); for
    kernel-doc, a warning that the pristine file does not give (the same
    message, line numbers aside, fewer times or not at all).
Continuation lines of a message (sparse's "expected"/"got", kernel-doc's
quoted line) follow it, indented. Exit status 1 when there is a finding.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

# path:line[:col]: warning|error: message (compiler, sparse, kernel-doc)
LOCATED = re.compile(r'^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+:)? '
                     r'(?P<kind>warning|error): (?P<msg>.*)$')
# sparse continues a message on lines of the same location, indented
CONTINUED = re.compile(r'^[^\s:][^:]*:\d+:(?:\d+:)?\s{2,}(?P<text>\S.*)$')
# objtool names the object: path.o: warning: objtool: message
OBJTOOL = re.compile(r'^(?P<path>\S+)\.o: (?P<kind>warning|error): '
                     r'(?P<msg>objtool: .*)$')


def added_lines(pristine, tree, path):
    """Line numbers of the assembled file that the series adds."""
    res = subprocess.run(['diff', '-U0', os.path.join(pristine, path),
                          os.path.join(tree, path)],
                         capture_output=True, text=True)
    lines = set()
    for m in re.finditer(r'^@@ -\S+ \+(\d+)(?:,(\d+))? @@', res.stdout, re.M):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        lines.update(range(start, start + count))
    return lines


class Classifier:
    def __init__(self, args):
        self.tree = os.path.realpath(args.tree)
        self.pristine = os.path.realpath(args.pristine)
        self.out = os.path.realpath(args.out)
        self.external = os.path.realpath(args.external) if args.external else None
        self.new = set(read_list(args.new))
        self.changed = set(read_list(args.changed))
        self._added = {}

    def relative(self, path):
        """The path relative to the tree (or absolute, in DIR), or None."""
        if not os.path.isabs(path):
            path = os.path.join(self.out, path)
        path = os.path.realpath(path)
        if self.external and path.startswith(self.external + '/'):
            return path
        for root in (self.tree, self.pristine):
            if path.startswith(root + '/'):
                return os.path.relpath(path, root)
        return None

    def ours(self, path, line):
        """Whether a finding at path:line is in what the series adds."""
        if path is None:
            return False
        if path in self.new or os.path.isabs(path):
            return True
        if path not in self.changed or line is None:
            return False
        if path not in self._added:
            self._added[path] = added_lines(self.pristine, self.tree, path)
        return line in self._added[path]


def read_list(name):
    with open(name) as f:
        return [line.strip() for line in f if line.strip()]


def parse(log, skip_uncolumned=False):
    """(path, line or None, kind, message, continuation lines) of a log."""
    items = []
    last = None	# the item that the next indented line continues
    with open(log, errors='replace') as f:
        for raw in f:
            raw = raw.rstrip('\n')
            m = LOCATED.match(raw) or OBJTOOL.match(raw)
            if m and skip_uncolumned and 'col' in m.groupdict() and not m['col']:
                # kbuild runs kernel-doc (without -Wall) on what W=1
                # compiles; the kernel-doc check covers that.
                last = None
                continue
            if m:
                line = int(m['line']) if 'line' in m.groupdict() else None
                path = m['path'] if line is not None else m['path'] + '.c'
                last = [path, line, m['kind'], m['msg'], []]
                items.append(last)
            elif last and len(last[4]) < 3 and CONTINUED.match(raw):
                last[4].append(CONTINUED.match(raw)['text'])
            elif last and len(last[4]) < 3 and (
                    raw.startswith((' ', '\t')) or
                    (last[3].endswith(':') and not last[4])):
                # sparse's "expected"/"got", gcc's quoted source, the
                # line kernel-doc quotes after a message ending in ":"
                last[4].append(raw.strip())
            else:
                last = None
    return items


def kdoc_key(path, msg):
    return (path, re.sub(r'\bline \d+\b', 'line N', msg))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tree', required=True)
    ap.add_argument('--pristine', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--new', required=True)
    ap.add_argument('--changed', required=True)
    ap.add_argument('--external')
    ap.add_argument('--kdoc-pristine')
    ap.add_argument('logs', nargs='+', metavar='CHECK:LOG')
    args = ap.parse_args()
    c = Classifier(args)

    # kernel-doc warnings the pristine files already give, counted.
    known = collections.Counter()
    if args.kdoc_pristine:
        for path, _, _, msg, _ in parse(args.kdoc_pristine):
            known[kdoc_key(c.relative(os.path.join(c.pristine, path)), msg)] += 1

    seen = set()
    findings = []
    for spec in args.logs:
        check, log = spec.split(':', 1)
        for path, line, kind, msg, more in parse(log, check != 'kernel-doc'):
            if check == 'kernel-doc':
                path = c.relative(path if os.path.isabs(path)
                                  else os.path.join(c.tree, path))
                key = kdoc_key(path, msg)
                if path in c.changed:
                    if known[key] > 0:
                        known[key] -= 1
                        continue
                elif not c.ours(path, line):
                    continue
            else:
                path = c.relative(path)
                if not c.ours(path, line):
                    continue
            where = f'{path}:{line}' if line is not None else path
            text = f'{check}: {where}: {kind}: {msg}'
            if text in seen:	# a header's warning, once per object
                continue
            seen.add(text)
            findings.append(text)
            findings.extend(f'    {m}' for m in more)
    for f in findings:
        print(f)
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())
