#!/usr/bin/python3
"""libxenstore (include/xvm/xenstore.h) against the daemon: a C client."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xsd  # noqa: E402

client = os.environ.get('XSD_LIBCLIENT')
if not client:
    xsd.skip('XSD_LIBCLIENT not set (run through meson test)')
d = xsd.Daemon().start()
try:
    r = d.run([client])
    print(r.stdout.decode(), r.stderr.decode())
    if r.returncode != 0:
        xsd.fail('libxenstore client failed')
finally:
    d.cleanup()
