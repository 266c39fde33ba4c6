#!/usr/bin/env bash
# Live migration between two hosts (two stacks, two network namespaces, a
# veth pair): a counting, memory-checking mini-OS goes back and forth and
# stays whole; a managed domain takes its config along; refusals (a name
# already there, hosts-allow, certificates, plaintext against TLS) and a few
# cut connections leave the source running and the destination clean.
# tests/integration/migrate/cuts.sh cuts 50 times more.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/hosts.sh"

GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the guest is not built"
	exit 77
fi
if ! ip netns list >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]]; then
	echo "# SKIP: needs root for network namespaces"
	exit 77
fi
h_setup || { echo "# cannot set up the two hosts"; exit 1; }
CONF=('(xend-relocation-server yes)' '(xend-relocation-hosts-allow "")'
    '(xend-relocation-timeout 5)' '(shutdown-timeout 5)')
h_conf A "${CONF[@]}"
h_conf B "${CONF[@]}"
h_stack A || exit 1
h_stack B || exit 1

check() {	# DESC COMMAND...
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME MEMORY EXTRA
	printf 'name = "%s"\nmemory = %s\nkernel = "%s"\nextra = "%s"\n' \
		"$1" "$2" "$GUEST" "$3" >"$T_ROOT/$1.cfg"
}
has() { h_conlog "$1" "$2" | grep -q "$3"; }	# HOST NAME PATTERN
last_tick() { h_conlog "$1" "$2" | awk '$1 == "tick" { t = $2 } END { print t + 0 }'; }
other() { [[ $1 == A ]] && echo B || echo A; }

# One move of NAME from host FROM, checked: it runs on the other host only,
# resumed there, and keeps counting from where it was.
move() {	# FROM NAME [XM MIGRATE OPTIONS]
	local from=$1 name=$2 to before out
	shift 2
	to=$(other "$from")
	before=$(last_tick "$from" "$name")
	if ! out=$(xon "$from" migrate "$@" "$name" "$(h_ip "$to")" 2>&1); then
		t_not_ok "migrate $name $from -> $to" "$out"
		return 1
	fi
	[[ $(h_where "$name") == "$to" ]] || {
		t_not_ok "$name runs on $to only" "where: $(h_where "$name")"
		return 1
	}
	t_wait_for "$name to tick on $to" 20 bash -c \
		"[ \$(awk '\$1 == \"tick\" { t = \$2 } END { print t + 0 }' \
		'$(h_root "$to")/var/log/xvm/console/guest-$name.log') -gt $before ]" || {
		t_not_ok "$name counts on $to after $before" "$(h_conlog "$to" "$name" | tail -n 5)"
		return 1
	}
	return 0
}

# --- A counting mini-OS, back and forth, live.
cfg g1 32 "ticks=1 selfcheck"
xa create "$T_ROOT/g1.cfg" >/dev/null
t_wait_for "g1 to boot" 20 has A g1 'workload: idle'
sum=$(h_conlog A g1 | sed -n 's/^selfcheck: boot: .*checksum \([0-9a-f]*\) ok.*/\1/p')
uuid=$(xa list --json g1 | awk -F'"' '/"uuid"/ { print $4; exit }')
from=A ok=1
for i in 1 2 3 4 5 6; do
	move "$from" g1 -l || { ok=0; break; }
	from=$(other "$from")
done
check "g1 went back and forth 6 times, live, counting on each host" [ "$ok" = 1 ]
check "g1 has a UUID ($uuid)" [ "${#uuid}" = 36 ]
check "g1 kept its UUID" [ "$(xon "$from" list --json g1 | awk -F'"' '/"uuid"/ { print $4; exit }')" = "$uuid" ]
check "g1 resumed on the new host" has "$from" g1 'pv: resumed'
xon "$from" sysrq g1 x
t_wait_for "g1's self-check" 10 has "$from" g1 'selfcheck: requested'
check "g1's self-check after 6 moves is the boot's ($sum)" \
	has "$from" g1 "selfcheck: requested: .*checksum $sum ok"
move "$from" g1 || true
from=$(other "$from")
check "and a move with g1 stopped (not live)" [ "$(h_where g1)" = "$from" ]
out=$(xon "$from" shutdown -w g1 2>&1)
check "g1 honours a shutdown on the host it moved to: $out" [ -z "$(h_where g1)" ]

# --- Memory written all the time, checked by the guest at every pass.
cfg d1 64 "ticks=1 dirty=8 dirtycheck"
xa create "$T_ROOT/d1.cfg" >/dev/null
t_wait_for "d1 to dirty memory" 30 has A d1 'checked ok'
from=A ok=1
for i in 1 2 3 4; do
	move "$from" d1 -l || { ok=0; break; }
	from=$(other "$from")
done
check "d1, dirtying 8 MiB/s, went back and forth 4 times" [ "$ok" = 1 ]
# Its last move's record: pages per round, and they add up.
rec=$(curl -s --unix-socket "$(h_root "$(other "$from")")/run/xvm/xvmd.sock" http://x/migrations)
check "d1's record: several rounds, pages per round and the last copy add up: $rec" \
	python3 -c 'import json, sys
m = [r for r in json.loads(sys.argv[1])["migrations"] if r["domain"] == "d1" and r["state"] == "done"][-1]
assert len(m["round_pages"]) >= 2 and m["round_pages"][0] > 0, m
assert sum(m["round_pages"]) + m["last_copy_pages"] == m["pages_sent"], m' "$rec"
t_wait_for "d1 to check a pass on $from" 20 bash -c \
	"tail -n 3 '$(h_root "$from")/var/log/xvm/console/guest-d1.log' | grep -q 'checked'"
check "no page of d1 was lost or stale on either host" \
	bash -c "! grep -h 'BAD' '$H_ROOT_A/var/log/xvm/console/guest-d1.log' '$H_ROOT_B/var/log/xvm/console/guest-d1.log'"
xon "$from" destroy d1

# --- A managed domain takes its config along.
cfg m1 16 "ticks=1"
xa new "$T_ROOT/m1.cfg"
xa start m1
t_wait_for "m1 to boot" 20 has A m1 'workload: idle'
move A m1 -l
check "m1 is no longer known on A" bash -c "! XVM_ROOT='$H_ROOT_A' '$XM' --root '$H_ROOT_A' list m1 >/dev/null 2>&1"
check "m1 is managed on B" bash -c "xb() { XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' \"\$@\"; }; xb list --json m1 | grep -q '\"managed\": true'"
xb shutdown -w m1 >/dev/null 2>&1
check "and stays on B once shut down" bash -c "XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' list m1 >/dev/null"
xb delete m1

# --- Refusals: the source runs on, the destination has nothing.
nb=$(h_ndoms B)
refused() {	# DESC WANT-PATTERN [MIGRATE OPTIONS]: dup on A is refused
	local desc=$1 want=$2 out
	shift 2
	out=$(xa migrate "$@" dup "$H_IP_B" 2>&1)
	check "$desc: $out" like "$out" "$want"
	check "$desc: dup runs on A" [ -n "$(xa domid dup 2>/dev/null)" ]
	check "$desc: B has no new domain" [ "$(h_ndoms B)" = "$nb" ]
}
like() { [[ $1 == $2 ]]; }
cfg dup 16 "ticks=1"
xa create "$T_ROOT/dup.cfg" >/dev/null
xb create "$T_ROOT/dup.cfg" >/dev/null
nb=$(h_ndoms B)
refused "a name already there" "Error: $H_IP_B refused: domain 'dup' already exists" -l
xb destroy dup
nb=$(h_ndoms B)
h_conf B "${CONF[@]}" '(xend-relocation-hosts-allow "^10\\.99\\. ^nohost$")'
h_xvmd B
refused "a host not in hosts-allow" "Error: $H_IP_B refused: $H_IP_A is not allowed to migrate domains here (xend-relocation-hosts-allow)" -l
check "B logged the refusal" grep -q "refused $H_IP_A: not in xend-relocation-hosts-allow" "$H_ROOT_B/xvmd.log"
h_conf B "${CONF[@]}" '(xend-relocation-hosts-allow "^10\\.211\\.0\\.1$")'
h_xvmd B
h_identity A "$H_CERTS/rogue.key" "$H_CERTS/rogue.crt" "$H_CERTS/ca.crt"
refused "A's certificate from another CA" "Error: TLS with $H_IP_B port 8003 failed: *" -l
check "B logged the untrusted certificate" grep -q "refused $H_IP_A: its certificate is not trusted" "$H_ROOT_B/xvmd.log"
h_identity A "$H_CERTS/hosta.key" "$H_CERTS/hosta.crt" "$H_CERTS/otherca.crt"
refused "B's certificate not from A's CA" "Error: $H_IP_B port 8003: its certificate is not trusted: *" -l
h_identity A "$H_CERTS/hosta.key" "$H_CERTS/hosta.crt" "$H_CERTS/ca.crt"
h_conf A "${CONF[@]}" '(xend-relocation-ssl no)'
h_xvmd A
refused "plaintext to a TLS server" "Error: $H_IP_B refused: this host's relocation server requires TLS (xend-relocation-ssl-server); the peer sent plaintext" -l -p 8003
out=$(xa migrate -l -s dup "$H_IP_B" 2>&1)
check "xm migrate -s asks for TLS whatever xend-relocation-ssl says" [ "$(h_where dup)" = B ]
xb destroy dup
h_conf A "${CONF[@]}"
h_xvmd A

# --- Cut connections, a few (cuts.sh does 50): the source survives.
cfg c1 64 "ticks=1 dirty=16 dirtycheck"
xa create "$T_ROOT/c1.cfg" >/dev/null
t_wait_for "c1 to dirty memory" 30 has A c1 'checked ok'
copying() { xa list >/dev/null && curl -s --unix-socket "$H_ROOT_A/run/xvm/xvmd.sock" http://x/migrations | grep -q '"state": *"copying"'; }
cut_case() {	# DESC CUT-COMMAND HEAL-COMMAND
	local desc=$1 cut=$2 heal=$3 pid rc
	nb=$(h_ndoms B)
	xa migrate -l c1 "$H_IP_B" >"$T_ROOT/cut.out" 2>&1 &
	pid=$!
	t_wait_for "the copy to start" 20 copying
	eval "$cut"
	wait "$pid"
	rc=$?
	eval "$heal"
	check "$desc: the migration failed: $(cat "$T_ROOT/cut.out")" [ "$rc" = 1 ]
	check "$desc: c1 runs on A only" [ "$(h_where c1)" = A ]
	t_wait_for "B to be clean" 20 bash -c "[ \"\$(XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' info | awk '\$1 == \"nr_domains\" { print \$3 }')\" = $nb ]"
	check "$desc: B holds no domain from it" [ "$(h_ndoms B)" = "$nb" ]
}
cut_case "B's xvmd killed" 'kill -9 ${H_PIDS[Bxvmd]}' 'h_xvmd B'
cut_case "the link down" 'h_link down' 'sleep 4; h_link up'
cut_case "B's xvmd stalled" 'kill -STOP ${H_PIDS[Bxvmd]}' 'sleep 1; kill -CONT ${H_PIDS[Bxvmd]}'

# --- Cancelled (DELETE /migrations/:id) while B stands still mid-stream:
# at once, not at the timeout; c1 runs on here, B drops what it had.
apia() { curl -s --unix-socket "$H_ROOT_A/run/xvm/xvmd.sock" "$@"; }
nb=$(h_ndoms B)
xa migrate -l c1 "$H_IP_B" >"$T_ROOT/cancel.out" 2>&1 &
pid=$!
t_wait_for "the copy to start" 20 copying
kill -STOP "${H_PIDS[Bxvmd]}"
id=$(apia http://x/migrations | python3 -c 'import json, sys
print([m["id"] for m in json.load(sys.stdin)["migrations"] if m["state"] not in ("done", "failed")][0])')
out=$(apia -X DELETE "http://x/migrations/$id")
wait "$pid"
rc=$?
kill -CONT "${H_PIDS[Bxvmd]}"
check "DELETE /migrations/$id is taken: $out" like "$out" '*"state"*'
check "the cancelled migration failed: $(cat "$T_ROOT/cancel.out")" [ "$rc" = 1 ]
check "xm migrate says it was cancelled" grep -q "was cancelled" "$T_ROOT/cancel.out"
check "c1 runs on A only after the cancel" [ "$(h_where c1)" = A ]
t_wait_for "B to be clean" 20 bash -c "[ \"\$(XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' info | awk '\$1 == \"nr_domains\" { print \$3 }')\" = $nb ]"
check "B holds no domain from the cancelled one" [ "$(h_ndoms B)" = "$nb" ]
out=$(apia -X DELETE "http://x/migrations/$id")
check "a cancel once it has ended is refused: $out" like "$out" '*EALREADY*has ended*'
out=$(apia -X DELETE "http://x/migrations/0123")
check "a cancel of no migration: $out" like "$out" '*ENOENT*no migration 0123*'

# --- The same from xm: SIGTERM (as Ctrl-C) to a running `xm migrate`.
nb=$(h_ndoms B)
XVM_ROOT=$H_ROOT_A "$XM" --root "$H_ROOT_A" migrate -l c1 "$H_IP_B" \
	>"$T_ROOT/cancel.out" 2>&1 &
pid=$!		# xm itself, not a subshell
t_wait_for "the copy to start" 20 copying
kill -STOP "${H_PIDS[Bxvmd]}"
kill -TERM "$pid"
wait "$pid"
rc=$?
kill -CONT "${H_PIDS[Bxvmd]}"
check "xm migrate, interrupted, fails: $(cat "$T_ROOT/cancel.out")" [ "$rc" = 1 ]
check "xm migrate, interrupted, says it was cancelled" grep -q "was cancelled" "$T_ROOT/cancel.out"
check "c1 runs on A only after xm's cancel" [ "$(h_where c1)" = A ]
t_wait_for "B to be clean" 20 bash -c "[ \"\$(XVM_ROOT='$H_ROOT_B' '$XM' --root '$H_ROOT_B' info | awk '\$1 == \"nr_domains\" { print \$3 }')\" = $nb ]"
check "B holds no domain after xm's cancel" [ "$(h_ndoms B)" = "$nb" ]

move A c1 -l
check "c1 still moves after all that" [ "$(h_where c1)" = B ]
sleep 2
check "no page of c1 was lost" bash -c "! grep -h 'BAD' '$H_ROOT_A/var/log/xvm/console/guest-c1.log' '$H_ROOT_B/var/log/xvm/console/guest-c1.log'"

check "xvmd on A still serves" xa list
check "xvmd on B still serves" xb list
t_done
