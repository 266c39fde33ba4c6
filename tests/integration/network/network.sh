#!/usr/bin/env bash
# The network in a box (docs/network.md), all inside network namespaces of
# this test's own: xvm-network puts 10.0.0.1/24 on xvmbr0, masquerades it
# to an "uplink" veth whose other end is a second namespace (the WAN, with
# a web server at 192.0.2.1), and serves DHCP with dnsmasq.  A stock Linux
# guest on xvmbr0 gets a lease with BusyBox udhcpc and fetches a page from
# the WAN through NAT (the server sees the uplink's address, not the
# guest's); dom0 reaches the guest at its leased address.  Stopping the
# service takes NAT, the address, dnsmasq and forwarding away again; bad
# settings are refused with file:line.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
NET=$XVM_BUILD/network/xvm-network
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
for f in "$L/Image" "$L/rootfs.cpio.gz" "$NET"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f (ninja builds it)"; exit 1; }
done
for p in nft dnsmasq; do
	command -v "$p" >/dev/null || { echo "not ok 1 - $p is not installed (scripts/setup-deps)"; exit 1; }
done
check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
ip link set lo up

# The WAN: a namespace held by a sleeping process, joined by a veth pair.
unshare -n sleep 3600 &
WAN=$!
T_PIDS+=($WAN)
t_wait_for "the WAN namespace" 10 bash -c "[ \"\$(readlink /proc/$WAN/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
wan() { nsenter -t "$WAN" -n "$@"; }
ip link add up0 type veth peer name wan0
ip link set wan0 netns "$WAN"
ip addr add 192.0.2.2/24 dev up0
ip link set up0 up
ip route add default via 192.0.2.1
wan ip link set lo up
wan ip addr add 192.0.2.1/24 dev wan0
wan ip link set wan0 up
mkdir -p "$T_ROOT/www"
echo "hello from the WAN" >"$T_ROOT/www/hello.txt"
(cd "$T_ROOT/www" && exec nsenter -t "$WAN" -n python3 -m http.server --bind 192.0.2.1 8080) \
    >/dev/null 2>"$T_ROOT/www.log" &
T_PIDS+=($!)

mkdir -p "$T_ROOT/etc/xvm"
run_net() { "$NET" --root "$T_ROOT" "$@"; }

# Bad settings: refused with file:line, nothing put up.
printf '(nat yes)\n(colour red)\n' >"$T_ROOT/etc/xvm/network.conf"
out=$(run_net 2>&1)
check "an unknown setting is refused with file:line ($out)" \
    grep -q "network.conf:2: unknown setting 'colour'" <<<"$out"
printf '(address 10.0.0.0/24)\n' >"$T_ROOT/etc/xvm/network.conf"
out=$(run_net 2>&1)
check "a network's own address is refused ($out)" grep -q "address: 10.0.0.0/24 is its network's own address" <<<"$out"
check "a refused start left no bridge behind" bash -c "! ip link show xvmbr0 2>/dev/null"

printf '%s\n' '# the box: NAT to up0, DHCP' '(nat yes)' '(netdev up0)' '(dhcp yes)' \
    "(address '10.0.0.1/24')" >"$T_ROOT/etc/xvm/network.conf"
out=$(run_net 2>&1)
check "xvm-network starts and returns once it serves ($out)" [ $? -eq 0 ]
PIDF=$T_ROOT/run/xvm/xvm-network.pid
NETPID=$(cat "$PIDF" 2>/dev/null)
T_PIDS+=($NETPID)
check "xvmbr0 has 10.0.0.1/24" bash -c "ip -o -4 addr show xvmbr0 | grep -q 'inet 10.0.0.1/24'"
check "IPv4 forwarding is on" [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
check "nft: the box's table masquerades 10.0.0.0/24 to up0" bash -c \
    "nft list table ip xvm-xvmbr0 | grep -q 'ip saddr 10.0.0.0/24 ip daddr != 10.0.0.0/24 oifname \"up0\" masquerade'"
check "dnsmasq serves the bridge" bash -c "pgrep -a -x dnsmasq | grep -q -- '--interface=xvmbr0.*--dhcp-leasefile=$T_ROOT/'"

# A Linux guest on the box: xvmd adds its tap to the (existing) bridge.
t_stack || exit 1
printf '%s\n' 'name = "g"' 'memory = 128' 'vcpus = 1' "kernel = \"$L/Image\"" \
    "ramdisk = \"$L/rootfs.cpio.gz\"" 'extra = "console=ttyS0 quiet"' \
    "vif = [ 'mac=00:16:3e:00:00:07' ]" >"$T_ROOT/g.cfg"
out=$("$XM" create "$T_ROOT/g.cfg" 2>&1)
check "xm create g ($out)" [ $? -eq 0 ]
check "g's tap is on xvmbr0" bash -c "ip -o link show master xvmbr0 | grep -q vif"
out=$(python3 "$DRIVE" 600 'expect:login: ' 'send:root\r' 'expect:# ' \
    "send:echo '#!/bin/sh' >/tmp/s; echo '[ \"\$1\" = bound ] && ip addr add \$ip/\$mask dev \$interface && ip route add default via \$router; exit 0' >>/tmp/s; chmod +x /tmp/s\r" \
    'expect:# ' \
    'send:ip link set eth0 up && udhcpc -i eth0 -n -q -s /tmp/s && echo dhcp-$((40+2))\r' \
    'expect:dhcp-42' 'expect:# ' \
    'send:wget -q -O - http://192.0.2.1:8080/hello.txt && echo wan-$((40+2))\r' \
    'expect:wan-42' 'expect:# ' 'send:\x1d' -- "$XM" console g 2>&1)
st=$?
check "g: a lease from dnsmasq with udhcpc, then a page from the WAN" [ $st -eq 0 ]
[[ $st -eq 0 ]] || echo "$out" | tail -20 | sed 's/^/# /'
lease=$(grep -o 'lease of 10\.0\.0\.[0-9]*' <<<"$out" | head -1 | cut -d' ' -f3)
check "the lease ($lease) is in dnsmasq's range 10.0.0.100-199" \
    bash -c "[[ '$lease' =~ ^10\.0\.0\.1[0-9][0-9]$ ]]"
check "dnsmasq's lease file has g's MAC" grep -q "00:16:3e:00:00:07 $lease" \
    "$T_ROOT/var/lib/xvm/network/xvmbr0.leases"
check "g read the WAN's page" grep -q "hello from the WAN" <<<"$out"
check "the WAN saw the uplink's address (NAT), not g's" bash -c \
    "grep -q '^192.0.2.2 .*GET /hello.txt' '$T_ROOT/www.log' && ! grep -q '^10\.0\.0' '$T_ROOT/www.log'"
check "dom0 reaches g at its leased address" ping -c 2 -W 5 "$lease"

# Stop: everything the service put up goes, the bridge and the tap stay.
kill "$NETPID"
t_wait_for "xvm-network to stop" 30 bash -c "! kill -0 $NETPID 2>/dev/null"
check "after stop: no nft table, no address, no dnsmasq, forwarding off" bash -c \
    "! nft list table ip xvm-xvmbr0 2>/dev/null && ! ip -o -4 addr show xvmbr0 | grep -q 10.0.0.1 &&
     ! pgrep -a -x dnsmasq | grep -q -- '--dhcp-leasefile=$T_ROOT/' && [ \$(cat /proc/sys/net/ipv4/ip_forward) = 0 ]"
check "the bridge and g's tap stay" bash -c "ip -o link show master xvmbr0 | grep -q vif"
"$XM" destroy g
t_done
