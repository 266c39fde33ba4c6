#!/usr/bin/env python3
"""Rewrite an xm save file as a hostile one would, with a valid digest.

    craftsave.py IN OUT [PARAM=VALUE ...] [+TRAILING]

Each PARAM=VALUE sets HVM param PARAM (a number; 1 STORE_PFN, 2
STORE_EVTCHN, 17 CONSOLE_PFN, 18 CONSOLE_EVTCHN) in the HV_CONTEXT's
domain record; the END record's SHA-256 is computed again over the new
bytes, so only a check of the values can refuse the file.  +N appends N
bytes after END.  docs/save-format.md and docs/privcmd.md describe the
layouts read here.
"""
import hashlib
import struct
import sys

REC_HV_CONTEXT, REC_END = 4, 5
CTX_DOMAIN, CTX_END = 1, 4
PARAMS_AT = 40          # offset of hvm_param[] in struct privcmd_ctx_domain


def pad8(n):
    return (8 - n % 8) % 8


def set_params(ctx, params):
    ctx = bytearray(ctx)
    off = 0
    while off + 8 <= len(ctx):
        typ, ln = struct.unpack_from('<II', ctx, off)
        if typ == CTX_DOMAIN:
            for idx, val in params:
                struct.pack_into('<Q', ctx, off + 8 + PARAMS_AT + 8 * idx,
                                 val)
            return bytes(ctx)
        if typ == CTX_END:
            break
        off += 8 + ln + pad8(ln)
    sys.exit('craftsave: no domain record in the context')


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data = open(sys.argv[1], 'rb').read()
    params, trailing = [], 0
    for arg in sys.argv[3:]:
        if arg.startswith('+'):
            trailing = int(arg[1:])
        else:
            k, v = arg.split('=')
            params.append((int(k, 0), int(v, 0)))
    out, off = bytearray(data[:16]), 16
    while True:
        typ, ln = struct.unpack_from('<II', data, off)
        body = data[off + 8:off + 8 + ln]
        off += 8 + ln + pad8(ln)
        if typ == REC_END:
            break
        if typ == REC_HV_CONTEXT and params:
            body = set_params(body, params)
        out += struct.pack('<II', typ, len(body)) + body + \
            b'\0' * pad8(len(body))
    digest = hashlib.sha256(out).digest()
    out += struct.pack('<II', REC_END, 32) + digest + b'\0' * trailing
    open(sys.argv[2], 'wb').write(out)


main()
