#!/usr/bin/env bash
# A domain's resources against the real stack (issue 13): memory admission
# with xend's dom0-min-mem rule and real free memory in xm info (item 15),
# xm vcpu-list with Xen's columns and real values (item 19), Domain-0's
# routes refused with a reason (item 17), messages that name the setting,
# the value and the limit (item 18), and settings applied by a refresh
# (SIGHUP, what svcadm refresh sends; item 21); mem-set and vcpu-set done
# by the guest and shown as done (item 24).
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
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
		printf 'name = "%s"\nkernel = "%s"\n' "$name" "$GUEST"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
info() { "$XM" info | awk -F': ' -v k="$1" '$1 ~ "^"k" *$" { print $2 }'; }
has_line() { grep -q "$2" "$T_ROOT/var/log/xvm/console/guest-$1.log" 2>/dev/null; }

# Item 15: xm info's memory, and admission by maxmem.
total=$(info total_memory)
host=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 ))
check "total_memory is the host's ($total MiB)" [ $(( total - host )) -ge -2 ] && [ $(( total - host )) -le 2 ]
free0=$(info free_memory)
check "free_memory leaves dom0-min-mem (196 MiB) to the host" [ "$free0" = $(( total - 196 )) ]
cfg m1 'memory = 16' 'maxmem = 1024'
"$XM" create "$T_ROOT/m1.cfg" >/dev/null
check "free_memory drops by m1's maxmem" [ "$(info free_memory)" = $(( free0 - 1024 )) ]
big=$(( free0 - 1024 + 1 ))
cfg big1 'memory = 16' "maxmem = $big"
out=$("$XM" create "$T_ROOT/big1.cfg" 2>&1)
check "a domain whose maxmem does not fit is refused: $out" \
    [ "$out" = "Error: cannot start domain big1: maxmem $big MiB is more than the $(( free0 - 1024 )) MiB free for domains (host $total MiB - dom0-min-mem 196 MiB - 1024 MiB of running domains' maxmem); set memory-overcommit to allow it" ]
check "and nothing was created" bash -c "! '$XM' list big1 >/dev/null 2>&1"
status=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T_ROOT/run/xvm/xvmd.sock" \
    -X POST --data-binary "$(python3 -c 'import json,sys; print(json.dumps({"config": open(sys.argv[1]).read()}))' "$T_ROOT/big1.cfg")" \
    http://localhost/domains)
check "the API answers 503 ENOMEM" [ "$status" = 503 ]
"$XM" new "$T_ROOT/big1.cfg"
like() { [[ $1 == $2 ]]; }	# like TEXT GLOB
out=$("$XM" start big1 2>&1)
check "xm start of a managed domain too: $out" like "$out" "Error: cannot start domain big1: maxmem $big MiB is more than*"
out=$("$XM" mem-max m1 $(( free0 + 10 )) 2>&1)
check "xm mem-max beyond what is free: $out" like "$out" "Error: mem-max of m1: maxmem $(( free0 + 10 - 1024 )) MiB is more than*"
out=$("$XM" mem-set m1 2000 2>&1)
check "xm mem-set above maxmem names it: $out" [ "$out" = "Error: mem-set of m1: 2000 MiB is more than its maxmem of 1024 MiB (raise it with xm mem-max)" ]
out=$("$XM" mem-max m1 8 2>&1)
check "xm mem-max below memory: $out" [ "$out" = "Error: mem-max of m1: 8 MiB is less than its memory of 16 MiB (lower that first with xm mem-set)" ]
# A refresh (SIGHUP) applies memory-overcommit at once, and says that a
# relocation port waits for the next start.
printf '(shutdown-timeout 5)\n(memory-overcommit yes)\n(xend-relocation-port 8123)\n' >"$T_ROOT/etc/xvm/xvmd.conf"
kill -HUP "$XVMD_PID"
t_wait_for "the refresh" 10 grep -q "refresh: memory-overcommit no -> yes" "$T_ROOT/var/log/xvm/xvmd.log"
check "the refresh logs what applies now and what waits" \
    grep -q "refresh: memory-overcommit no -> yes; at the next start of xvmd: xend-relocation-port 8123" "$T_ROOT/var/log/xvm/xvmd.log"
"$XM" start big1
check "with memory-overcommit, big1 starts" [ -n "$(domid big1)" ]
check "free_memory is 0, not negative" [ "$(info free_memory)" = 0 ]
curl -s --unix-socket "$T_ROOT/run/xvm/xvmd.sock" http://localhost/host/settings >"$T_ROOT/settings"
check "the relocation port in force is still 8002" python3 -c '
import json,sys; s=json.load(open(sys.argv[1]))["settings"]
assert s["xend-relocation-port"]["value"] == 8002 and s["memory-overcommit"]["value"] is True' "$T_ROOT/settings"
"$XM" destroy big1
"$XM" delete big1
"$XM" destroy m1

# Item 19: vcpu-list of a domain spinning on two vCPUs.
cfg vc1 'memory = 16' 'vcpus = 2' 'extra = "cpu"'
"$XM" create "$T_ROOT/vc1.cfg" >/dev/null
id=$(domid vc1)
t_wait_for "vc1 to spin" 20 has_line vc1 'workload: cpu'
sleep 1
"$XM" vcpu-list vc1 >"$T_ROOT/vl1"
check "two rows under Xen's header" bash -c "[ \"\$(head -1 '$T_ROOT/vl1')\" = 'Name                                ID  VCPU   CPU State   Time(s) CPU Affinity' ] && [ \$(wc -l <'$T_ROOT/vl1') = 3 ]"
check "both vCPUs online on a CPU, running, with time" awk -v id="$id" '
NR > 1 { if ($1 != "vc1" || $2 != id || $4 !~ /^[01]$/ || $5 !~ /^r-.$/ || $6 + 0 <= 0 || $7 " " $8 != "any cpu") bad = 1; n++ }
END { exit bad || n != 2 }' "$T_ROOT/vl1"
t1=$(awk 'NR == 2 { print $6 }' "$T_ROOT/vl1")
sleep 1.5
t2=$("$XM" vcpu-list vc1 | awk 'NR == 2 { print $6 }')
check "its time grows ($t1 -> $t2 s)" python3 -c "import sys; sys.exit(not $t2 > $t1)"
"$XM" vcpu-pin vc1 0 1
pinned() { "$XM" vcpu-list vc1 | awk 'NR == 2 { exit !($4 == 1 && $7 == 1) }'; }
if t_wait_for "vCPU 0 on CPU 1" 10 pinned; then
	t_ok "vcpu-pin: vCPU 0 runs on CPU 1, affinity 1"
else
	t_not_ok "vcpu-pin: vCPU 0 runs on CPU 1, affinity 1" "$("$XM" vcpu-list vc1)"
fi
"$XM" pause vc1
check "paused: no vCPU running" bash -c "'$XM' vcpu-list vc1 | awk 'NR > 1 && \$5 ~ /^r/ { bad = 1 } END { exit bad }'"
"$XM" destroy vc1
cfg vc2 'memory = 16' 'vcpus = 2'
"$XM" create -p "$T_ROOT/vc2.cfg" >/dev/null
check "a vCPU never brought up: CPU -, state --p" bash -c "'$XM' vcpu-list vc2 | awk 'NR == 3 { exit !(\$4 == \"-\" && \$5 == \"--p\") }'"
"$XM" destroy vc2
check "Domain-0's vCPUs are listed" bash -c "'$XM' vcpu-list Domain-0 | awk 'NR == 2 { exit !(\$1 == \"Domain-0\" && \$2 == 0) }'"

# Item 24: the guest honours mem-set (its balloon) and vcpu-set (vCPU
# hotplug); xm list shows what it has, from the hypervisor, not targets.
cfg bal1 'memory = 24' 'maxmem = 32' 'vcpus = 2'
"$XM" create "$T_ROOT/bal1.cfg" >/dev/null
t_wait_for "bal1's vCPUs and xenbus" 30 bash -c "grep -q 'smp: 2 vCPUs online' '$T_ROOT/var/log/xvm/console/guest-bal1.log' &&
    grep -q 'xenbus: domain' '$T_ROOT/var/log/xvm/console/guest-bal1.log'"
col() { "$XM" list bal1 | awk -v c="$1" 'NR == 2 { print $c }'; }
is_col() { [ "$(col "$1")" = "$2" ]; }
check "xm list: 24 MiB (the frames above memory are not its), 2 vCPUs" [ "$(col 3) $(col 4)" = "24 2" ]
"$XM" mem-set bal1 16
check "mem-set 16: xm list shows 16 once the balloon is down" t_wait_for "16 MiB" 30 is_col 3 16
check "the guest gave the pages back (current_reservation)" \
    has_line bal1 'balloon: 16384 KiB, target 16384 KiB'
check "the API: memory 16 (the hypervisor's reservation), target 16" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run([sys.argv[1], "list", "--json", "bal1"], capture_output=True, text=True).stdout)
d = d[0] if isinstance(d, list) else d.get("domains", [d])[0] if "domains" in d else d.get("domain", d)
sys.exit(not (d["memory"] == 16 and d["target"] == 16 and d["pages"] < 16 * 256))' "$XM"
"$XM" mem-set bal1 24
check "mem-set 24: back to 24 (populate_physmap)" t_wait_for "24 MiB" 30 is_col 3 24
"$XM" vcpu-set bal1 1
check "vcpu-set 1: xm list shows 1 vCPU once vCPU 1 went down" t_wait_for "1 vCPU" 30 is_col 4 1
check "the guest took vCPU 1 down (VCPUOP_down)" has_line bal1 'cpuhp: cpu1 offline; 1 vCPUs online'
check "vcpu-list: vCPU 1 offline (CPU -)" bash -c "'$XM' vcpu-list bal1 | awk 'NR == 3 { exit !(\$3 == 1 && \$4 == \"-\") }'"
"$XM" vcpu-set bal1 2
check "vcpu-set 2: back to 2 (VCPUOP_up)" t_wait_for "2 vCPUs" 30 is_col 4 2
check "vCPU 1 came back online" has_line bal1 'cpuhp: cpu1 online; 2 vCPUs online'
# A ballooned guest saved and restored holds what it held.
"$XM" mem-set bal1 16
t_wait_for "16 MiB" 30 is_col 3 16
"$XM" save bal1 "$T_ROOT/bal1.save"
"$XM" restore "$T_ROOT/bal1.save" >/dev/null
t_wait_for "the resumed balloon" 30 has_line bal1 'balloon: resumed'
check "restored: still 16 MiB (the guest gave its pages back again)" t_wait_for "16 MiB" 30 is_col 3 16
"$XM" destroy bal1

# Item 17: Domain-0 on the routes that do not apply to it: 403, why.
dom0=(
	"POST|/domains/0/pause|Domain-0 is the host: it cannot be paused or unpaused"
	"POST|/domains/Domain-0/unpause|Domain-0 is the host: it cannot be paused or unpaused"
	"PUT|/domains/0/memory|Domain-0 is the host: its memory is the host's; dom0-min-mem is what xvmd keeps for it"
	"PUT|/domains/0/vcpus|Domain-0 is the host: its CPUs are the host's, not the hypervisor's"
	"GET|/domains/0/sched-credit|Domain-0 is the host: it is not scheduled by the hypervisor"
	"POST|/domains/0/rename|Domain-0's name cannot change"
	"POST|/domains/0/start|Domain-0 is the host: it is always running"
	"DELETE|/managed/Domain-0|Domain-0 is not a managed domain"
)
for c in "${dom0[@]}"; do
	IFS='|' read -r method path want <<<"$c"
	status=$(curl -s -o "$T_ROOT/out" -w '%{http_code}' --unix-socket "$T_ROOT/run/xvm/xvmd.sock" -X "$method" "http://localhost$path")
	if [[ $status == 403 ]] && grep -qF "\"message\":\"$want\"" "$T_ROOT/out"; then
		t_ok "$method $path: 403, $want"
	else
		t_not_ok "$method $path" "status $status: $(cat "$T_ROOT/out")"
	fi
done

t_done
