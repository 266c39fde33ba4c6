#!/usr/bin/env bash
# SMF integration scenarios: the real svc.startd and commands in a private
# --root, driving small shell-script services.  Usage: smf_test.sh SCENARIO
# (SMF_BIN = the build's smf/ directory, SMF_SRC = the source smf/).
# States are polled with a generous deadline, never slept on.
set -u
B=${SMF_BIN:?SMF_BIN not set}
SRC=${SMF_SRC:?SMF_SRC not set}
scenario=${1:?usage: smf_test.sh SCENARIO}
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/smf-it.XXXXXX")
MF=$ROOT/manifests
mkdir -p "$MF" "$ROOT/bin"
STARTD=
DEADLINE=${SMF_TEST_DEADLINE:-30}

cleanup() {
	local rc=$? st=0
	if [[ -n $STARTD ]] && kill -0 "$STARTD" 2>/dev/null; then
		kill "$STARTD" 2>/dev/null
		for _ in $(seq 200); do
			kill -0 "$STARTD" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$STARTD" 2>/dev/null
		wait "$STARTD" 2>/dev/null
		st=$?
	fi
	# A clean exit on SIGTERM (under ASan: no leak, no error either).
	if [[ $st -ne 0 ]]; then
		echo "FAIL [$scenario]: svc.startd exited with status $st on SIGTERM"
		tail -n 40 "$ROOT/var/svc/log/svc.startd.log" 2>/dev/null
		rc=1
	fi
	# Anything a scenario's services left: they carry XVM_ROOT=$ROOT.
	local p
	for p in /proc/[0-9]*; do
		grep -qzx "XVM_ROOT=$ROOT" "$p/environ" 2>/dev/null &&
		    kill -9 "${p#/proc/}" 2>/dev/null
	done
	rm -rf "$ROOT"
	exit "$rc"
}
trap cleanup EXIT

fail() {
	echo "FAIL [$scenario]: $*"
	echo "--- svcs -a"; "$B/svcs" --root "$ROOT" -av 2>&1
	for f in "$ROOT"/var/svc/log/*.log; do
		[[ -f $f ]] && { echo "--- $f"; tail -n 30 "$f"; }
	done
	exit 1
}

svcs() { "$B/svcs" --root "$ROOT" "$@"; }
svcadm() { "$B/svcadm" --root "$ROOT" "$@"; }
svccfg() { "$B/svccfg" --root "$ROOT" "$@"; }
svcprop() { "$B/svcprop" --root "$ROOT" "$@"; }

state_of() { svcs -H -o state "$1" 2>/dev/null; }

# wait_state FMRI STATE: poll until svcs reports STATE (no '*' transition).
wait_state() {
	local fmri=$1 want=$2 i got=
	for ((i = 0; i < DEADLINE * 20; i++)); do
		got=$(state_of "$fmri")
		[[ $got == "$want" ]] && return 0
		sleep 0.05
	done
	fail "$fmri: state '$got', expected '$want' within ${DEADLINE}s"
}

# wait_for CMD...: poll until the command succeeds.
wait_for() {
	local i
	for ((i = 0; i < DEADLINE * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "timed out waiting for: $*"
}

expect_eq() { [[ $1 == "$2" ]] || fail "$3: got '$1', expected '$2'"; }
expect_match() { [[ $1 == *"$2"* ]] || fail "$3: '$1' lacks '$2'"; }

start_startd() {
	"$B/svc.startd" --root "$ROOT" -m "$MF" -v &
	STARTD=$!
	wait_for test -S "$ROOT/run/svc/startd.sock"
}

# A service script: records each start in $ROOT/log.<name>, then runs
# (foreground "run", or "daemon" which backgrounds itself).
cat >"$ROOT/bin/svc.sh" <<EOF
#!/bin/sh
# svc.sh NAME ACTION: the test services.
name=\$1
echo "\$2 \$name" >>"$ROOT/events"
case \$2 in
start)	echo start >>"$ROOT/log.\$name"; sleep 300 & ;;
run)	echo start >>"$ROOT/log.\$name"; exec sleep 300 ;;
once)	echo start >>"$ROOT/log.\$name"; pwd >"$ROOT/pwd.\$name" ;;
fail)	echo start >>"$ROOT/log.\$name"
	[ -f "$ROOT/fixed.\$name" ] && { sleep 300 & exit 0; }
	exit \${3:-1} ;;
hang)	echo start >>"$ROOT/log.\$name"; exec sleep 300 ;;
stop)	echo "\${SMF_STOP_REASON:-none}" >>"$ROOT/stopwhy.\$name" ;;
refresh) echo "\$3" >"$ROOT/refreshed.\$name" ;;
esac
exit 0
EOF
chmod +x "$ROOT/bin/svc.sh"
S=$ROOT/bin/svc.sh

# manifest FILE NAME ENABLED START [DURATION] [EXTRA-XML] [TIMEOUT]
# EXTRA-XML goes before the methods (dependencies); $MF_METHODS after them
# and $MF_PGS after the startd property group.
manifest() {
	local file=$1 name=$2 en=$3 start=$4 dur=${5:-contract} extra=${6:-}
	local tmo=${7:-20}
	cat >"$file" <<EOF
<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="test">
  <service name="test/$name" type="service" version="1">
    <create_default_instance enabled="$en"/>
    $extra
    <exec_method type="method" name="start" exec="$start" timeout_seconds="$tmo"/>
    <exec_method type="method" name="stop" exec="$S $name stop" timeout_seconds="20"/>
    ${MF_METHODS:-}
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="$dur"/>
    </property_group>
    ${MF_PGS:-}
  </service>
</service_bundle>
EOF
}

dep() { # dep NAME GROUPING RESTART_ON FMRI...
	local n=$1 g=$2 r=$3 f
	shift 3
	printf '<dependency name="%s" grouping="%s" restart_on="%s" type="service">' "$n" "$g" "$r"
	for f; do printf '<service_fmri value="%s"/>' "$f"; done
	printf '</dependency>'
}

# wait_count NAME N: until service NAME has started N times.
wait_count() {
	local i
	for ((i = 0; i < DEADLINE * 20; i++)); do
		[[ $(count "$ROOT/log.$1") -ge $2 ]] && return 0
		sleep 0.05
	done
	fail "$1 started $(count "$ROOT/log.$1") times, expected $2"
}

count() { [[ -f $1 ]] && wc -l <"$1" | tr -d ' ' || echo 0; }

pid_of() { svcs -H -p "$1" | awk 'NR > 1 { print $2 }' | head -1; }

sc_enable_disable() {
	manifest "$MF/a.xml" a false "$S a start"
	start_startd
	wait_state test/a disabled
	[[ -z $(svcs -H) ]] || fail "svcs without -a lists disabled instances"
	expect_match "$(svcs -a)" "svc:/test/a:default" "svcs -a"
	svcadm enable -s test/a || fail "svcadm enable -s"
	expect_eq "$(state_of test/a)" online "after enable -s"
	pid=$(pid_of test/a)
	[[ -n $pid ]] && kill -0 "$pid" || fail "svcs -p shows no process"
	expect_match "$(svcs -l test/a)" "enabled      true" "svcs -l"
	svcadm disable -s test/a || fail "svcadm disable -s"
	expect_eq "$(state_of test/a)" disabled "after disable -s"
	wait_for bash -c "! kill -0 $pid"
	expect_match "$(cat "$ROOT/var/svc/log/test-a:default.log")" \
	    "Stopping because service disabled." "instance log"
	svcadm enable -t test/a
	wait_state test/a online
	expect_match "$(svcs -l test/a)" "(temporary)" "svcs -l -t"
	svcadm enable nosuch 2>"$ROOT/err" && fail "enable of nothing succeeded"
	expect_match "$(cat "$ROOT/err")" "doesn't match any instances" "error"
	svcadm frobnicate test/a 2>/dev/null; expect_eq $? 2 "usage exit"
}

sc_dependency_order() {
	manifest "$MF/a.xml" a true "$S a start"
	manifest "$MF/b.xml" b true "$S b start" contract \
	    "$(dep a require_all none svc:/test/a)"
	manifest "$MF/c.xml" c true "$S c start" contract \
	    "$(dep b require_all none svc:/test/b:default)"
	start_startd
	wait_state test/c online
	expect_eq "$(grep start "$ROOT/events" | tr '\n' ' ')" \
	    "start a start b start c " "start order"
	expect_eq "$(svcs -H -d test/c -o fmri)" "svc:/test/b:default" "svcs -d"
	expect_eq "$(svcs -H -D test/a -o fmri)" "svc:/test/b:default" "svcs -D"
	: >"$ROOT/events"
	svcadm disable test/a
	wait_state test/a disabled
	wait_state test/c offline
	expect_eq "$(state_of test/b)" offline "b after a disabled"
	expect_eq "$(grep stop "$ROOT/events" | tr '\n' ' ')" \
	    "stop c stop b stop a " "stop order (dependents first)"
	svcadm enable test/a
	wait_state test/c online
}

sc_restart_on_death() {
	manifest "$MF/d.xml" d true "$S d start"
	start_startd
	wait_state test/d online
	pid=$(pid_of test/d)
	[[ -n $pid ]] || fail "no process"
	kill -9 "$pid"
	wait_count d 2
	wait_state test/d online
	npid=$(pid_of test/d)
	[[ -n $npid && $npid != "$pid" ]] || fail "not restarted ($pid/$npid)"
	expect_match "$(cat "$ROOT/var/svc/log/test-d:default.log")" \
	    "Stopping because all processes in service exited." "log"
}

sc_maintenance_and_clear() {
	manifest "$MF/f.xml" f true "$S f fail 1"
	start_startd
	wait_state test/f maintenance
	expect_eq "$(count "$ROOT/log.f")" 3 "start attempts"
	x=$(svcs -x)
	expect_match "$x" "svc:/test/f:default" "svcs -x lists it"
	expect_match "$x" "Reason: Start method failed repeatedly, last exited with status 1." "svcs -x reason"
	svcadm enable -s test/f 2>/dev/null && fail "enable -s of a maintenance instance succeeded"
	touch "$ROOT/fixed.f"
	svcadm clear test/f
	wait_state test/f online
	[[ -z $(svcs -x) ]] || fail "svcs -x still reports: $(svcs -x)"
	svcadm mark maintenance test/f
	wait_state test/f maintenance
	expect_match "$(svcs -x test/f)" "Maintenance requested by an administrator." "mark"
	svcadm clear test/f
	wait_state test/f online
	svcadm mark degraded test/f
	wait_state test/f degraded
	svcadm clear test/f
	wait_state test/f online
}

sc_exit_config() {
	manifest "$MF/g.xml" g true "$S g fail 96"
	manifest "$MF/h.xml" h true "$S h fail 95"
	start_startd
	wait_state test/g maintenance
	wait_state test/h maintenance
	expect_eq "$(count "$ROOT/log.g")" 1 "96 is not retried"
	expect_eq "$(count "$ROOT/log.h")" 1 "95 is not retried"
	expect_match "$(svcs -x test/g)" 'Start method exited with $SMF_EXIT_ERR_CONFIG.' "reason 96"
	expect_match "$(svcs -x test/h)" 'Start method exited with $SMF_EXIT_ERR_FATAL.' "reason 95"
}

sc_method_timeout() {
	manifest "$MF/t.xml" t true "$S t hang" contract "" 1
	manifest "$MF/k.xml" k true "$S k hang" contract "" 60
	start_startd
	# svcadm mark maintenance while the start method still runs.
	wait_count k 1
	svcadm mark maintenance test/k
	wait_state test/k maintenance
	expect_match "$(svcs -x test/k)" "Maintenance requested by an administrator." "mark during start"
	[[ -z $(pid_of test/k) ]] || fail "the marked method's processes live on"
	wait_state test/t maintenance
	expect_eq "$(count "$ROOT/log.t")" 3 "attempts"
	expect_match "$(svcs -x test/t)" "Start method timed out." "reason"
	expect_match "$(cat "$ROOT/var/svc/log/test-t:default.log")" \
	    "Method or service exit timed out.  Killing contract" "log"
	[[ -z $(pid_of test/t) ]] || fail "the timed-out method's processes live on"
}

sc_refresh_setprop() {
	MF_METHODS='<exec_method type="method" name="refresh" exec="'"$S"' r refresh %{config/greeting}" timeout_seconds="10"/>' \
	MF_PGS='<property_group name="config" type="application"><propval name="greeting" type="astring" value="hello"/></property_group>' \
	    manifest "$MF/r.xml" r true "$S r start"
	start_startd
	wait_state test/r online
	svccfg -s test/r setprop config/greeting = astring: world || fail setprop
	expect_eq "$(svcprop -p config/greeting test/r)" hello "running view before refresh"
	expect_eq "$(svcprop -c -p config/greeting test/r)" world "-c view"
	svcadm refresh test/r
	wait_for test -f "$ROOT/refreshed.r"
	expect_eq "$(svcprop -p config/greeting test/r)" world "after refresh"
	expect_eq "$(cat "$ROOT/refreshed.r")" world "refresh method token"
	expect_eq "$(svcprop -t -p config/greeting test/r)" \
	    "config/greeting astring world" "svcprop -t"
	svcprop -p config/nosuch test/r 2>/dev/null && fail "missing property found"
	svcprop -q -p config/greeting test/r || fail "svcprop -q"
	# The administrator's value survives a re-import of the manifest.
	svccfg import "$MF/r.xml" || fail reimport
	expect_eq "$(svcprop -p config/greeting test/r)" world "after re-import"
}

sc_transient_vs_child() {
	mkdir -p "$ROOT/wd"
	manifest "$MF/o.xml" o true "$S o once" transient \
	    '<method_context working_directory="/wd"/>'
	manifest "$MF/w.xml" w true "$S w run" child
	start_startd
	wait_state test/o online
	wait_state test/w online
	[[ -z $(pid_of test/o) ]] || fail "transient has processes"
	sleep 0.3
	expect_eq "$(state_of test/o)" online "transient stays online"
	pid=$(pid_of test/w)
	[[ -n $pid ]] || fail "child model has no process"
	kill "$pid"
	wait_count w 2
	wait_state test/w online
	expect_eq "$(count "$ROOT/log.o")" 1 "transient started once"
	expect_eq "$(cat "$ROOT/pwd.o")" "$ROOT/wd" "working_directory under the root"
}

sc_exclude_all() {
	manifest "$MF/x.xml" x true "$S x start"
	manifest "$MF/y.xml" y false "$S y start" contract \
	    "$(dep noz exclude_all none svc:/test/x)"
	start_startd
	wait_state test/x online
	svcadm enable test/y
	wait_for bash -c "[[ \$('$B/svcs' --root '$ROOT' -x test/y) == *'svc:/test/x'* ]]"
	expect_eq "$(state_of test/y)" offline "excluded"
	svcadm disable test/x
	wait_state test/y online
}

sc_optional_all() {
	manifest "$MF/b.xml" b false "$S b start"
	manifest "$MF/o.xml" o true "$S o start" contract \
	    "$(dep b optional_all error svc:/test/b:default)"
	manifest "$MF/r.xml" r true "$S r start" contract \
	    "$(dep b require_all error svc:/test/b:default)"
	start_startd
	# A disabled optional dependency satisfies optional_all ...
	wait_state test/o online
	expect_eq "$(state_of test/r)" offline "require_all on a disabled one"
	svcadm enable -s test/b || fail "enable b"
	wait_state test/r online
	# ... an error in it restarts the dependent (restart_on=error) ...
	kill -9 "$(pid_of test/b)"
	wait_count o 2
	wait_state test/o online
	wait_state test/b online
	# ... and disabling it leaves the dependent running.
	svcadm disable -s test/b || fail "disable b"
	wait_state test/r offline
	expect_eq "$(state_of test/o)" online "optional_all dependent"
	expect_eq "$(count "$ROOT/log.o")" 2 "starts of o"
}

sc_svcs_x() {
	manifest "$MF/p.xml" p false "$S p start"
	manifest "$MF/q.xml" q true "$S q start" contract \
	    "$(dep p require_all none svc:/test/p:default)"
	manifest "$MF/u.xml" u true "$S u start" contract \
	    "$(dep q require_all none svc:/test/q:default)"
	start_startd
	wait_for bash -c "[[ \$('$B/svcs' --root '$ROOT' -x) == *'Service svc:/test/p:default is disabled.'* ]]"
	x=$(svcs -x test/q)
	expect_match "$x" "State: offline since" "state line"
	expect_match "$x" "Reason: Service svc:/test/p:default is disabled." "reason"
	expect_match "$x" "Impact: 1 dependent service is not running.  (Use -v for list.)" "impact"
	expect_match "$x" "See: $ROOT/var/svc/log/test-q:default.log" "log"
	x=$(svcs -xv test/q)
	expect_match "$x" "Impact: 1 dependent service is not running:
        svc:/test/u:default" "impact list"
	expect_match "$(svcs -x test/p)" "Reason: Disabled by an administrator." "disabled reason"
	svcadm enable -s test/q 2>"$ROOT/err" && fail "enable -s with unsatisfiable deps succeeded"
	expect_match "$(cat "$ROOT/err")" "dependencies are not satisfied" "enable -s error"
	svcadm enable test/p
	wait_state test/u online
	[[ -z $(svcs -x) ]] || fail "svcs -x not empty: $(svcs -x)"
	expect_eq "$(svcs -H -o sta,nsta,fmri test/u)" \
	    "ON   -    svc:/test/u:default" "-o sta,nsta,fmri"
}

sc_manifest_errors() {
	# Malformed XML: the parser's line.
	printf '<?xml version="1.0"?>\n<service_bundle type="manifest" name="x">\n<service name="a"\n</service_bundle>\n' >"$ROOT/bad1.xml"
	out=$(svccfg validate "$ROOT/bad1.xml" 2>&1) && fail "bad1 validated"
	expect_match "$out" "$ROOT/bad1.xml:4:" "malformed XML line"
	# Not valid against the DTD: an unknown element on line 5.
	manifest "$ROOT/bad2.xml" a true "true"
	sed -i '5a <frobnicate/>' "$ROOT/bad2.xml"
	out=$(svccfg validate "$ROOT/bad2.xml" 2>&1) && fail "bad2 validated"
	expect_match "$out" "$ROOT/bad2.xml:6:" "DTD violation line"
	# A bad timeout on line 7.
	manifest "$ROOT/bad3.xml" a true "true" contract "" soon
	out=$(svccfg validate "$ROOT/bad3.xml" 2>&1) && fail "bad3 validated"
	expect_match "$out" "$ROOT/bad3.xml:7: method \"start\": timeout_seconds \"soon\"" "bad timeout"
	# A bad dependency FMRI, and a bad grouping (DTD enumeration).
	manifest "$ROOT/bad4.xml" a true "true" contract "$(dep d require_all none svc:nope)"
	out=$(svccfg validate "$ROOT/bad4.xml" 2>&1) && fail "bad4 validated"
	expect_match "$out" "bad service FMRI \"svc:nope\"" "bad FMRI"
	manifest "$ROOT/bad5.xml" a true "true" contract "$(dep d require_some none svc:/a)"
	out=$(svccfg validate "$ROOT/bad5.xml" 2>&1) && fail "bad5 validated"
	expect_match "$out" "$ROOT/bad5.xml:6:" "bad grouping line"
	# An internal subset (entity tricks) is refused.
	printf '<?xml version="1.0"?>\n<!DOCTYPE service_bundle [\n<!ENTITY a "aaaa">\n]>\n<service_bundle type="manifest" name="x"/>\n' >"$ROOT/bad6.xml"
	out=$(svccfg validate "$ROOT/bad6.xml" 2>&1) && fail "bad6 validated"
	expect_match "$out" "internal DTD subset" "internal subset"
	# svc.startd reports a bad manifest and imports the good ones.
	cp "$ROOT/bad3.xml" "$MF/bad.xml"
	manifest "$MF/good.xml" good true "$S good start"
	start_startd
	wait_state test/good online
	wait_for grep -q "bad.xml:7:" "$ROOT/var/svc/log/svc.startd.log"
	svccfg import "$ROOT/bad3.xml" 2>/dev/null && fail "import of a bad manifest succeeded"
	return 0
}

sc_svccfg_roundtrip() {
	cat >"$MF/e.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="e">
  <service name="test/e" type="service" version="1">
    <create_default_instance enabled="false"/>
    <exec_method type="method" name="start" exec="$S e start" timeout_seconds="20"/>
    <property_group name="config" type="application">
      <propval name="n" type="count" value="5"/>
      <property name="l" type="astring">
        <astring_list><value_node value="x y"/><value_node value="z"/></astring_list>
      </property>
    </property_group>
    <instance name="second" enabled="false"/>
    <template>
      <common_name><loctext xml:lang="C">the e service</loctext></common_name>
      <documentation><manpage title="e" section="8"/></documentation>
    </template>
  </service>
</service_bundle>
EOF
	svccfg import "$MF/e.xml" || fail import
	expect_match "$(svccfg list)" "test/e" "list"
	svccfg export test/e >"$ROOT/exported.xml" || fail export
	svccfg validate "$ROOT/exported.xml" || fail "exported manifest does not validate"
	svccfg delete test/e || fail delete
	[[ -z $(svccfg list test/e) ]] || fail "still listed after delete"
	svccfg import "$ROOT/exported.xml" || fail "re-import"
	expect_eq "$(svcprop -p config/l test/e:default)" 'x\ y z' "list values"
	expect_eq "$(svcs -H -a -o fmri | tr '\n' ' ')" \
	    "svc:/test/e:default svc:/test/e:second " "instances"
	expect_eq "$(svcs -H -o desc test/e:default)" "the e service" "desc"
	svccfg -s test/e addpg extra application || fail addpg
	svccfg -s test/e addpg extra application 2>/dev/null && fail "addpg twice"
	svccfg -s test/e setprop extra/k = integer: -3 || fail setprop
	svccfg -s test/e setprop extra/k = integer: nope 2>/dev/null && fail "bad integer accepted"
	svccfg -s test/e setprop extra/new = 1 2>/dev/null && fail "untyped new property accepted"
	expect_match "$(svccfg -s test/e listprop 'extra*')" "extra/k" "listprop"
	expect_match "$(svccfg -s test/e listpg)" "extra" "listpg"
	svccfg -s test/e delprop extra/k || fail delprop
	svccfg -s test/e delpg extra || fail delpg
	svccfg -s test/e delpg extra 2>/dev/null && fail "delpg twice"
	svccfg -s test/e:default setprop config/n = 1 2>/dev/null && fail "instance has no config pg"
	# Command files and standard input, with svccfg's quoting.
	cat >"$ROOT/cmds" <<'EOF'
# set two properties
select test/e
setprop config/n = count: 7
setprop config/s = astring: "two words"
end
setprop config/n = count: 9
EOF
	svccfg -f "$ROOT/cmds" || fail "svccfg -f"
	expect_eq "$(svcprop -c -p config/n test/e:default)" 7 "-f setprop (stops at end)"
	expect_eq "$(svcprop -c -p config/s test/e:default)" 'two\ words' "-f quoting"
	printf 'select test/e\nbogus\n' | svccfg 2>"$ROOT/err" && fail "bad command on stdin succeeded"
	expect_match "$(cat "$ROOT/err")" "stdin):2: bogus failed" "stdin error line"
}

sc_enable_recursive() {
	manifest "$MF/a.xml" a false "$S a start"
	manifest "$MF/b.xml" b false "$S b start" contract \
	    "$(dep a require_all none svc:/test/a)"
	manifest "$MF/c.xml" c false "$S c start" contract \
	    "$(dep b require_any none svc:/test/b:default)"
	start_startd
	wait_state test/c disabled
	svcadm enable -rs test/c || fail "enable -rs"
	expect_eq "$(state_of test/a)" online "a"
	expect_eq "$(state_of test/b)" online "b"
}

sc_restart_on() {
	manifest "$MF/a.xml" a true "$S a start"
	manifest "$MF/m.xml" m true "$S m start" contract \
	    "$(dep a require_all restart svc:/test/a)"
	manifest "$MF/n.xml" n true "$S n start" contract \
	    "$(dep a require_all none svc:/test/a)"
	start_startd
	wait_state test/m online
	wait_state test/n online
	svcadm restart test/a
	wait_count a 2
	wait_count m 2
	wait_state test/m online
	wait_state test/a online
	expect_eq "$(count "$ROOT/log.n")" 1 "restart_on=none dependent kept running"
	# restart_on=error: a dying dependency restarts the dependent too.
	kill -9 "$(pid_of test/a)"
	wait_count m 3
	wait_state test/m online
	expect_eq "$(count "$ROOT/log.n")" 1 "none ignores errors"
}

# Issue 13 item 21: svcprop shows framework groups as they are now.
sc_svcprop_live() {
	manifest "$MF/a.xml" a false "$S a start"
	start_startd
	wait_state test/a disabled
	expect_eq "$(svcprop -p general/enabled test/a)" false "disabled"
	svcadm enable -s test/a || fail "enable -s"
	expect_eq "$(svcprop -p general/enabled test/a)" true "enabled and online"
	svcadm disable -s test/a || fail "disable -s"
	expect_eq "$(svcprop -p general/enabled test/a)" false "disabled again"
}

# Issue 13 item 21: Sun's quoted form on svccfg's command line.
sc_svccfg_quoted() {
	MF_PGS='<property_group name="config" type="application"><propval name="g" type="astring" value="x"/></property_group>' \
	    manifest "$MF/r.xml" r false "$S r start"
	start_startd
	wait_state test/r disabled
	svccfg -s test/r setprop config/g = astring: '"abc def"' || fail setprop
	expect_eq "$(svcprop -c -p config/g test/r)" 'abc\ def' "one value, no quotes"
	svccfg -s test/r setprop config/g = astring: '("a b" c)' || fail "setprop list"
	expect_eq "$(svcprop -c -p config/g test/r)" 'a\ b c' "a list of two"
	svccfg -s test/r setprop config/g = astring: '"unterminated' 2>/dev/null &&
	    fail "an unterminated quote was accepted"
	expect_eq "$(svcprop -c -p config/g test/r)" 'a\ b c' "unchanged by the bad one"
}

# Issue 13 item 8: a stop method is told why it runs (SMF_STOP_REASON).
sc_stop_reason() {
	manifest "$MF/a.xml" a true "$S a start"
	manifest "$MF/b.xml" b true "$S b start" contract \
	    "$(dep a require_all none svc:/test/a)"
	start_startd
	wait_state test/b online
	svcadm restart test/b
	wait_count b 2
	wait_state test/b online
	svcadm disable -s test/a || fail "disable a"
	wait_state test/b offline
	svcadm disable -s test/b || fail "disable b"
	expect_eq "$(tr '\n' ' ' <"$ROOT/stopwhy.b")" "restart dependency " "b's stops"
	expect_eq "$(tr '\n' ' ' <"$ROOT/stopwhy.a")" "disable " "a's stop"
}

sc_shutdown() {
	manifest "$MF/a.xml" a true "$S a start"
	manifest "$MF/b.xml" b true "$S b start" contract \
	    "$(dep a require_all none svc:/test/a)"
	start_startd
	wait_state test/b online
	pa=$(pid_of test/a)
	kill "$STARTD"
	wait "$STARTD"
	expect_eq "$?" 0 "svc.startd's exit status"
	STARTD=
	expect_eq "$(grep stop "$ROOT/events" | tr '\n' ' ')" "stop b stop a " "stop order"
	# Stopped processes may take a moment to exit and be reaped (they
	# are re-parented when svc.startd goes): poll, with a deadline.
	wait_for bash -c "! kill -0 $pa 2>/dev/null" || fail "service process survived"
	[[ -e $ROOT/run/svc/startd.sock ]] && fail "socket left behind"
	# A restart starts everything again.
	start_startd
	wait_state test/b online
}

sc_startd_restart() {
	manifest "$MF/a.xml" a true "$S a start"
	manifest "$MF/c.xml" c true "$S c run" child
	start_startd
	wait_state test/a online
	wait_state test/c online
	pid=$(pid_of test/a)
	kill -9 "$STARTD"
	wait_for bash -c "! kill -0 $STARTD"
	kill -0 "$pid" || fail "the service died with svc.startd"
	# The new svc.startd adopts the running contract instead of
	# starting a second copy, and still notices when it dies.
	start_startd
	wait_state test/a online
	expect_eq "$(pid_of test/a)" "$pid" "adopted process"
	expect_eq "$(count "$ROOT/log.a")" 1 "starts of a"
	expect_match "$(cat "$ROOT/var/svc/log/test-a:default.log")" \
	    "Adopting the processes of an earlier svc.startd." "log"
	kill -9 "$pid"
	wait_count a 2
	wait_state test/a online
	[[ $(pid_of test/a) != "$pid" ]] || fail "not restarted"
	# A child-model service is adopted too (its process is no longer
	# ours to wait for, so it is watched like a contract).
	wait_state test/c online
	expect_eq "$(count "$ROOT/log.c")" 1 "starts of c"
	# Adopted, the service is its whole contract: kill every process.
	kill $(svcs -H -p test/c | awk 'NR > 1 { print $2 }')
	wait_count c 2
	wait_state test/c online
}

sc_control_socket() {
	manifest "$MF/a.xml" a true "$S a start"
	start_startd
	wait_state test/a online
	expect_eq "$(stat -c %a "$ROOT/run/svc/startd.sock")" 600 "socket mode"
	# Garbage, a huge length and an unknown type: the daemon stays up.
	python3 - "$ROOT/run/svc/startd.sock" <<'PY' || fail "protocol checks"
import socket, struct, sys
path = sys.argv[1]
def call(data):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(data)
    hdr = s.recv(8)
    if len(hdr) < 8:
        return None
    st, n = struct.unpack('=II', hdr)
    body = b''
    while len(body) < n:
        body += s.recv(n - len(body))
    return st, body.decode()
st, msg = call(struct.pack('=II', 99, 0))
assert st != 0 and 'unknown request type' in msg, msg
st, msg = call(struct.pack('=II', 2, 3) + b'abc')
assert st != 0 and 'NUL' in msg, msg
st, msg = call(struct.pack('=II', 2, 0))
assert st != 0 and 'arguments' in msg, msg
st, msg = call(struct.pack('=II', 2, 9) + b'test/a\0q\0')
assert st != 0 and 'flag' in msg, msg
assert call(struct.pack('=II', 1, 1 << 20)) is None
st, msg = call(struct.pack('=II', 1, 0))
assert st == 0 and msg.isdigit(), msg
PY
	kill -0 "$STARTD" || fail "svc.startd died"
	expect_eq "$(state_of test/a)" online "still online"
	# A second svc.startd on the same root refuses to start, says why,
	# and leaves the first one's state alone.
	out=$("$B/svc.startd" --root "$ROOT" -m "$MF" 2>&1) && fail "second svc.startd started"
	expect_match "$out" "another svc.startd running on this root" "second svc.startd"
	expect_eq "$(state_of test/a)" online "after the second svc.startd"
	svcs -H -o ctid test/a | grep -q '^[0-9]' || fail "state table cleared"
}

sc_xvm_manifests() {
	local f
	# Both generated copies validate: the installed one names the
	# installed programs, the build tree's the built ones.
	for f in "$B"/manifests/*.xml.installed; do
		svccfg validate "$f" || fail "$f does not validate"
		grep -q 'exec="/' "$f" || fail "$f: a method without an absolute path"
	done
	for f in "$B"/manifests/*.xml; do
		svccfg validate "$f" || fail "$f does not validate"
		svccfg import "$f" || fail "$f does not import"
	done
	for s in hypervisor store xend console domains; do
		expect_eq "$(svcs -H -o fmri "svc:/system/xvm/$s:default")" \
		    "svc:/system/xvm/$s:default" "xvm/$s instance"
	done
	p() { svcprop -p "$1" xvm/xend:default; }
	expect_eq "$(p config/xend-relocation-server)" false "relocation-server"
	expect_eq "$(p config/xend-relocation-port)" 8002 "relocation-port"
	expect_eq "$(p config/xend-relocation-address)" '""' "relocation-address"
	expect_eq "$(p config/xend-relocation-hosts-allow)" \
	    '^localhost$\ ^localhost\\.localdomain$' "hosts-allow"
	expect_eq "$(p config/xend-unix-server)" true "unix-server"
	expect_eq "$(p config/dom0-min-mem)" 196 "dom0-min-mem"
	expect_eq "$(p config/dom0-cpus)" 0 "dom0-cpus"
	expect_eq "$(p config/enable-dump)" false "enable-dump"
	expect_eq "$(p config/vnc-listen)" 127.0.0.1 "vnc-listen"
	expect_eq "$(p config/vncpasswd)" '""' "vncpasswd"
	local bt=${XVM_BUILD:?}
	expect_eq "$(p start/exec)" "$bt/xvmd/xvmd" "xend start method"
	expect_eq "$(svcprop -p start/exec xvm/domains)" "$bt/domains-svc/xvm-domains\\ start" "domains start"
	expect_eq "$(svcprop -p stop/exec xvm/domains)" "$bt/domains-svc/xvm-domains\\ stop" "domains stop"
	expect_eq "$(svcprop -p stop/timeout_seconds xvm/domains)" 1800 "domains stop timeout"
	expect_eq "$(svcprop -p start/exec xvm/hypervisor)" "$bt/hypervisor/xvm-hypervisor\\ --daemon" "hypervisor"
	expect_eq "$(svcprop -p start/exec xvm/store)" "$bt/xenstored/xenstored" "store"
	expect_eq "$(svcprop -p start/exec xvm/console)" "$bt/console/xvm-consoled" "console"
	expect_eq "$(svcs -H -d xvm/xend -o fmri | sort | tr '\n' ' ')" \
	    "svc:/system/xvm/hypervisor:default svc:/system/xvm/store:default " "xend dependencies"
}

# xvm_up: the whole xVM stack under svc.startd, every service online.
xvm_up() {
	local prog missing=
	for prog in xvm-hypervisor xenstored xvmd xvm-consoled xvm-domains; do
		[[ -n $(find "${XVM_BUILD:-/nonexistent}" -maxdepth 3 -type f -name "$prog" -perm -u+x 2>/dev/null) ]] ||
		    missing="$missing $prog"
	done
	if [[ -n $missing ]]; then
		echo "SKIP: the xVM programs are not built yet:$missing"
		exit 77
	fi
	# The build tree's manifests name the built programs (no PATH);
	# xvmd reads its settings with svcprop, found on PATH as on a host.
	export PATH=$B:$PATH
	cp "$B"/manifests/*.xml "$MF/"
	start_startd
	svcadm enable -rs xvm/domains || fail "enable -rs xvm/domains"
	for s in hypervisor store xend console domains; do
		expect_eq "$(state_of "xvm/$s")" online "xvm/$s"
	done
}

xm() { "$XVM_BUILD/tools/xm/xm" --root "$ROOT" "$@"; }

# guest_cfg NAME [SETTINGS...]: the mini-OS as $ROOT/NAME.cfg
guest_cfg() {
	local name=$1
	shift
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" \
		    "$XVM_BUILD/guest/minios/minios.elf"
		printf '%s\n' "$@"
	} >"$ROOT/$name.cfg"
}

sc_xvm_stack() {
	xvm_up
	# A running domain is not disturbed when svc.startd restarts a killed
	# xenstored or xvmd: same domain, still managed, its store ring served.
	local xm="$XVM_BUILD/tools/xm/xm" guest="$XVM_BUILD/guest/minios/minios.elf"
	local id svc
	printf 'name = "smf1"\nmemory = 16\nkernel = "%s"\n' "$guest" >"$ROOT/smf1.cfg"
	"$xm" --root "$ROOT" create "$ROOT/smf1.cfg" >/dev/null || fail "xm create"
	id=$("$xm" --root "$ROOT" domid smf1) || fail "xm domid"
	for svc in store xend; do
		pid=$(pid_of "xvm/$svc")
		kill -9 "$pid"
		wait_for bash -c "[[ \$('$B/svcs' --root '$ROOT' -H -p xvm/$svc | awk 'NR > 1 { print \$2 }') != $pid ]]"
		wait_state "xvm/$svc" online
		wait_for "$xm" --root "$ROOT" list smf1
		expect_eq "$("$xm" --root "$ROOT" domid smf1)" "$id" \
		    "smf1's domain id after xvm/$svc was restarted"
	done
	# The guest reads the request through the restarted store's ring.
	"$xm" --root "$ROOT" shutdown -w smf1 ||
	    fail "xm shutdown -w smf1 after the restarts"
	for s in domains console xend store hypervisor; do
		svcadm disable -s "xvm/$s" || fail "disable xvm/$s"
	done
}

# Issue 13 item 8: a daemon's restart never shuts down, saves or restarts
# a guest.  Killing xvm-consoled or xenstored, or restarting xvmd, leaves
# the domains service online (its stop method never runs) and every
# domain as it was, even those marked on_xend_stop = "shutdown".
sc_xvm_daemon_restarts() {
	local dlog="$ROOT/var/svc/log/system-xvm-domains:default.log"
	local svc pid m1 u1 stops
	xvm_up
	guest_cfg m1 'on_xend_stop = "shutdown"'
	guest_cfg u1 'on_xend_stop = "shutdown"'
	xm new "$ROOT/m1.cfg" || fail "xm new m1"
	xm start m1 || fail "xm start m1"
	xm create "$ROOT/u1.cfg" >/dev/null || fail "xm create u1"
	m1=$(xm domid m1)
	u1=$(xm domid u1)
	stops=$(grep -c "Executing stop method" "$dlog")
	for svc in console store xend; do
		pid=$(pid_of "xvm/$svc")
		if [[ $svc == xend ]]; then
			svcadm restart xvm/xend
		else
			kill -9 "$pid"
		fi
		wait_for bash -c "[[ \$('$B/svcs' --root '$ROOT' -H -p xvm/$svc | awk 'NR > 1 { print \$2 }') != $pid ]]"
		wait_state "xvm/$svc" online
		wait_for xm list m1
		expect_eq "$(xm domid m1) $(xm domid u1)" "$m1 $u1" \
		    "the domains after xvm/$svc restarted"
		expect_eq "$(state_of xvm/domains)" online "xvm/domains after xvm/$svc restarted"
	done
	expect_eq "$(grep -c "Executing stop method" "$dlog")" "$stops" \
	    "the domains service's stop method never ran"
	xm shutdown -w m1 || fail "xm shutdown -w m1 after the restarts"
	xm destroy u1
	xm delete m1
}

# Issue 13 item 7: a whole stack stop and start with a managed domain
# marked on_xend_start = "start" and on_xend_stop = "suspend": it is saved
# at the stop and restored at the start -- its image wins over a fresh
# start, and is used once -- twice in a row, and xvm/domains stays online.
sc_xvm_suspend_cycle() {
	local chk="$ROOT/var/lib/xvm/save/s1.chk" s n
	local clog="$ROOT/var/log/xvm/console/guest-s1.log"
	xvm_up
	guest_cfg s1 'on_xend_start = "start"' 'on_xend_stop = "suspend"'
	xm new "$ROOT/s1.cfg" || fail "xm new s1"
	xm start s1 || fail "xm start s1"
	wait_for grep -q "workload: idle" "$clog"
	for n in 1 2; do
		for s in domains console xend store hypervisor; do
			svcadm disable -s "xvm/$s" || fail "cycle $n: disable xvm/$s"
		done
		[[ -s $chk ]] || fail "cycle $n: s1 was not saved at the stop"
		svcadm enable -rs xvm/domains || fail "cycle $n: enable -rs"
		expect_eq "$(state_of xvm/domains)" online "cycle $n: xvm/domains"
		[[ -e $chk ]] && fail "cycle $n: the image was not used (still there)"
		[[ -n $(xm domid s1) ]] || fail "cycle $n: s1 is not running"
		wait_for bash -c "[ \$(grep -c 'pv: resumed' '$clog') -ge $n ]"
		expect_eq "$(grep -c 'minios: booting' "$clog")" 1 \
		    "cycle $n: s1 resumed, never booted afresh"
	done
	xm destroy s1
	xm delete s1
}

# Issue 13 item 21: svcadm refresh xvm/xend applies what can change while
# xvmd runs, without restarting it; a setting read at start waits.
sc_xvm_refresh() {
	local pid
	xvm_up
	pid=$(pid_of xvm/xend)
	svccfg -s xvm/xend setprop config/shutdown-timeout = count: 7 || fail setprop
	svccfg -s xvm/xend setprop config/xend-relocation-port = count: 8123 || fail setprop
	svcadm refresh xvm/xend
	wait_for grep -q "refresh: shutdown-timeout 60 -> 7; at the next start of xvmd: xend-relocation-port 8123" \
	    "$ROOT/var/log/xvm/xvmd.log"
	expect_eq "$(pid_of xvm/xend)" "$pid" "xvmd was not restarted"
	expect_eq "$(state_of xvm/xend)" online "xvm/xend after the refresh"
	curl -s --unix-socket "$ROOT/run/xvm/xvmd.sock" http://localhost/host/settings >"$ROOT/settings"
	python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["settings"]
assert s["shutdown-timeout"] == {"value": 7, "source": "smf"}, s["shutdown-timeout"]
assert s["xend-relocation-port"]["value"] == 8002, s["xend-relocation-port"]' "$ROOT/settings" ||
	    fail "the settings in force: $(cat "$ROOT/settings")"
}

type "sc_$scenario" >/dev/null 2>&1 || { echo "unknown scenario $scenario"; exit 2; }
"sc_$scenario"
echo "ok [$scenario]"
