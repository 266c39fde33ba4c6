#!/usr/bin/python3
"""libvirt-python against xvmd: lifecycle calls and lifecycle events.
Usage: virt_events.py URI KERNEL; prints TAP lines, exits 1 on a failure."""
import sys
import threading
import time

import libvirt

URI, KERNEL = sys.argv[1], sys.argv[2]
n = fails = 0


def check(desc, ok, detail=""):
    global n, fails
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok:
        fails += 1
        print("#   %s" % detail)


libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
libvirt.registerErrorHandler(lambda ctx, err: None, None)

NAMES = {libvirt.VIR_DOMAIN_EVENT_DEFINED: "defined",
         libvirt.VIR_DOMAIN_EVENT_UNDEFINED: "undefined",
         libvirt.VIR_DOMAIN_EVENT_STARTED: "started",
         libvirt.VIR_DOMAIN_EVENT_SUSPENDED: "suspended",
         libvirt.VIR_DOMAIN_EVENT_RESUMED: "resumed",
         libvirt.VIR_DOMAIN_EVENT_STOPPED: "stopped",
         libvirt.VIR_DOMAIN_EVENT_SHUTDOWN: "shutdown"}
events = []
lock = threading.Lock()


def on_event(conn, dom, event, detail, opaque):
    with lock:
        events.append((dom.name(), NAMES.get(event, str(event))))


def wait_event(name, what, secs=30):
    deadline = time.time() + secs
    while time.time() < deadline:
        with lock:
            if (name, what) in events:
                return True
        time.sleep(0.05)
    return False


conn = libvirt.open(URI)
check("open: type Xen", conn.getType() == "Xen", conn.getType())
check("getVersion 3.4.0", conn.getVersion() == 3004000, conn.getVersion())
check("getCapabilities: riscv64", "<arch name='riscv64'>" in conn.getCapabilities())
info = conn.getInfo()
check("getInfo: riscv64, CPUs", info[0] == "riscv64" and info[2] >= 1, info)
cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_event, None)
check("domainEventRegisterAny: a callback id", cb >= 0, cb)

xml = """<domain type='xen'><name>py1</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>
<os><type arch='riscv64'>hvm</type><kernel>%s</kernel><cmdline>ticks=1</cmdline></os>
<devices><console type='pty'/></devices></domain>""" % KERNEL
dom = conn.defineXML(xml)
check("defineXML: py1, persistent, shut off",
      dom.name() == "py1" and dom.isPersistent() == 1 and dom.isActive() == 0)
check("event: defined", wait_event("py1", "defined"), events)
dom.create()
check("create: running", dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING, dom.state())
check("event: started", wait_event("py1", "started"), events)
check("lookupByID finds it", conn.lookupByID(dom.ID()).UUIDString() == dom.UUIDString())
check("lookupByUUIDString finds it", conn.lookupByUUIDString(dom.UUIDString()).name() == "py1")
st, maxmem, mem, vcpus, cpu = dom.info()
check("info: 16 MiB, 1 vCPU", maxmem == 16384 and vcpus == 1, dom.info())
check("XMLDesc has the kernel", KERNEL in dom.XMLDesc(0))
dom.suspend()
check("event: suspended", wait_event("py1", "suspended"), events)
dom.resume()
check("event: resumed", wait_event("py1", "resumed"), events)
dom.destroy()
check("event: stopped", wait_event("py1", "stopped"), events)
dom.undefine()
check("event: undefined", wait_event("py1", "undefined"), events)
names = [d.name() for d in conn.listAllDomains()]
check("listAllDomains: Domain-0, no py1", "Domain-0" in names and "py1" not in names, names)
try:
    conn.lookupByName("py1")
    check("lookupByName after undefine fails", False)
except libvirt.libvirtError as e:
    check("lookupByName after undefine: VIR_ERR_NO_DOMAIN",
          e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, e.get_error_code())

# A transient domain made by createXML; a change made elsewhere is seen too.
dom = conn.createXML(xml.replace("py1", "py2"), 0)
check("createXML: transient and running", dom.isPersistent() == 0 and dom.isActive() == 1)
check("event: py2 started", wait_event("py2", "started"), events)
conn.domainEventDeregisterAny(cb)
conn.close()
print("%d passed, %d failed" % (n - fails, fails))
sys.exit(1 if fails else 0)
