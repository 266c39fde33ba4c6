#!/usr/bin/env bash
# xvmd under load: twenty running domains across kill -9 of xvmd, and many
# clients at once (distinct domains, and races on the same one).
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built"
	exit 77
fi
N=20
t_stack || exit 1

check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
# "name id" per running domain but Domain-0, sorted
running() {
	"$XM" list | awk 'NR > 2 && NF == 6 { print $1, $2 }' | sort
}
# the guest's tick counter, from its console log
ticks() {
	grep -c '^tick ' "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null
}

# Twenty domains, created by eight clients at once.
for ((i = 0; i < N; i++)); do
	printf 'name = "s%d"\nmemory = 16\nkernel = "%s"\nextra = "ticks=1"\n' \
	    "$i" "$GUEST" >"$T_ROOT/s$i.cfg"
done
seq 0 $((N - 1)) | xargs -P 8 -I{} "$XM" create "$T_ROOT/s{}.cfg" \
    >"$T_ROOT/create.out" 2>&1
check "$N domains created by 8 concurrent clients" [ "$(running | wc -l)" -eq $N ]
check "each has its own id" [ "$(running | awk '{ print $2 }' | sort -u | wc -l)" -eq $N ]
before=$(running)
t_wait_for "s0 to tick" 10 bash -c "[ \$(grep -c '^tick ' '$T_ROOT/var/log/xvm/console/guest-s0.log' 2>/dev/null) -ge 1 ]"
t0=$(ticks s0)

kill -9 "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
t_xvmd || exit 1
check "after kill -9 of xvmd: the same $N domains, same ids" [ "$(running)" = "$before" ]
t_wait_for "s0 to tick on" 10 bash -c "[ \$(grep -c '^tick ' '$T_ROOT/var/log/xvm/console/guest-s0.log') -gt $t0 ]"
check "s0 kept running across it" [ "$(ticks s0)" -gt "$t0" ]
out=$(seq 0 $((N - 1)) | xargs -P 8 -I{} sh -c "'$XM' pause s{} && '$XM' unpause s{}" 2>&1)
check "all $N pause and unpause under the new xvmd: $out" [ -z "$out" ]
check "none left paused" [ "$("$XM" list | awk 'NR > 2 && $5 ~ /p/' | wc -l)" -eq 0 ]

# Races on one domain: ten clients destroy s0 at once; one wins.
seq 1 10 | xargs -P 10 -I{} sh -c "'$XM' destroy s0 >/dev/null 2>&1 && echo won" \
    >"$T_ROOT/race.out"
check "ten concurrent destroys of s0: exactly one succeeds" [ "$(grep -c won "$T_ROOT/race.out")" -eq 1 ]
check "s0 is gone" bash -c "! '$XM' list s0 >/dev/null 2>&1"
# Pause/unpause/list storms on one domain while it is renamed.
(for i in $(seq 1 20); do "$XM" pause s1; "$XM" unpause s1; done) >/dev/null 2>&1 &
storm=$!
for i in $(seq 1 20); do "$XM" list >/dev/null || echo "list failed"; done >"$T_ROOT/list.out"
"$XM" rename s1 s1b
wait "$storm"
check "xm list never failed during the storm" [ ! -s "$T_ROOT/list.out" ]
check "s1 renamed to s1b, still running" [ -n "$("$XM" domid s1b 2>/dev/null)" ]
"$XM" unpause s1b 2>/dev/null
# Everything goes, eight at a time.
running | awk '{ print $1 }' | xargs -P 8 -I{} "$XM" destroy {}
check "all destroyed by concurrent clients" [ "$(running | wc -l)" -eq 0 ]
check "xvmd is still serving" "$XM" list
t_done
