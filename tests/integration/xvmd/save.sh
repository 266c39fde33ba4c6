#!/usr/bin/env bash
# xm save and xm restore on the real stack: the mini-OS suspends through
# its store ring, is written to a file, comes back as a new domain and
# resumes (its watches too); bad files and guests that never suspend are
# refused with one clear line and change nothing.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
DEAF=$XVM_BUILD/tests/integration/xvmd/deafguest.elf
if [[ ! -f $GUEST || ! -f $DEAF ]]; then
	echo "# SKIP: the guests are not built"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 2)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME [KERNEL [SETTINGS...]]
	local name=$1 kernel=${2:-$GUEST}
	shift 2 2>/dev/null
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" "$kernel"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
uuid() { "$XM" list --json "$1" | awk -F'"' '/"uuid"/ { print $4; exit }'; }
running() { [ -n "$(domid "$1")" ]; }
conlog() { cat "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null; }
has_line() { conlog "$1" | grep -q "$2"; }
like() { [[ $1 == $2 ]]; }	# like TEXT GLOB

cfg sv1 "$GUEST" 'extra = "ticks=1"'
"$XM" create "$T_ROOT/sv1.cfg" >/dev/null
t_wait_for "sv1 to read its store" 10 has_line sv1 'workload: idle'
id=$(domid sv1)
u=$(uuid sv1)
out=$("$XM" save sv1 "$T_ROOT/sv1.save" 2>&1)
check "xm save sv1: exit 0, quiet: $out" [ -z "$out" ]
check "the file is there" [ -s "$T_ROOT/sv1.save" ]
check "no temporary file is left" bash -c "! ls '$T_ROOT'/sv1.save.* 2>/dev/null | grep -q ."
check "sv1 is gone after its save" bash -c "! '$XM' list sv1 >/dev/null 2>&1"
check "the guest suspended itself" has_line sv1 'pv: suspending'
out=$("$XM" restore "$T_ROOT/sv1.save" 2>&1)
check "xm restore: exit 0, quiet: $out" [ -z "$out" ]
check "sv1 runs again, as a new domain" bash -c "id=\$('$XM' domid sv1) && [ -n \"\$id\" ] && [ \"\$id\" != $id ]"
check "with its UUID" [ "$(uuid sv1)" = "$u" ]
t_wait_for "sv1 to resume" 10 has_line sv1 'pv: resumed'
check "the guest resumed" has_line sv1 'pv: resumed'
# Its watches came back with it: the shutdown request reaches it.
out=$("$XM" shutdown -w sv1 2>&1)
check "xm shutdown -w after the restore: $out" bash -c "! '$XM' list sv1 >/dev/null 2>&1"

# A relative path is the client's, not xvmd's.
"$XM" create "$T_ROOT/sv1.cfg" >/dev/null
t_wait_for "sv1 to read its store" 10 running sv1
sleep 0.5
(cd "$T_ROOT" && "$XM" save sv1 rel.save)
check "xm save to a relative path writes it there" [ -s "$T_ROOT/rel.save" ]
(cd "$T_ROOT" && "$XM" restore -p rel.save)
check "xm restore -p: paused" like "$("$XM" list sv1 | awk 'NR == 2 { print $5 }')" '*p*'
out=$("$XM" restore "$T_ROOT/rel.save" 2>&1)
check "restoring a domain that exists: refused: $out" [ "$out" = "Error: domain 'sv1' already exists" ]
"$XM" destroy sv1

# Bad files: one line, and no domain is left behind.
ndoms() { "$XM" list | wc -l; }
before=$(ndoms)
cp "$T_ROOT/sv1.save" "$T_ROOT/bad.save"
printf '\x5a' | dd of="$T_ROOT/bad.save" bs=1 seek=4200 conv=notrunc 2>/dev/null
out=$("$XM" restore "$T_ROOT/bad.save" 2>&1)
check "a corrupt file: $out" [ "$out" = "Error: cannot restore from $T_ROOT/bad.save: the file is corrupt" ]
head -c 100000 "$T_ROOT/sv1.save" >"$T_ROOT/bad.save"
out=$("$XM" restore "$T_ROOT/bad.save" 2>&1)
check "a truncated file: $out" [ "$out" = "Error: cannot restore from $T_ROOT/bad.save: the file is truncated" ]
out=$("$XM" restore "$T_ROOT/sv1.cfg" 2>&1)
check "not a save file: $out" [ "$out" = "Error: cannot restore from $T_ROOT/sv1.cfg: not a save file" ]
out=$("$XM" restore "$T_ROOT/nothere.save" 2>&1)
check "a missing file: $out" [ "$out" = "Error: $T_ROOT/nothere.save: No such file or directory" ]
# Crafted files: a digest made again over changed values (it is not a
# signature); the values are checked against the domain.  16 MiB of RAM
# are frames 0x80000-0x80fff.
CRAFT="python3 $(dirname "$0")/craftsave.py"
craft() {	# EXPECTED-ERROR CRAFT-ARGS...: the restore is refused so
	local want=$1 out
	shift
	$CRAFT "$T_ROOT/sv1.save" "$T_ROOT/bad.save" "$@"
	out=$("$XM" restore "$T_ROOT/bad.save" 2>&1)
	check "crafted ($*): $out" [ "$out" = "Error: cannot restore from $T_ROOT/bad.save: the file is corrupt$want" ]
}
craft ": its store page 0x10 is outside the domain's RAM (frames 0x80000-0x80fff)" 1=0x10
craft ": its console page 0x81000 is outside the domain's RAM (frames 0x80000-0x80fff)" 17=0x81000
craft ": its store event channel 0 is not a port (1-4095)" 2=0
craft ": its store and console share page 0x80100" 1=0x80100 17=0x80100
craft ": its store and console share event channel 1" 2=1 18=1
craft "" +8
check "no domain was left by the bad files" [ "$(ndoms)" = "$before" ]
# The same tool with nothing changed: the file restores (so the refusals
# above are the values', not the tool's).
$CRAFT "$T_ROOT/sv1.save" "$T_ROOT/same.save"
out=$("$XM" restore -p "$T_ROOT/same.save" 2>&1)
check "a file re-digested unchanged restores: $out" [ -z "$out" ]
"$XM" destroy sv1

# Bad saves.
out=$("$XM" save Domain-0 "$T_ROOT/x.save" 2>&1)
check "saving Domain-0: $out" [ "$out" = "Error: Domain-0 cannot be saved" ]
out=$("$XM" save nosuch "$T_ROOT/x.save" 2>&1)
check "saving an unknown domain: $out" [ "$out" = "Error: domain 'nosuch' does not exist" ]
cfg deaf "$DEAF"
"$XM" create "$T_ROOT/deaf.cfg" >/dev/null
out=$("$XM" save deaf "$T_ROOT/nodir/x.save" 2>&1)
check "saving into a missing directory: $out" [ "$out" = "Error: save file '$T_ROOT/nodir/x.save': no directory $T_ROOT/nodir" ]
# It says it can suspend (as a PV kernel does), then never does.
xenstore-write "/local/domain/$(domid deaf)/control/feature-suspend" 1
out=$("$XM" save deaf "$T_ROOT/deaf.save" 2>&1)
check "a guest that never suspends: $out" [ "$out" = "Error: domain 'deaf' did not suspend within 2 seconds (does its kernel support it?)" ]
check "it is left running" running deaf
check "its suspend request is withdrawn" [ -z "$(xenstore-read "/local/domain/$(domid deaf)/control/shutdown")" ]
check "and no file is written" [ ! -e "$T_ROOT/deaf.save" ]
"$XM" destroy deaf

# A guest that does not say it can suspend (a stock Linux) is not asked:
# paused and saved at once; restored, it runs on.
cfg deaf2 "$DEAF"
"$XM" create "$T_ROOT/deaf2.cfg" >/dev/null
out=$("$XM" save deaf2 "$T_ROOT/deaf2.save" 2>&1)
check "a guest without feature-suspend is saved paused: $out" [ -z "$out" ]
check "its file is written" [ -s "$T_ROOT/deaf2.save" ]
check "it is gone after the save" bash -c "! '$XM' domid deaf2 >/dev/null 2>&1"
out=$("$XM" restore "$T_ROOT/deaf2.save" 2>&1)
check "and restores: $out" running deaf2
"$XM" destroy deaf2

# xm save -c: a checkpoint; the guest runs on (a cancelled suspend for it)
# and still honours requests, and the file restores.
cfg ck1 "$GUEST"
"$XM" create "$T_ROOT/ck1.cfg" >/dev/null
t_wait_for "ck1 to read its store" 10 has_line ck1 'workload: idle'
id=$(domid ck1)
out=$("$XM" save -c ck1 "$T_ROOT/ck1.save" 2>&1)
check "xm save -c: exit 0, quiet: $out" [ -z "$out" ]
check "the checkpoint file is there" [ -s "$T_ROOT/ck1.save" ]
check "ck1 runs on, the same domain" [ "$(domid ck1)" = "$id" ]
t_wait_for "ck1 to carry on" 10 has_line ck1 'pv: suspend cancelled'
check "the guest was told the suspend was cancelled" has_line ck1 'pv: suspend cancelled'
check "it is not left paused" bash -c "! '$XM' list ck1 | awk 'NR == 2 { exit !(\$5 ~ /p/) }'"
out=$("$XM" shutdown -w ck1 2>&1)
check "and honours a shutdown after it: $out" bash -c "! '$XM' list ck1 >/dev/null 2>&1"
"$XM" restore "$T_ROOT/ck1.save"
check "the checkpoint restores" running ck1
"$XM" destroy ck1

# A managed domain comes back into its entry.
cfg m1 "$GUEST"
"$XM" new "$T_ROOT/m1.cfg"
"$XM" start m1
t_wait_for "m1 to read its store" 10 has_line m1 'workload: idle'
"$XM" save m1 "$T_ROOT/m1.save"
check "a saved managed domain stays listed, not running" bash -c "'$XM' list m1 >/dev/null && [ -z \"\$('$XM' domid m1 2>/dev/null)\" ]"
"$XM" restore "$T_ROOT/m1.save"
check "and runs again when restored" running m1
"$XM" destroy m1
"$XM" delete m1
check "xvmd is still serving" "$XM" list
t_done
