#!/usr/bin/env python3
"""Source-tree lint checks run by `meson test --suite lint`.

  lint.py length  SRCDIR   no .c/.h over 800 lines unless long-files.txt names it
  lint.py banned  SRCDIR   none of strcpy, strcat, sprintf, vsprintf, gets, atoi
  lint.py headers SRCDIR --cc CC... -- CFLAGS...   every header compiles alone
"""
import os
import re
import subprocess
import sys
import tempfile

MAX_LINES = 800
SKIP_DIRS = {'.git', 'subprojects', 'node_modules'}
BANNED = re.compile(r'\b(strcpy|strcat|sprintf|vsprintf|gets|atoi)\s*\(')
HERE = os.path.dirname(os.path.abspath(__file__))


def sources(top, exts):
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs
                         if d not in SKIP_DIRS and not d.startswith('build'))
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(root, f)


def allow_list():
    allowed = {}
    with open(os.path.join(HERE, 'long-files.txt')) as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            path, _, reason = line.partition(' ')
            if not reason.strip():
                sys.exit(f'long-files.txt: {path}: a reason is required')
            allowed[path] = reason.strip()
    return allowed


def check_length(top):
    allowed = allow_list()
    bad = 0
    for path in sources(top, ('.c', '.h')):
        rel = os.path.relpath(path, top)
        with open(path, errors='replace') as fh:
            n = sum(1 for _ in fh)
        if n > MAX_LINES and rel not in allowed:
            print(f'{rel}: {n} lines (over {MAX_LINES}; split it, or name it '
                  f'in tests/lint/long-files.txt with a reason)')
            bad += 1
    return bad


def check_banned(top):
    bad = 0
    for path in sources(top, ('.c', '.h')):
        rel = os.path.relpath(path, top)
        with open(path, errors='replace') as fh:
            for no, line in enumerate(fh, 1):
                code = line.split('//')[0]
                if BANNED.search(code):
                    print(f'{rel}:{no}: banned call: {line.strip()}')
                    bad += 1
    return bad


def check_headers(top, cc, cflags):
    bad = 0
    roots = [os.path.join(top, d) for d in sorted(os.listdir(top))
             if os.path.isdir(os.path.join(top, d))
             and d not in SKIP_DIRS and not d.startswith('build')
             and d not in ('tests', 'guest')]
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'hdr.c')
        for root in roots:
            for path in sources(root, ('.h',)):
                rel = os.path.relpath(path, top)
                with open(src, 'w') as fh:
                    fh.write(f'#include "{path}"\n')
                r = subprocess.run(cc + cflags + ['-fsyntax-only', src],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    print(f'{rel}: does not compile on its own:')
                    print(r.stderr.strip())
                    bad += 1
    return bad


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    mode, top = sys.argv[1], sys.argv[2]
    if mode == 'length':
        bad = check_length(top)
    elif mode == 'banned':
        bad = check_banned(top)
    elif mode == 'headers':
        args = sys.argv[3:]
        if not args or args[0] != '--cc' or '--' not in args:
            sys.exit('usage: lint.py headers SRCDIR --cc CC... -- CFLAGS...')
        sep = args.index('--')
        bad = check_headers(top, args[1:sep], args[sep + 1:])
    else:
        sys.exit(f'unknown check: {mode}')
    print(f'{mode}: {bad} problem(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
