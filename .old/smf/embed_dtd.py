#!/usr/bin/env python3
"""Turn service_bundle.dtd.1 into a C function returning its text."""
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src) as fh:
    lines = fh.read().split('\n')
with open(dst, 'w') as out:
    out.write('/* Generated from service_bundle.dtd.1 by embed_dtd.py. */\n')
    out.write('#include "smf/manifest.h"\n\n')
    out.write('const char *\nmf_dtd_text(void)\n{\n\treturn\n')
    for line in lines:
        esc = line.replace('\\', '\\\\').replace('"', '\\"')
        esc = esc.replace('\t', '\\t')
        out.write(f'\t    "{esc}\\n"\n')
    out.write('\t    ;\n}\n')
