#!/usr/bin/env bash
# `virsh -c xen:///system` with no socket= in the URI: libvirt's remote
# driver finds /var/run/libvirt/virtxend-sock (and -sock-ro with -r) of a
# stack installed at /.  The stack runs at / inside a private mount
# namespace with fresh /run, /var/lib and /var/log, so the host is untouched.
set -u
: "${XVM_BUILD:?}"
command -v virsh >/dev/null || { echo "# SKIP: virsh is not installed"; exit 77; }
if [[ $(id -u) -ne 0 ]] || ! unshare -m true 2>/dev/null; then
	echo "# SKIP: needs root and mount namespaces"
	exit 77
fi
exec unshare -m --propagation private bash -s "$XVM_BUILD" <<'NS'
B=$1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
nok() { fail=$((fail + 1)); echo "not ok $((pass + fail)) - $1"; shift; printf '#   %s\n' "$@"; }
for d in /run /var/lib /var/log; do mount -t tmpfs none "$d" || exit 1; done
unset XVM_ROOT LIBVIRT_DEFAULT_URI
wait_sock() { for _ in $(seq 300); do [[ -S $1 ]] && return 0; sleep 0.1; done; return 1; }
"$B/hypervisor/xvm-hypervisor" -F -n 2 >/var/log/hv.log 2>&1 & p1=$!
wait_sock /run/xvm/privcmd
"$B/xenstored/xenstored" -F >/var/log/xs.log 2>&1 & p2=$!
wait_sock /run/xenstored/socket
"$B/xvmd/xvmd" -F >/var/log/xvmd.out 2>&1 & p3=$!
wait_sock /run/libvirt/virtxend-sock || nok "xvmd's libvirt socket at /run/libvirt" "$(cat /var/log/xvmd.out)"
[[ $(stat -c %a /run/libvirt/virtxend-sock) == 600 ]] && ok "virtxend-sock is 0600" ||
	nok "mode of virtxend-sock" "$(stat -c %a /run/libvirt/virtxend-sock)"
out=$(virsh -c xen:///system list --all 2>&1)
[[ $out == *Domain-0*running* ]] && ok "virsh -c xen:///system list --all" || nok "xen:///system" "$out"
out=$(virsh -c xen:///system version 2>&1)
[[ $out == *"Running hypervisor: Xen 3.4.0"* ]] && ok "virsh -c xen:///system version" || nok "version" "$out"
out=$(virsh -r -c xen:///system list --all --name 2>&1)
[[ $out == *Domain-0* ]] && ok "virsh -r (virtxend-sock-ro)" || nok "read-only" "$out"
kill $p3 $p2 $p1
wait
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
NS
