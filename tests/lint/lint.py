#!/usr/bin/env python3
"""Source-tree lint checks run by `meson test --suite lint`.

  lint.py length  SRCDIR   no .c/.h/.inc over 800 lines unless long-files.txt
                           names it
  lint.py banned  SRCDIR   none of strcpy, strcat, sprintf, vsprintf, gets, atoi
  lint.py headers SRCDIR --cc CC... -- CFLAGS...   every header compiles alone
  lint.py abi     SRCDIR   the guest/dom0 ABI is defined in include/xvm/ only
  lint.py abi-selftest     the abi check finds what it must (a planted copy)
  lint.py freestanding SRCDIR --cc CC...   the guest ABI headers compile
                           with nothing but the compiler's own headers
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
    for path in sources(top, ('.c', '.h', '.inc')):
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


# The guest/dom0 ABI and the public headers (DESIGN.md §3) have one copy:
# include/xvm/.  Every name a header there defines (macro, struct, union,
# enum, enumerator, typedef) must not be defined again anywhere else -- a
# second definition is how copies start to drift.  Two copies under other
# names are caught by their data: the hypercall extension ID and xenstore's
# error-name table.
ABI_HOME = os.path.join('include', 'xvm')
ABI_GUEST_HEADERS = ('xen.h', 'xen_errno.h', 'xs_wire.h', 'xencons.h', 'sbi.h')
DEF_MACRO = re.compile(r'^\s*#\s*define\s+([A-Za-z_]\w*)')
DEF_TAG = re.compile(r'\b(?:struct|union|enum)\s+([A-Za-z_]\w*)\s*\{')
DEF_ENUMERATOR = re.compile(r'^\s*([A-Z_][A-Z0-9_]*)\s*(?:=[^=][^,]*)?,?\s*'
                            r'(?:/\*.*)?$')
DEF_TYPEDEF = re.compile(r'^\s*typedef\b.*?\b([A-Za-z_]\w*)\s*(?:\[[^]]*\])?;')
ABI_DATA = [
    (re.compile(r'\b0x0*a5845(?:4e|00)(?![0-9a-f])', re.I),
     'the hypercall extension ID (XVM_HCALL_EID in xvm/xen.h)'),
    (re.compile(r'"(?:EISCONN|ENOTEMPTY)"'),
     "xenstore's error names (xsd_errors[] in xvm/xs_wire.h)"),
]


def definitions(lines):
    """(line number, name) of what these lines define; tags (struct,
    union and enum names) are 'struct NAME', a namespace of their own."""
    in_enum = False
    for no, line in enumerate(lines, 1):
        code = re.sub(r'//.*|/\*.*?\*/', '', line)
        if re.search(r'\benum\b[^;]*\{', code):
            in_enum = '}' not in code
        elif in_enum:
            if '}' in code:
                in_enum = False
            else:
                m = DEF_ENUMERATOR.match(line)
                if m:
                    yield no, m.group(1)
        for rx in (DEF_MACRO, DEF_TYPEDEF):
            m = rx.search(code)
            if m:
                yield no, m.group(1)
        m = DEF_TAG.search(code)
        if m:
            yield no, 'struct ' + m.group(1)


def abi_names(top):
    """Every name include/xvm/ defines, but its include guards."""
    names = {}
    home = os.path.join(top, ABI_HOME)
    for path in sources(home, ('.h',)):
        with open(path, errors='replace') as fh:
            lines = fh.read().split('\n')
        guard = None
        for line in lines:
            m = re.match(r'\s*#\s*ifndef\s+(\w+)', line)
            if m:
                guard = m.group(1)
                break
        for _, name in definitions(lines):
            if name != guard:
                names[name] = os.path.relpath(path, top)
    return names


def abi_problems(top):
    names = abi_names(top)
    for path in sources(top, ('.c', '.h', '.inc', '.S')):
        rel = os.path.relpath(path, top)
        if rel.startswith(ABI_HOME + os.sep):
            continue
        with open(path, errors='replace') as fh:
            lines = fh.read().split('\n')
        for no, name in definitions(lines):
            if name in names:
                yield (f'{rel}:{no}: defines {name} again: the one copy is '
                       f'{names[name]}; include that instead')
        if rel.startswith(os.path.join('tests', 'lint') + os.sep):
            continue
        for no, line in enumerate(lines, 1):
            for rx, what in ABI_DATA:
                if rx.search(line):
                    yield (f'{rel}:{no}: a copy of {what}; include '
                           f'include/xvm/ instead')


def check_abi(top):
    bad = 0
    for msg in abi_problems(top):
        print(msg)
        bad += 1
    return bad


def check_abi_selftest():
    """The check must fail on each kind of copy it exists to catch."""
    home = {
        'xen.h': '#ifndef XVM_XEN_H\n#define XVM_XEN_H\n'
                 '#define VIRQ_DOM_EXC 3\n'
                 'struct shared_info {\n\tint x;\n};\n'
                 'typedef uint16_t domid_t;\n'
                 'enum xsd_sockmsg_type {\n\tXS_READ = 2,\n\tXS_WRITE,\n};\n'
                 '#endif\n',
    }
    planted = {
        'a.c': '#define XS_WRITE 11\n',
        'b.h': 'struct shared_info {\n\tchar in[1024];\n};\n',
        'c.c': '#  define VIRQ_DOM_EXC 3\n',
        'd.c': 'enum t {\n\tXS_READ = 2,\n};\n',
        'e.c': 'long eid = 0x0A58454EUL;\n',
        'f.c': '{ EISCONN, "EISCONN" },\n',
        'g.h': 'typedef unsigned short domid_t;\n',
    }
    clean = {
        'ok.c': '#include <xvm/xen.h>\n#ifndef XVM_XEN_H\n#define XVM_XEN_H\n'
                '#endif\nint x = XS_WRITE + VIRQ_DOM_EXC;\n'
                'struct shared_info *sh;\ndomid_t d;\n'
                'enum mine {\n\tMINE_A,\n};\n',
    }
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, ABI_HOME))
        for name, text in home.items():
            with open(os.path.join(tmp, ABI_HOME, name), 'w') as fh:
                fh.write(text)
        for name, text in {**planted, **clean}.items():
            with open(os.path.join(tmp, name), 'w') as fh:
                fh.write(text)
        found = {msg.split(':')[0] for msg in abi_problems(tmp)}
        for name in planted:
            if name not in found:
                print(f'abi check missed the copy planted in {name}')
                bad += 1
        for name in clean:
            if name in found:
                print(f'abi check flagged {name}, which only uses the ABI')
                bad += 1
    return bad


def check_freestanding(top, cc):
    """Guest code has no libc: these must need only stdint.h/stddef.h."""
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'abi.c')
        for name in ABI_GUEST_HEADERS:
            with open(src, 'w') as fh:
                fh.write(f'#include <xvm/{name}>\n')
            r = subprocess.run(cc + [
                '-std=c11', '-ffreestanding', '-nostdinc', '-Wall', '-Wextra',
                '-Werror', '-Wundef', '-isystem', compiler_include(cc),
                '-I', os.path.join(top, 'include'), '-fsyntax-only', src],
                capture_output=True, text=True)
            if r.returncode != 0:
                print(f'include/xvm/{name}: does not compile freestanding:')
                print(r.stderr.strip())
                bad += 1
    return bad


def compiler_include(cc):
    """The compiler's own header directory (stddef.h, stdint.h, ...)."""
    r = subprocess.run(cc + ['-print-file-name=include'],
                       capture_output=True, text=True, check=True)
    return r.stdout.strip()


def main():
    if len(sys.argv) == 2 and sys.argv[1] == 'abi-selftest':
        bad = check_abi_selftest()
        print(f'abi-selftest: {bad} problem(s)')
        return 1 if bad else 0
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    mode, top = sys.argv[1], sys.argv[2]
    if mode == 'length':
        bad = check_length(top)
    elif mode == 'banned':
        bad = check_banned(top)
    elif mode == 'abi':
        bad = check_abi(top)
    elif mode == 'freestanding':
        args = sys.argv[3:]
        if not args or args[0] != '--cc':
            sys.exit('usage: lint.py freestanding SRCDIR --cc CC...')
        bad = check_freestanding(top, args[1:])
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
