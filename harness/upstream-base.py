#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""upstream-base.py DEBIAN_TREE DEST: kernel.org's files at Debian's version.

The series is written against Debian's linux-source-6.12, but kernel teams
carry it on kernel.org's 6.12.y. Debian's mirror does not always serve the
.orig tarball of the exact version linux-source-6.12 has (6.12.117 is listed
in trixie's Sources but answers 404), so this script rebuilds kernel.org's
version of every upstream file the series changes, from Debian's tree:

 1. the newest 6.12 `linux` source package the mirror serves, no newer than
    Debian's tree, gives Debian's own patches (debian/patches) and the
    pristine .orig tarball of that older version;
 2. the hunks of Debian's patches that touch our files are reversed out of
    Debian's copies, newest patch first, with no fuzz: a patch that no
    longer reverses exactly stops the script;
 3. cross-check: the same hunks applied to the older .orig give Debian's
    older files; merging "Debian old -> kernel.org old" into Debian's
    current file must give the same result as step 2, without conflict.

DEST receives only those files (a sparse tree) plus:
  .kho-version        what the tree is, in one line
  .kho-kernelversion  the kernel version (6.12.y)
  .kho-files          the files, one per line
  .kho-debian.diff    Debian's hunks on those files, forward, in series
                      order: applied to DEST, they give Debian's files back
  .kho-key            what it was made from: DEST is reused only when the
                      Debian tree, this script and the files are the same

The reconstruction assumes that Debian's patches on these files did not
change between that older package and Debian's tree; a Debian patch added
in between would stay in. The cross-check cannot see that: it only proves
that the hunks came out exactly.
"""

import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APT = os.path.join(ROOT, 'harness', 'apt-private.sh')
DOWNLOADS = os.path.join(ROOT, 'build', 'downloads')


def die(msg):
    print(f'error: {msg}', file=sys.stderr)
    sys.exit(1)


def run(args, **kw):
    return subprocess.run(args, text=True, capture_output=True, **kw)


def changed_files():
    """Upstream files that the diffs of patches/ change (not create)."""
    files = set()
    pdir = os.path.join(ROOT, 'patches')
    for name in os.listdir(pdir):
        if not name.endswith('.patch'):
            continue
        with open(os.path.join(pdir, name)) as f:
            for line in f:
                m = re.match(r'--- a/(\S+)', line)
                if m:
                    files.add(m.group(1))
    return sorted(files)


def version_le(a, b):
    return run(['dpkg', '--compare-versions', a, 'le', b]).returncode == 0


def source_file(version, suffix, why):
    """Path of the file, or None with the reason appended to WHY."""
    res = run([APT, 'source-file', 'linux', version, suffix, DOWNLOADS])
    if res.returncode == 0:
        return res.stdout.strip()
    errors = [l for l in res.stderr.splitlines() if l.startswith('error:')]
    why.append(errors[-1][7:] if errors else res.stderr.strip())
    return None


def pick_source(kernel_series, debian_version):
    """Newest linux source package of KERNEL_SERIES the mirror serves."""
    res = run([APT, 'source-versions', 'linux'])
    if res.returncode:
        die(f'cannot list the linux source package: {res.stderr.strip()}')
    versions = [v for v in res.stdout.split()
                if v.startswith(kernel_series + '.') and version_le(v, debian_version)]
    # Newest first, in dpkg's order (sort -V puts ~ the other way).
    versions.sort(key=functools.cmp_to_key(
        lambda a, b: 0 if a == b else (-1 if version_le(b, a) else 1)))
    missing = []
    for ver in versions:
        why = []
        debian_tar = source_file(ver, '.debian.tar.xz', why)
        orig_tar = debian_tar and source_file(ver, '.orig.tar.xz', why)
        if debian_tar and orig_tar:
            return ver, debian_tar, orig_tar
        print(f'  linux {ver}: {why[-1]}')
        missing.append(ver)
    die(f'no linux {kernel_series}.y source package up to {debian_version} '
        f'is on the mirror (tried: {" ".join(missing) or "none listed"})')


def split_patch(text, strip=1):
    """Yield (path, section) for each file of a unified diff whose paths
    carry STRIP leading components (patch -pSTRIP)."""
    sections = re.split(r'(?m)^(?=--- )', text)
    for sec in sections[1:]:
        # A header may carry a timestamp after a tab.
        m = re.match(r'--- [^\t\n]+(?:\t[^\n]*)?\n\+\+\+ ([^\t\n]+)', sec)
        if not m:
            continue
        parts = m.group(1).split('/')
        path = '/'.join(parts[strip:])
        # patch -p1 below: give the section a one-component prefix.
        sec = re.sub(r'\A--- [^\n]*\n\+\+\+ [^\n]*',
                     f'--- a/{path}\n+++ b/{path}', sec)
        # Keep the hunks only: drop what follows the last hunk (the next
        # patch header, a "diff --git" line, a signature).
        lines = sec.splitlines(keepends=True)
        keep = lines[:2]
        old = new = 0
        for line in lines[2:]:
            hm = re.match(r'@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@', line)
            if hm and old == 0 and new == 0:
                old = int(hm.group(1) or 1)
                new = int(hm.group(2) or 1)
                keep.append(line)
            elif old > 0 or new > 0:
                keep.append(line)
                if line.startswith('-'):
                    old -= 1
                elif line.startswith('+'):
                    new -= 1
                elif line.startswith('\\'):
                    pass
                else:
                    old -= 1
                    new -= 1
            else:
                break
        yield path, ''.join(keep)


def debian_hunks(debian_tar, files):
    """[(patch name, diff of its hunks on FILES)], in Debian's series order."""
    wanted = set(files)
    out = []
    with tarfile.open(debian_tar) as tar:
        series = tar.extractfile('debian/patches/series').read().decode()
        for line in series.splitlines():
            fields = line.split('#', 1)[0].split()
            if not fields:
                continue
            name, strip = fields[0], 1
            for opt in fields[1:]:
                if not re.fullmatch(r'-p\d+', opt):
                    die(f'debian/patches/series: option {opt} of {name} is not understood')
                strip = int(opt[2:])
            text = tar.extractfile('debian/patches/' + name) \
                .read().decode(errors='surrogateescape')
            diff = ''.join(sec for path, sec in split_patch(text, strip)
                           if path in wanted)
            if diff:
                out.append((name, diff))
    return out


def patch(tree, diff, reverse, what):
    args = ['patch', '-p1', '-F0', '-s', '--no-backup-if-mismatch', '-d', tree]
    if reverse:
        args.insert(1, '-R')
    for dry in (True, False):
        res = run(args + (['--dry-run'] if dry else []), input=diff)
        if res.returncode:
            die(f'{what} does not apply exactly:\n{res.stdout}{res.stderr}')


def patched_files(hunks):
    files = set()
    for _, diff in hunks:
        files.update(re.findall(r'(?m)^\+\+\+ \S+?/(\S+)', diff))
    return sorted(files)


def cross_check(orig_tar, prefix, hunks, dest, debian_tree, tmp):
    """Merge Debian-old -> kernel.org-old into Debian's file; compare."""
    files = patched_files(hunks)
    old = os.path.join(tmp, 'orig')
    with tarfile.open(orig_tar) as tar:
        for f in files:
            member = tar.getmember(f'{prefix}/{f}')
            os.makedirs(os.path.dirname(os.path.join(old, f)), exist_ok=True)
            with open(os.path.join(old, f), 'wb') as out:
                out.write(tar.extractfile(member).read())
    debian_old = os.path.join(tmp, 'debian-old')
    shutil.copytree(old, debian_old)
    for name, diff in hunks:
        patch(debian_old, diff, False, f'Debian patch {name} on the .orig')
    for f in files:
        res = run(['git', 'merge-file', '-p', os.path.join(debian_tree, f),
                   os.path.join(debian_old, f), os.path.join(old, f)])
        if res.returncode < 0 or res.returncode > 127:
            die(f'{f}: git merge-file failed: {res.stderr.strip()}')
        if res.returncode:
            die(f'{f}: removing Debian\'s patches by merge conflicts '
                f'({res.returncode} conflicts)')
        with open(os.path.join(dest, f)) as mine:
            if mine.read() != res.stdout:
                die(f'{f}: reversing Debian\'s hunks and merging out '
                    f'Debian\'s changes to the .orig give different files')
    return files


def build(debian_tree, dest, files):
    with open(os.path.join(debian_tree, '.kho-kernelversion')) as f:
        kernel = f.read().strip()
    with open(os.path.join(debian_tree, '.kho-version')) as f:
        debian_pkg, debian_version = f.read().split()
    series = '.'.join(kernel.split('.')[:2])
    ver, debian_tar, orig_tar = pick_source(series, debian_version)
    upstream_old = ver.split('-')[0]
    print(f'  Debian\'s patches and kernel.org {upstream_old}: '
          f'linux {ver} source package')
    hunks = debian_hunks(debian_tar, files)

    tmp = tempfile.mkdtemp(prefix='kho-upstream-')
    try:
        work = os.path.join(tmp, 'tree')
        for f in files:
            src = os.path.join(debian_tree, f)
            if not os.path.isfile(src):
                die(f'Debian\'s tree has no {f}')
            os.makedirs(os.path.dirname(os.path.join(work, f)), exist_ok=True)
            shutil.copy2(src, os.path.join(work, f))
        for name, diff in reversed(hunks):
            patch(work, diff, True, f'Debian patch {name}, reversed,')
            print(f'  reversed {name}')
        checked = cross_check(orig_tar, f'linux-{upstream_old}', hunks, work,
                              debian_tree, tmp)
        print(f'  cross-checked against kernel.org {upstream_old}: '
              f'{" ".join(checked) or "nothing to check"}')
        with open(os.path.join(work, '.kho-kernelversion'), 'w') as f:
            f.write(kernel + '\n')
        with open(os.path.join(work, '.kho-files'), 'w') as f:
            f.write(''.join(x + '\n' for x in files))
        with open(os.path.join(work, '.kho-debian.diff'), 'w') as f:
            f.write(''.join(diff for _, diff in hunks))
        with open(os.path.join(work, '.kho-version'), 'w') as f:
            f.write(f'Linux {kernel} (kernel.org), {len(files)} files: '
                    f'{debian_pkg} {debian_version} without the '
                    f'{len(hunks)} Debian patches of linux {ver} that touch '
                    f'{len(patched_files(hunks))} of them\n')
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        shutil.move(work, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        die(__doc__.splitlines()[0])
    debian_tree, dest = sys.argv[1], sys.argv[2]
    files = changed_files()
    # Reuse DEST only if it was made from this Debian tree, by this script,
    # for these files.
    with open(os.path.join(debian_tree, '.kho-version')) as f:
        key = f.read()
    with open(os.path.abspath(__file__), 'rb') as f:
        key += hashlib.sha256(f.read()).hexdigest() + '\n'
    key += ''.join(x + '\n' for x in files)
    listed = os.path.join(dest, '.kho-key')
    if os.path.isfile(listed):
        with open(listed) as f:
            if f.read() == key:
                with open(os.path.join(dest, '.kho-version')) as v:
                    print(f'upstream base: {v.read().strip()}')
                return
    build(debian_tree, dest, files)
    with open(listed, 'w') as f:
        f.write(key)
    with open(os.path.join(dest, '.kho-version')) as v:
        print(f'upstream base: {v.read().strip()}')


if __name__ == '__main__':
    main()
