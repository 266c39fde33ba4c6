#!/usr/bin/env bash
# xm dmesg and the API's /host/dmesg (issue 13, item 20): -c prints the
# hypervisor's message buffer and clears it, so the next read no longer
# has those lines; lines written after the clear are there.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
SOCK=$T_ROOT/run/xvm/xvmd.sock
xm() { "$XM" --root "$T_ROOT" "$@"; }

t_stack || exit 1

first="Domain-0 is the host"
out=$(xm dmesg)
if [[ $? -eq 0 && $out == *"$first"* ]]; then
	t_ok "xm dmesg shows the hypervisor's first line"
else
	t_not_ok "xm dmesg" "$out"
fi
out=$(xm dmesg -c)
if [[ $? -eq 0 && $out == *"$first"* ]]; then
	t_ok "xm dmesg -c prints the buffer"
else
	t_not_ok "xm dmesg -c prints" "$out"
fi
out=$(xm dmesg)
if [[ $? -eq 0 && $out != *"$first"* ]]; then
	t_ok "after xm dmesg -c the buffer no longer has those lines"
else
	t_not_ok "xm dmesg -c did not clear" "$(head -c 300 <<<"$out")"
fi

# Something new after the clear is there; the API's clear=1 clears too.
printf 'name = "d1"\nkernel = "/nonexistent"\n' >"$T_ROOT/d1.cfg"
xm create "$T_ROOT/d1.cfg" >/dev/null 2>&1
printf 'name = "m1"\nkernel = "%s"\nmemory = 16\n' "$XVM_BUILD/guest/minios/minios.elf" >"$T_ROOT/m1.cfg"
if [[ -f $XVM_BUILD/guest/minios/minios.elf ]] && xm create -p "$T_ROOT/m1.cfg" >/dev/null 2>&1; then
	out=$(curl -s --unix-socket "$SOCK" "http://localhost/host/dmesg?clear=1")
	if [[ $out == *"created"* ]]; then
		t_ok "a line written after the clear is read (clear=1)"
	else
		t_not_ok "new line after the clear" "$(head -c 300 <<<"$out")"
	fi
	out=$(curl -s --unix-socket "$SOCK" "http://localhost/host/dmesg")
	if [[ $out == *'"text"'* && $out != *"created"* ]]; then
		t_ok "GET /host/dmesg?clear=1 cleared it"
	else
		t_not_ok "clear=1 did not clear" "$(head -c 300 <<<"$out")"
	fi
	xm destroy m1 >/dev/null 2>&1
fi
t_done
