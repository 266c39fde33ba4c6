#!/usr/bin/env bash
# Cut live migrations at random points, CUTS times (default 50): the
# destination's xvmd killed (and started again), the link dropped (and
# raised again), the destination's xvmd stopped (and continued).  After
# each: the guest runs on exactly one host -- the destination only if
# xm migrate said it moved, the source otherwise -- the other host holds
# no domain of it, and the guest goes on counting with no page lost
# (dirtycheck).  Two hosts as in migrate.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/hosts.sh"

GUEST=$XVM_BUILD/guest/minios/minios.elf
CUTS=${CUTS:-50}
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

other() { [[ $1 == A ]] && echo B || echo A; }
ticks() { h_conlog "$1" c1 | awk '$1 == "tick" { t = $2 } END { print t + 0 }'; }
base_a=$(h_ndoms A)
base_b=$(h_ndoms B)
printf 'name = "c1"\nmemory = 64\nkernel = "%s"\nextra = "ticks=1 dirty=16 dirtycheck"\n' \
	"$GUEST" >"$T_ROOT/c1.cfg"
xa create "$T_ROOT/c1.cfg" >/dev/null
t_wait_for "c1 to dirty memory" 30 bash -c "grep -q 'checked ok' '$H_ROOT_A/var/log/xvm/console/guest-c1.log'"

moved=0 kept=0 bad=0 from=A
declare -A kinds=()
for ((i = 1; i <= CUTS; i++)); do
	to=$(other "$from")
	kind=$((i % 3))
	delay=$((RANDOM % 4000))
	before=$(ticks "$from")
	xon "$from" migrate -l c1 "$(h_ip "$to")" >"$T_ROOT/cut.out" 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	case $kind in
	0)	what="$to's xvmd killed after ${delay} ms"
		kill -9 "${H_PIDS[${to}xvmd]}" 2>/dev/null
		sleep 1
		h_xvmd "$to" ;;
	1)	what="link down after ${delay} ms"
		h_link down
		sleep $((1 + RANDOM % 4))
		h_link up ;;
	2)	what="$to's xvmd stopped after ${delay} ms"
		kill -STOP "${H_PIDS[${to}xvmd]}"
		sleep $((1 + RANDOM % 4))
		kill -CONT "${H_PIDS[${to}xvmd]}" ;;
	esac
	wait "$pid"
	rc=$?
	where=$(h_where c1)
	want=$from
	[[ $rc -eq 0 ]] && want=$to
	[[ $rc -eq 0 ]] && moved=$((moved + 1)) || kept=$((kept + 1))
	kinds[$kind]=$((${kinds[$kind]:-0} + 1))
	empty=$to
	[[ $rc -eq 0 ]] && empty=$from
	base=$base_b
	[[ $empty == A ]] && base=$base_a
	if [[ $where != "$want" ]]; then
		t_not_ok "cut $i ($what): c1 runs on '$where', want $want" \
			"xm migrate: $rc $(cat "$T_ROOT/cut.out")"
		bad=$((bad + 1))
		break
	fi
	if ! t_wait_for "$empty to be clean" 30 bash -c \
	    "[ \"\$(XVM_ROOT='$(h_root "$empty")' '$XM' --root '$(h_root "$empty")' info | awk '\$1 == \"nr_domains\" { print \$3 }')\" = $base ]"; then
		t_not_ok "cut $i ($what): $empty is left with a domain" \
			"xm migrate: $rc $(cat "$T_ROOT/cut.out")"
		bad=$((bad + 1))
		break
	fi
	if ! t_wait_for "c1 to count on $want" 30 bash -c \
	    "[ \$(awk '\$1 == \"tick\" { t = \$2 } END { print t + 0 }' '$(h_root "$want")/var/log/xvm/console/guest-c1.log') -gt $before ]"; then
		t_not_ok "cut $i ($what): c1 stopped counting on $want" \
			"$(h_conlog "$want" c1 | tail -n 5)"
		bad=$((bad + 1))
		break
	fi
	echo "# cut $i: $what: $([[ $rc -eq 0 ]] && echo "moved to $to" || echo "stayed on $from: $(cat "$T_ROOT/cut.out")")"
	from=$want
done
if [[ $bad -eq 0 ]]; then
	t_ok "$CUTS cuts (${kinds[0]:-0} xvmd killed, ${kinds[1]:-0} link down, ${kinds[2]:-0} xvmd stopped): $moved moved, $kept stayed on the source, each time on one host only and the other clean"
fi
sleep 2
if grep -h 'BAD' "$H_ROOT_A/var/log/xvm/console/guest-c1.log" \
    "$H_ROOT_B/var/log/xvm/console/guest-c1.log"; then
	t_not_ok "no page of c1 was lost or stale"
else
	t_ok "no page of c1 was lost or stale"
fi
echo "# cuts: $CUTS, moved: $moved, stayed: $kept, violations: $bad"
t_done
