#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make-series.py BASE OUT: write the series as mails that git am applies.

BASE is a 6.12 kernel tree (build/src/linux-6.12, Debian's linux-source);
OUT receives 0000-cover-letter.patch and one mail per step of
patches/steps. The mails are made by git itself: a scratch repository
holding the upstream files the series changes gets one commit per step (the
step's diffs applied with git apply, its new files added), and
git format-patch writes them out. Each commit is signed off by the person
building the series: SIGNOFF="Name <mail>" or, without it, git config
user.name and user.email of this repository. No identity, no series.

The same input gives the same mails: author and commit dates are those of
this repository's last commit.

make-series.py --repo-only BASE REPO only makes the scratch repository, in
REPO, for harness/check-series.sh to build each prefix of the series from.
Its commits carry no sign-off, as they are never sent.
"""

import os
import textwrap
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATCHES = os.path.join(ROOT, 'patches')
# Top-level directories of a kernel tree, as harness/assemble.sh has them:
# repository files below them are the files the series adds.
KERNEL_DIRS = ('arch block certs crypto Documentation drivers fs include init '
               'io_uring ipc kernel lib mm net rust samples scripts security '
               'sound tools usr virt').split()


def die(msg):
    print(f'error: {msg}', file=sys.stderr)
    sys.exit(1)


def git(args, cwd, env=None, strip=True):
    res = subprocess.run(['git'] + args, cwd=cwd, env=env, text=True,
                         capture_output=True)
    if res.returncode:
        die(f'git {" ".join(args)}: {res.stderr.strip()}')
    return res.stdout.strip() if strip else res.stdout


def identity():
    signoff = os.environ.get('SIGNOFF', '').strip()
    if signoff:
        m = re.fullmatch(r'(.+?)\s*<([^<>@\s]+@[^<>\s]+)>', signoff)
        if not m:
            die(f'SIGNOFF="{signoff}" is not "Name <mail>"')
        return m.group(1), m.group(2)
    name = subprocess.run(['git', 'config', 'user.name'], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()
    mail = subprocess.run(['git', 'config', 'user.email'], cwd=ROOT, text=True,
                          capture_output=True).stdout.strip()
    if not name or not mail:
        die('nobody to sign the series off: set SIGNOFF="Name <mail>" or '
            'git config user.name and user.email')
    return name, mail


def series_order():
    names = []
    with open(os.path.join(PATCHES, 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line)
    return names


def description(patch):
    """Subject and body of a diff of patches/: everything before '---'."""
    with open(os.path.join(PATCHES, patch)) as f:
        text = f.read()
    head = text.split('\n---\n', 1)[0].rstrip('\n').split('\n')
    if len(head) < 3 or head[1] != '':
        die(f'patches/{patch}: the first line must be the subject, then a blank line and the message')
    return head[0], '\n'.join(head[2:])


def parse_steps():
    """The steps of patches/steps, and the name of its MAINTAINERS diff."""
    steps = []
    maintainers = None
    # KHO_STEPS: another steps file, for the tests of this script.
    path = os.environ.get('KHO_STEPS') or os.path.join(PATCHES, 'steps')
    with open(path) as f:
        lines = f.read().split('\n')
    for n, line in enumerate(lines, 1):
        where = f'{os.path.relpath(path, ROOT)}:{n}'
        # A tab-only line is a blank line of the message: test for the
        # message first.
        if line.startswith('\t'):
            if not steps or steps[-1]['from_patch'] or steps[-1]['closed']:
                die(f'{where}: message line outside a "step SUBJECT"')
            steps[-1]['body'].append(line[1:].rstrip())
            continue
        if not line.strip():
            if steps and steps[-1]['body'] and not steps[-1]['from_patch'] \
               and not steps[-1]['closed']:
                die(f'{where}: an empty line inside a message (a blank line of the message is a lone tab)')
            continue
        if line.startswith('#'):
            continue
        word, _, arg = line.partition(' ')
        arg = arg.strip()
        if not arg:
            die(f'{where}: "{word}" needs an argument')
        if word == 'maintainers':
            if maintainers:
                die(f'{where}: a second "maintainers" diff')
            maintainers = arg
            continue
        if word == 'step':
            step = {'patches': [], 'files': [], 'body': [], 'closed': False,
                    'from_patch': arg.startswith('@'), 'where': where}
            if step['from_patch']:
                step['patches'].append(arg[1:])
                step['subject'], body = description(arg[1:])
                step['body'] = body.split('\n')
            else:
                step['subject'] = arg
            steps.append(step)
        elif word in ('patch', 'file'):
            if not steps:
                die(f'{where}: "{word}" before the first step')
            steps[-1]['closed'] = True
            steps[-1]['patches' if word == 'patch' else 'files'].append(arg)
        else:
            die(f'{where}: unknown keyword "{word}"')
    for step in steps:
        body = '\n'.join(step['body']).strip('\n')
        if not body:
            die(f'{step["where"]}: the step has no message')
        step['body'] = body
    return steps, maintainers


def tree_files():
    """The repository's files that belong to the kernel tree (the overlay).

    Only what git tracks: the series must be what a clone of the repository
    gives. A file in a kernel directory that git neither tracks nor ignores
    is refused, rather than silently left out.
    """
    dirs = [d for d in KERNEL_DIRS if os.path.isdir(os.path.join(ROOT, d))]
    untracked = git(['ls-files', '--others', '--exclude-standard', '--'] + dirs, ROOT)
    if untracked:
        die('files in the kernel tree that git does not track (add or remove them): '
            + ', '.join(untracked.split('\n')))
    tracked = git(['ls-files', '--'] + dirs, ROOT)
    return sorted(tracked.split('\n')) if tracked else []


def assign_files(steps):
    """Every overlay file in exactly one step; a step's file entry must match."""
    files = tree_files()
    owner = {}
    for i, step in enumerate(steps):
        step['new'] = []
        for entry in step['files']:
            if entry.endswith('/'):
                hits = [f for f in files if f.startswith(entry)]
            else:
                hits = [f for f in files if f == entry]
            if not hits:
                die(f'{step["where"]}: "file {entry}" matches no file of the repository')
            for f in hits:
                if f in owner:
                    die(f'{f} is in two steps: "{steps[owner[f]]["subject"]}" and "{step["subject"]}"')
                owner[f] = i
                step['new'].append(f)
    missing = [f for f in files if f not in owner]
    if missing:
        die('files of the kernel tree in no step of patches/steps: ' + ', '.join(missing))


def check_patch_order(steps, maintainers):
    used = [p for s in steps for p in s['patches']]
    order = series_order()
    if maintainers:
        if maintainers not in order:
            die(f'patches/steps names {maintainers}, which is not in patches/series')
        if maintainers in used:
            die(f'{maintainers} is the MAINTAINERS diff: it belongs to no step')
        order.remove(maintainers)
    for p in used:
        if p not in order:
            die(f'patches/steps names {p}, which is not in patches/series')
    if used != order:
        missing = [p for p in order if p not in used]
        if missing:
            die('diffs of patches/series in no step: ' + ', '.join(missing))
        die('patches/steps must use the diffs of patches/series once each, in series order')


def maintainers_hunk(name):
    """The one hunk of the MAINTAINERS diff NAME: the lines of the
    entry it adds, and the hunk's text up to them and after them."""
    with open(os.path.join(PATCHES, name)) as f:
        text = f.read()
    files = re.findall(r'(?m)^\+\+\+ b/(\S+)', text)
    hunks = re.findall(r'(?m)^@@ ', text)
    if files != ['MAINTAINERS'] or len(hunks) != 1:
        die(f'patches/{name}: must be one hunk on MAINTAINERS alone')
    head, hunk = text.split('\n@@ ', 1)
    lines = ('@@ ' + hunk).rstrip('\n').split('\n')
    added = [i for i, l in enumerate(lines) if l.startswith('+')]
    if not added or added != list(range(added[0], added[-1] + 1)) or \
       any(l.startswith('-') for l in lines):
        die(f'patches/{name}: must add one block of lines and remove none')
    return head, lines, added[0], added[-1] + 1


def pattern_matches(pattern, path):
    """F: as scripts/get_maintainer.pl reads it: the pattern, with * and ?
    as wildcards, matches the start of the path; DIR/ is everything below
    DIR, any other pattern must have as many slashes as the path."""
    regex = re.escape(pattern).replace(r'\*', '.*').replace(r'\?', '.')
    if not re.match(regex, path):
        return False
    return pattern.endswith('/') or path.count('/') == pattern.count('/')


def check_maintainers(name, steps):
    """Every new file in an F: line of the entry; every F: line used."""
    _, lines, first, end = maintainers_hunk(name)
    patterns = [l[4:] for l in lines[first:end] if l.startswith('+F:\t')]
    new = [f for s in steps for f in s['new']]
    lost = [f for f in new if not any(pattern_matches(p, f) for p in patterns)]
    if lost:
        die(f'patches/{name}: files in no F: line: {", ".join(lost)}')
    unused = [p for p in patterns if not any(pattern_matches(p, f) for f in new)]
    if unused:
        die(f'patches/{name}: F: lines that match no file of the series: {", ".join(unused)}')


def maintainers_for(name, present):
    """The MAINTAINERS diff NAME cut to the F: lines of files PRESENT,
    or None while none of them is there yet."""
    head, lines, first, end = maintainers_hunk(name)
    block = [l for l in lines[first:end]
             if not l.startswith('+F:\t') or
             any(pattern_matches(l[4:], f) for f in present)]
    if not any(l.startswith('+F:\t') for l in block):
        return None
    m = re.match(r'@@ -(\d+),(\d+) \+(\d+),(\d+) @@(.*)', lines[0])
    if not m:
        die(f'patches/{name}: cannot read the hunk header {lines[0]}')
    old = int(m.group(2))
    body = lines[1:first] + block + lines[end:]
    header = f'@@ -{m.group(1)},{old} +{m.group(3)},{old + len(block)} @@{m.group(5)}'
    return head + '\n' + '\n'.join([header] + body) + '\n'


def update_maintainers(work, env, name, present):
    """MAINTAINERS as of this step: the base's, plus the entry with the
    F: lines of the files the series has added so far."""
    diff = maintainers_for(name, present)
    with open(os.path.join(work, 'MAINTAINERS'), 'w') as f:
        f.write(git(['show', 'base:MAINTAINERS'], work, env, strip=False))
    if diff:
        res = subprocess.run(['git', 'apply', '-'], cwd=work, env=env,
                             text=True, input=diff, capture_output=True)
        if res.returncode:
            die(f'patches/{name} does not apply: {res.stderr.strip()}')
    git(['add', 'MAINTAINERS'], work, env)


def patched_upstream_files(order):
    names = set()
    for p in order:
        with open(os.path.join(PATCHES, p)) as f:
            for line in f:
                m = re.match(r'--- a/(\S+)', line)
                if m:
                    names.add(m.group(1))
    return sorted(names)


def cover_letter(path, base):
    with open(path) as f:
        text = f.read()
    kver = open(os.path.join(base, '.kho-kernelversion')).read().strip()
    debver = open(os.path.join(base, '.kho-version')).read().strip()
    peer_file = os.path.join(ROOT, 'build', 'obj', 'peer', '.kho-peer')
    if os.path.exists(peer_file):
        peer = open(peer_file).read().strip()
        peer = re.sub(r'^peer: ', '', peer)
    else:
        peer = 'not built on this machine (make peer)'
    # run-tests.sh leaves "N passed, N failed on DESCRIBE, DATE, ACCEL".
    summary_file = os.path.join(ROOT, 'build', 'test-logs', 'summary')
    here = git(['describe', '--always', '--dirty'], ROOT)
    if os.path.exists(summary_file):
        results = open(summary_file).read().strip()
        if f' on {here},' not in results:
            results = f'none yet for {here} (the last run: {results})'
    else:
        results = 'make check has not run on this machine'
    paragraphs = [
        'Kexec HandOver (KHO) lets a running kernel hand memory and state to '
        'the next kernel across kexec: folios, page ranges and vmalloc areas '
        'stay where they are, and their owners take them back after the '
        'reboot. With it, a host can update its kernel while VM memory, '
        'pstore and ftrace buffers (reserve_mem=), a persistent tmpfs '
        '(-o kho=NAME) and driver state stay in place. Mainline Linux gained '
        'KHO in 6.16; this series brings it to 6.12.',
        'The handover format is mainline\'s (kho-v4: the root FDT, the radix '
        'map of preserved blocks, the vmalloc and metadata records), so a '
        '6.12 kernel with the series hands over to mainline and takes over '
        'from it, and a module written against mainline\'s KHO API builds '
        f'against both. Tested against mainline as Debian packages it: {peer}.',
        f'Base: Linux {kver}. It applies with git am to kernel.org\'s tree '
        f'and to Debian\'s ({debver}); the series touches upstream files '
        'only where KHO must hook in and adds the rest as new files. The '
        'KEXEC_HANDOVER option appears in the last kernel patch, after '
        'everything it builds against.',
        'Tests (make check of the repository the series is generated from, '
        f'kernels in QEMU that really kexec): {results}.',
        'Known gaps: only x86_64 is supported.',
    ]
    blurb = '\n\n'.join(textwrap.fill(p, 72) for p in paragraphs)
    text = text.replace('*** SUBJECT HERE ***',
                        f'Kexec HandOver (KHO) for Linux {kver.rsplit(".", 1)[0]}')
    text = text.replace('*** BLURB HERE ***', blurb)
    with open(path, 'w') as f:
        f.write(text)


def main():
    args = sys.argv[1:]
    repo_only = bool(args) and args[0] == '--repo-only'
    if repo_only:
        args = args[1:]
    if len(args) != 2:
        die('usage: make-series.py [--repo-only] BASE OUT')
    base, out = (os.path.abspath(a) for a in args)
    if not os.path.isfile(os.path.join(base, '.kho-kernelversion')):
        die(f'{base} is not an unpacked base tree (make source)')
    if repo_only:
        name, mail = 'series check', 'series-check@localhost'
    else:
        name, mail = identity()
    steps, maintainers = parse_steps()
    check_patch_order(steps, maintainers)
    assign_files(steps)
    if maintainers:
        check_maintainers(maintainers, steps)

    date = git(['log', '-1', '--format=%aD'], ROOT)
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=mail,
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=mail,
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
               GIT_CONFIG_GLOBAL='/dev/null', GIT_CONFIG_NOSYSTEM='1')

    # The scratch repository: the upstream files the diffs change, as the
    # base has them. git am needs nothing else of the tree.
    if repo_only:
        work = out
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    else:
        work = tempfile.mkdtemp(prefix='kho-series.')
    for f in patched_upstream_files(series_order()):
        src = os.path.join(base, f)
        if not os.path.isfile(src):
            die(f'the base tree has no {f}, which patches/ changes')
        os.makedirs(os.path.dirname(os.path.join(work, f)), exist_ok=True)
        shutil.copy2(src, os.path.join(work, f))
    git(['init', '-q'], work, env)
    git(['add', '-A'], work, env)
    git(['commit', '-q', '-m', f'base: {open(os.path.join(base, ".kho-version")).read().strip()}'],
        work, env)
    git(['tag', 'base'], work, env)

    present = []
    for step in steps:
        for p in step['patches']:
            res = subprocess.run(['git', 'apply', '--index', os.path.join(PATCHES, p)],
                                 cwd=work, env=env, text=True, capture_output=True)
            if res.returncode:
                die(f'patches/{p} does not apply in series order: {res.stderr.strip()}')
        for f in step['new']:
            dst = os.path.join(work, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, f), dst)
            git(['add', '-f', f], work, env)
        present += step['new']
        if maintainers:
            update_maintainers(work, env, maintainers, present)
        message = f'{step["subject"]}\n\n{step["body"]}\n'
        if not repo_only:
            message += f'\nSigned-off-by: {name} <{mail}>\n'
        res = subprocess.run(['git', 'commit', '-q', '-F', '-'], cwd=work, env=env,
                             text=True, input=message, capture_output=True)
        if res.returncode:
            die(f'step "{step["subject"]}": git commit: {res.stderr.strip()}')

    if repo_only:
        print(f'series: {len(steps)} steps committed in {work}')
        return
    shutil.rmtree(out, ignore_errors=True)
    git(['format-patch', '-q', '--binary', '--cover-letter', '--numbered',
         '--no-signature', '-o', out, 'base..HEAD'], work, env)
    shutil.rmtree(work)
    cover = os.path.join(out, '0000-cover-letter.patch')
    cover_letter(cover, base)
    print(f'series: {len(steps)} patches and a cover letter in {out}, '
          f'signed off by {name} <{mail}>')


if __name__ == '__main__':
    main()
