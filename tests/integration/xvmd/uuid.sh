#!/usr/bin/env bash
# One UUID is one domain's (issue 13, items 4 and 5): users cannot give
# two domains one uuid=, running or managed; a restored domain keeps its
# UUID in the hypervisor, so xvmd's restart finds it again; and domains
# that share a UUID (or have none) in the hypervisor are adopted as
# distinct domains, each listed and each destroyable.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
BOOT=$XVM_BUILD/tests/integration/builder/xc-dom-boot
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 5)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME [SETTINGS...]
	local name=$1
	shift
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" "$GUEST"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
uuid() { "$XM" list --json "$1" 2>/dev/null | awk -F'"' '/^ *"uuid"/ { print $4; exit }'; }
listed() { "$XM" list "$1" >/dev/null 2>&1; }
has_line() { grep -q "$2" "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null; }
restart_xvmd() {
	kill -9 "$XVMD_PID"
	wait "$XVMD_PID" 2>/dev/null
	t_xvmd
}

U=3f2504e0-4f89-11d3-9a0c-0305e82c3301
V=6ba7b810-9dad-11d1-80b4-00c04fd430c8

# Item 5: two running domains with one uuid=.
cfg u1 "uuid = \"$U\""
cfg u2 "uuid = \"$U\""
"$XM" create "$T_ROOT/u1.cfg" >/dev/null
out=$("$XM" create "$T_ROOT/u2.cfg" 2>&1)
check "a second running domain with u1's uuid is refused: $out" \
    [ "$out" = "Error: uuid $U is already used by domain 'u1'" ]
check "u2 was not created" bash -c "! '$XM' list u2 >/dev/null 2>&1"
check "/vm/$U is still u1's" [ "$(xenstore-read /vm/$U/name)" = u1 ]
status=$(curl -s -o "$T_ROOT/out" -w '%{http_code}' --unix-socket "$T_ROOT/run/xvm/xvmd.sock" \
    -X POST --data-binary @<(python3 -c 'import json,sys; print(json.dumps({"config": open(sys.argv[1]).read()}))' "$T_ROOT/u2.cfg") \
    http://localhost/domains)
check "the API answers 409 EEXIST" bash -c "[ $status = 409 ] && grep -q '\"code\":\"EEXIST\"' '$T_ROOT/out'"

# Item 5: two managed domains with one uuid=; managed against running.
cfg m1 "uuid = \"$V\"" 'maxmem = 20'
cfg m2 "uuid = \"$V\""
"$XM" new "$T_ROOT/m1.cfg"
out=$("$XM" new "$T_ROOT/m2.cfg" 2>&1)
check "a second managed domain with m1's uuid is refused: $out" \
    [ "$out" = "Error: uuid $V is already used by domain 'm1' (managed)" ]
check "m1's config is not lost" bash -c "'$XM' list --json m1 | grep -q '\"maxmem\": 20'"
check "m2 is not listed" bash -c "! '$XM' list m2 >/dev/null 2>&1"
cfg m3 "uuid = \"$U\""
out=$("$XM" new "$T_ROOT/m3.cfg" 2>&1)
check "a managed domain with a running domain's uuid is refused: $out" \
    [ "$out" = "Error: uuid $U is already used by domain 'u1'" ]
cfg r3 "uuid = \"$V\""
out=$("$XM" create "$T_ROOT/r3.cfg" 2>&1)
check "a running domain with a managed domain's uuid is refused: $out" \
    [ "$out" = "Error: uuid $V is already used by domain 'm1' (managed)" ]
"$XM" start m1
check "m1 starts under its own uuid" [ "$(uuid m1)" = "$V" ]
"$XM" destroy m1
"$XM" delete m1
"$XM" destroy u1

# Item 4: a restored domain keeps its UUID in the hypervisor: xvmd's
# restart finds it again, and a second restored domain is not confused
# with it.
cfg sv1 'extra = "ticks=1"'
cfg sv2
for d in sv1 sv2; do
	"$XM" create "$T_ROOT/$d.cfg" >/dev/null
	t_wait_for "$d to read its store" 20 has_line "$d" 'workload: idle'
done
u1=$(uuid sv1)
u2=$(uuid sv2)
for d in sv1 sv2; do
	"$XM" save "$d" "$T_ROOT/$d.save"
	"$XM" restore "$T_ROOT/$d.save"
done
check "restored, each with its UUID" [ "$(uuid sv1) $(uuid sv2)" = "$u1 $u2" ]
restart_xvmd || exit 1
check "after kill -9 and restart of xvmd: sv1 and sv2 keep their UUIDs" \
    [ "$(uuid sv1) $(uuid sv2)" = "$u1 $u2" ]
check "each has its own /vm entry" \
    [ "$(xenstore-read /vm/$u1/name) $(xenstore-read /vm/$u2/name)" = "sv1 sv2" ]
"$XM" destroy sv1
check "destroying sv1 leaves sv2 listed, and its /vm entry" \
    bash -c "'$XM' list sv2 >/dev/null && xenstore-exists /vm/$u2"
"$XM" destroy sv2
check "sv2 is destroyed too" bash -c "! '$XM' list sv2 >/dev/null 2>&1"

# A checkpoint restored while its domain runs on under another name
# would be a second domain with one UUID: refused.
cfg ck1
"$XM" create "$T_ROOT/ck1.cfg" >/dev/null
t_wait_for "ck1 to read its store" 20 has_line ck1 'workload: idle'
"$XM" save -c ck1 "$T_ROOT/ck1.save"
"$XM" rename ck1 ck2
out=$("$XM" restore "$T_ROOT/ck1.save" 2>&1)
check "restoring a checkpoint of a running domain: $out" \
    [ "$out" = "Error: uuid $(uuid ck2) is already used by domain 'ck2'" ]
check "nothing was left by the refusal (Domain-0 and ck2)" [ "$("$XM" list | wc -l)" = 3 ]
"$XM" destroy ck2

# Domains the hypervisor runs with one (all-zero) handle and one /vm
# record, as restores made before the fix left them: each is adopted as
# its own domain, with its own UUID, in the hypervisor too.
Z=/vm/00000000-0000-0000-0000-000000000000
zids=()
for i in 1 2; do
	out=$("$BOOT" "$GUEST" 16 1 "" 2>/dev/null)
	id=${out%% *}
	zids+=("$id")
	xenstore-write "/local/domain/$id/vm" "$Z" "/local/domain/$id/name" z1
done
xenstore-write "$Z/xvm/config" "name = \"z1\"
memory = 16
kernel = \"$GUEST\"
" "$Z/xvm/file" z1.cfg "$Z/start_time" "$(date +%s)"
restart_xvmd || exit 1
z2="z1-${zids[1]}"
check "both are listed: z1 and $z2" bash -c "'$XM' list z1 >/dev/null && '$XM' list $z2 >/dev/null"
za=$(uuid z1)
zb=$(uuid "$z2")
check "with distinct UUIDs that are not zeros ($za, $zb)" \
    bash -c "[ '$za' != '$zb' ] && [[ '$za' != 00000000-* ]] && [[ '$zb' != 00000000-* ]]"
check "the shared all-zero record is gone" bash -c "! xenstore-exists $Z"
restart_xvmd || exit 1
check "the hypervisor keeps the new UUIDs (another restart changes nothing)" \
    [ "$(uuid z1) $(uuid "$z2")" = "$za $zb" ]
"$XM" destroy z1
check "destroying z1 leaves $z2" listed "$z2"
"$XM" destroy "$z2"
check "and $z2 can be destroyed" bash -c "! '$XM' list $z2 >/dev/null 2>&1"
check "no domain is left" [ "$("$XM" list | wc -l)" = 2 ]

t_done
