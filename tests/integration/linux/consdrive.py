#!/usr/bin/env python3
"""Drive an interactive console program through a pseudo-terminal, as a person would.

  consdrive.py SECONDS STEP... -- COMMAND...

Each STEP is "expect:TEXT" (wait until TEXT appears in the output, at most SECONDS from
the step's start) or "send:TEXT" (type TEXT; \\r, \\n and \\xNN escapes are understood).
Everything the program printed goes to stdout.  Exit 0 when every step passed, 1 with
the failing step named on stderr, and the program is then hung up on.
"""
import os
import pty
import select
import signal
import sys
import time


def unescape(s):
    return s.encode().decode('unicode_escape').encode('latin-1')


def main():
    secs = float(sys.argv[1])
    sep = sys.argv.index('--')
    steps, cmd = sys.argv[2:sep], sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b''
    out = sys.stdout.buffer

    def pump(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        seen += data
        out.write(data)
        out.flush()
        return True

    status = 0
    cursor = 0		# output before this was matched by an earlier step
    for step in steps:
        kind, _, text = step.partition(':')
        if kind == 'send':
            for ch in unescape(text):
                os.write(fd, bytes([ch]))
                time.sleep(0.01)	# typed, not pasted
            continue
        want = unescape(text)
        deadline = time.monotonic() + secs
        while seen.find(want, cursor) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not pump(min(left, 0.5)):
                sys.stderr.write(f'\nconsdrive: step {step!r}: not seen '
                                 f'within {secs:.0f} s\n')
                status = 1
                break
        if status:
            break
        cursor = seen.find(want, cursor) + len(want)
    # Leave the program a moment to finish what the last step started.
    end = time.monotonic() + 2
    while time.monotonic() < end and pump(0.2):
        pass
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return status


sys.exit(main())
