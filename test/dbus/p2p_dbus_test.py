#!/usr/bin/python3
# p2pd's D-Bus API (fi.w1.wpa_supplicant1) as a connection manager uses it, checked by an
# independent client (python3-dbus) on a private bus: objects and introspection, Find on two
# devices and DeviceFound, Connect (invalid arguments, push button on both sides, a generated
# PIN), GONegotiationSuccess, GroupStarted with a group object matching the control interface,
# Disconnect and GroupFinished, a caller without the right to change the radio, and the name
# released at exit; P2PDeviceConfig written, ExtendedListen, persistent groups (added, read,
# written, removed, and followed by the control interface), WPS on a GO, a failed WPS run and
# a refused negotiation. Exit 77 (skipped) without dbus-daemon or python3-dbus.
import hashlib, os, shutil, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

try:
    import dbus
    import dbus.mainloop.glib
    from gi.repository import GLib
except ImportError as e:
    print(f"skipped: python3-dbus and python3-gi are needed ({e})")
    sys.exit(77)
if not shutil.which("dbus-daemon"):
    print("skipped: dbus-daemon is not installed")
    sys.exit(77)

p2pd = sys.argv[1]
SVC, ROOT = "fi.w1.wpa_supplicant1", "/fi/w1/wpa_supplicant1"
P2P = SVC + ".Interface.P2PDevice"
WPS = SVC + ".Interface.WPS"
PROPS = "org.freedesktop.DBus.Properties"
BAD_PROPERTY = "org.freedesktop.DBus.Error.InvalidArgs"  # a property value refused
work = tempfile.mkdtemp(prefix="p2p_dbus.")
os.chmod(work, 0o755)  # the unprivileged caller reaches the bus socket
conf = os.path.join(work, "bus.conf")
with open(conf, "w") as f:
    f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path={work}/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/>
<allow receive_sender="*"/></policy></busconfig>""")
procs = []
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def cleanup():
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    shutil.rmtree(work, ignore_errors=True)


try:
    daemon = subprocess.Popen(["dbus-daemon", "--config-file=" + conf, "--nofork",
                               "--print-address=1"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    procs.append(daemon)
    address = daemon.stdout.readline().strip()
    # Bob's name is not UTF-8 (a peer's name is whatever it sends): D-Bus gets U+FFFD for it.
    alice_conf = os.path.join(work, "alice.conf")
    with open(alice_conf, "w") as f:
        f.write("update_config=1\nnetwork={\n\tssid=\"DIRECT-st-stored\"\n\tbssid=02:00:00:00:00:00\n"
                "\tpsk=\"stored-pass\"\n\tproto=RSN\n\tkey_mgmt=WPA-PSK\n\tpairwise=CCMP\n\tmode=3\n"
                "\tdisabled=2\n}\n")
    server = subprocess.Popen([p2pd.encode(), b"--dbus=" + address.encode(), b"-p",
                               (work + "/ctrl").encode(), b"-n", b"2", b"-N", b"Alice,B\xffb",
                               b"-c", alice_conf.encode()],
                              stdout=subprocess.PIPE, text=True, errors="replace")
    procs.append(server)
    for line in server.stdout:
        if line.startswith("p2pd: ready"):
            break

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    loop = GLib.MainLoop()
    signals = []

    def on_signal(*args, **kw):
        signals.append((kw["path"], kw["member"], args))

    bus.add_signal_receiver(on_signal, dbus_interface=P2P, path_keyword="path",
                            member_keyword="member")

    def wait_for(pred, seconds):
        end = time.time() + seconds
        while time.time() < end:
            ctx = loop.get_context()
            while ctx.pending():
                ctx.iteration(False)
            hit = pred()
            if hit:
                return hit
            ctx.iteration(False)
            time.sleep(0.02)
        return None

    def signal(path, member, seconds=10):
        return wait_for(lambda: next((s for s in signals if s[0] == path and s[1] == member),
                                     None), seconds)

    root = bus.get_object(SVC, ROOT)
    w0 = str(root.GetInterface("wlan0", dbus_interface=SVC))
    w1 = str(root.GetInterface("wlan1", dbus_interface=SVC))
    check(w0 == ROOT + "/Interfaces/0" and w1 == ROOT + "/Interfaces/1",
          f"GetInterface: {w0}, {w1}")
    try:
        root.GetInterface("wlan9", dbus_interface=SVC)
        check(False, "GetInterface of an unknown interface fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".InterfaceUnknown", "unknown interface: " +
              e.get_dbus_name())
    if shutil.which("busctl"):
        out = subprocess.run(["busctl", "--address=" + address, "call", SVC, ROOT, SVC,
                              "GetInterface", "s", "wlan1"], capture_output=True, text=True)
        check(out.stdout.strip() == f'o "{w1}"', "busctl call GetInterface: " + out.stdout.strip())
        out = subprocess.run(["busctl", "--address=" + address, "introspect", SVC, w0, P2P],
                             capture_output=True, text=True).stdout
        check(any(l.split()[:4] == [".Connect", "method", "a{sv}", "s"] for l in out.splitlines()),
              "busctl introspect shows Connect a{sv} -> s")
    props = dbus.Interface(root, "org.freedesktop.DBus.Properties")
    check(sorted(map(str, props.Get(SVC, "Interfaces"))) == [w0, w1], "Interfaces property")
    check("p2p" in list(props.Get(SVC, "Capabilities")), "Capabilities names p2p")

    # CreateInterface and RemoveInterface: a device added and removed at run time.
    root_signals = []
    bus.add_signal_receiver(lambda *a, **kw: root_signals.append((kw["member"], a)),
                            dbus_interface=SVC, member_keyword="member")
    w5 = str(root.CreateInterface(dbus.Dictionary({"Ifname": "wlan5", "Driver": "nl80211"},
                                                  signature="sv"), dbus_interface=SVC))
    check(w5.startswith(ROOT + "/Interfaces/") and
          str(root.GetInterface("wlan5", dbus_interface=SVC)) == w5, "CreateInterface: " + w5)
    for args, name, what in (({"Ifname": "wlan5"}, SVC + ".InterfaceExists", "twice"),
                             ({"Driver": "nl80211"}, SVC + ".InvalidArgs", "without Ifname"),
                             ({"Ifname": "wlan6", "Color": "red"}, SVC + ".InvalidArgs",
                              "with an unknown key")):
        try:
            root.CreateInterface(dbus.Dictionary(args, signature="sv"), dbus_interface=SVC)
            check(False, "CreateInterface " + what)
        except dbus.DBusException as e:
            check(e.get_dbus_name() == name, f"CreateInterface {what}: {e.get_dbus_name()}")
    root.RemoveInterface(dbus.ObjectPath(w5), dbus_interface=SVC)
    check(wait_for(lambda: any(m == "InterfaceRemoved" and str(a[0]) == w5
                               for m, a in root_signals), 5) and
          any(m == "InterfaceAdded" and str(a[0]) == w5 and a[1].get("Ifname") == "wlan5" and
              a[1].get("State") == "disconnected" and "p2p" in list(a[1].get("Capabilities", {}).get("Modes", []))
              for m, a in root_signals),
          "InterfaceAdded, with the interface's properties, and InterfaceRemoved for it")
    check(sorted(map(str, props.Get(SVC, "Interfaces"))) == [w0, w1], "and it is gone")

    dev0, dev1 = bus.get_object(SVC, w0), bus.get_object(SVC, w1)
    xml = ET.fromstring(dev0.Introspect(dbus_interface="org.freedesktop.DBus.Introspectable"))
    ifaces = {i.get("name"): i for i in xml.findall("interface")}
    check(SVC + ".Interface" in ifaces and P2P in ifaces, "introspection names both interfaces")
    methods = {m.get("name"): m for m in ifaces[P2P].findall("method")}
    check({"Find", "StopFind", "Listen", "Connect", "Cancel", "Disconnect", "Flush",
           "ProvisionDiscoveryRequest", "GroupAdd", "RejectPeer", "ExtendedListen", "RemoveClient",
           "AddPersistentGroup", "RemovePersistentGroup", "RemoveAllPersistentGroups"}
          <= set(methods),
          "P2PDevice methods: " + ",".join(sorted(methods)))
    connect_args = [(a.get("direction"), a.get("type")) for a in methods["Connect"].findall("arg")]
    check(connect_args == [("in", "a{sv}"), ("out", "s")], f"Connect is a{{sv}} -> s: {connect_args}")
    sigs = {s.get("name") for s in ifaces[P2P].findall("signal")}
    check({"DeviceFound", "DeviceLost", "FindStopped", "GONegotiationSuccess",
           "GONegotiationFailure", "GroupStarted", "GroupFinished"} <= sigs, "P2PDevice signals")
    check(WPS in ifaces and {"Start", "Cancel"} <= {m.get("name") for m in ifaces[WPS].findall("method")},
          "introspection names Interface.WPS with Start and Cancel")
    p0 = dbus.Interface(dev0, PROPS)
    check(p0.Get(SVC + ".Interface", "Ifname") == "wlan0", "Ifname")
    caps = p0.Get(SVC + ".Interface", "Capabilities")
    check("p2p" in list(caps.get("Modes", [])) and list(caps.get("Pairwise", [])) == ["ccmp"] and
          "wpa-psk" in list(caps.get("KeyMgmt", [])) and int(caps.get("MaxScanSSID", 0)) > 0,
          "the interface's Capabilities: the p2p mode, CCMP, WPA-PSK and MaxScanSSID " +
          str({k: (list(v) if isinstance(v, list) else v) for k, v in caps.items()}))
    config = p0.Get(P2P, "P2PDeviceConfig")
    check(config["DeviceName"] == "Alice" and int(config["GOIntent"]) == 7 and
          (int(config["ListenRegClass"]), int(config["ListenChannel"])) == (0, 0),
          "P2PDeviceConfig: DeviceName, GOIntent, no listen channel configured")
    stored = list(map(str, p0.Get(P2P, "PersistentGroups")))
    check(len(stored) == 1 and dbus.Interface(bus.get_object(SVC, stored[0]), PROPS).Get(
              SVC + ".PersistentGroup", "Properties")["ssid"] == '"DIRECT-st-stored"',
          "a persistent group of the configuration file is on the bus from the start")

    def wpa_cli(*args, ifname="wlan0"):
        # Replies carry a peer's name as it sent it, which need not be UTF-8 (Bob's is not).
        return subprocess.run(["wpa_cli", "-p", work + "/ctrl", "-i", ifname, *args],
                              capture_output=True, text=True, errors="replace").stdout.strip()

    # P2PDeviceConfig written: a dictionary read, changed and written back is taken whole, and
    # the control interface sees the change; a bad key changes nothing.
    config["DeviceName"] = "Carol"
    config["GOIntent"] = dbus.UInt32(9)
    p0.Set(P2P, "P2PDeviceConfig", config)
    check(wpa_cli("get", "device_name") == "Carol" and wpa_cli("get", "p2p_go_intent") == "9",
          "P2PDeviceConfig written back: GET device_name Carol, p2p_go_intent 9")
    saved = wpa_cli("save_config") == "OK" and open(alice_conf).read().splitlines()
    check(bool(saved) and "device_name=Carol" in saved and "p2p_go_intent=9" in saved and
          not any(l.startswith("p2p_listen_channel") for l in saved),
          "SAVE_CONFIG writes the settings changed over the bus, and only those")
    for bad, what in (({"GroupIdle": dbus.UInt32(100000)}, "GroupIdle past 86400"),
                      ({"DeviceName": "Eve\nmodel_name=x"}, "a DeviceName of two lines")):
        try:
            p0.Set(P2P, "P2PDeviceConfig", dbus.Dictionary(bad, signature="sv"))
            check(False, what + " is refused")
        except dbus.DBusException as e:  # the bus's InvalidArgs, as wpas_dbus_setter_p2p_device_config
            check(e.get_dbus_name() == BAD_PROPERTY, what + ": " + e.get_dbus_name())
    try:
        p0.Set(P2P, "P2PDeviceConfig", dbus.Dictionary({"DeviceName": "Dave", "GOIntent": dbus.UInt32(16)},
                                                       signature="sv"))
        check(False, "GOIntent 16 is refused")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == BAD_PROPERTY and wpa_cli("get", "device_name") == "Carol",
              "GOIntent 16: InvalidArgs, and DeviceName is not changed either")
    p0.Set(P2P, "P2PDeviceConfig", dbus.Dictionary({"DeviceName": "Alice", "GOIntent": dbus.UInt32(7)},
                                                   signature="sv"))
    wps0 = dbus.Interface(dev0, WPS)
    p0.Set(WPS, "ConfigMethods", "push_button keypad")
    check(p0.Get(WPS, "ConfigMethods") == "push_button keypad" and
          wpa_cli("get", "config_methods") == "push_button keypad", "WPS ConfigMethods written")
    p0.Set(WPS, "ConfigMethods", "display push_button keypad")
    try:
        wps0.Start(dbus.Dictionary({}, signature="sv"))
        check(False, "WPS.Start without Role fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".InvalidArgs", "WPS.Start without Role: " + e.get_dbus_name())
    try:
        wps0.Start(dbus.Dictionary({"Role": "enrollee", "Type": "pbc"}, signature="sv"))
        check(False, "WPS.Start on an interface without a GO fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".UnknownError", "WPS.Start on the device: " + e.get_dbus_name())
    ext = dbus.Interface(dev0, P2P)
    ext.ExtendedListen(dbus.Dictionary({"period": dbus.Int32(100), "interval": dbus.Int32(1000)},
                                       signature="sv"))
    try:
        ext.ExtendedListen(dbus.Dictionary({"period": dbus.UInt32(100)}, signature="sv"))
        check(False, "ExtendedListen with a u period fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".InvalidArgs", "ExtendedListen period as u: InvalidArgs")
    try:
        ext.ExtendedListen(dbus.Dictionary({"period": dbus.Int32(2000), "interval": dbus.Int32(1000)},
                                           signature="sv"))
        check(False, "ExtendedListen with a period longer than its interval fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".UnknownError",
              "ExtendedListen period > interval: " + e.get_dbus_name())
    ext.ExtendedListen(dbus.Dictionary({}, signature="sv"))

    # Persistent groups: added over the bus, seen by the control interface, read, written and
    # removed; one made by the control interface appears on the bus.
    pg_signals = []
    bus.add_signal_receiver(lambda *a, **kw: pg_signals.append((kw["member"], a)),
                            dbus_interface=P2P, path=w0, member_keyword="member")
    pg = str(ext.AddPersistentGroup(dbus.Dictionary(
        {"ssid": "DIRECT-pq-stored", "bssid": "02:00:00:00:00:00", "psk": "stored-secret",
         "mode": dbus.UInt32(3)}, signature="sv")))
    check(pg.startswith(w0 + "/PersistentGroups/"), "AddPersistentGroup: " + pg)
    added = wait_for(lambda: next((a for m, a in pg_signals if m == "PersistentGroupAdded"), None), 5)
    check(bool(added) and str(added[0]) == pg and
          added[1]["Properties"]["ssid"] == '"DIRECT-pq-stored"',
          "PersistentGroupAdded with its properties")
    check(pg in map(str, p0.Get(P2P, "PersistentGroups")), "PersistentGroups lists it")
    nid = pg.rsplit("/", 1)[1]
    check(any(l.split("\t")[:2] == [nid, "DIRECT-pq-stored"] and "[P2P-PERSISTENT]" in l
              for l in wpa_cli("list_networks").splitlines()),
          "LIST_NETWORKS shows it as a persistent group")
    pgp = dbus.Interface(bus.get_object(SVC, pg), PROPS)
    props_pg = pgp.Get(SVC + ".PersistentGroup", "Properties")
    check(props_pg["mode"] == "3" and props_pg["bssid"] == "02:00:00:00:00:00" and
          props_pg["psk"] == '"stored-secret"', "its Properties: mode, bssid, psk")
    pgp.Set(SVC + ".PersistentGroup", "Properties", dbus.Dictionary({"psk": "other-secret"}, signature="sv"))
    check(pgp.Get(SVC + ".PersistentGroup", "Properties")["psk"] == '"other-secret"',
          "its Properties written")
    # A property refused is the bus's InvalidArgs (set_network_properties); a group without
    # bssid, whose properties were read, is wpa_supplicant's own.
    for args, what, name in (({"ssid": "DIRECT-xy", "bssid": "02:00:00:00:00:00", "key_mgmt": "NONE"},
                              "an open persistent group", BAD_PROPERTY),
                             ({"ssid": "DIRECT-xy"}, "a persistent group without bssid", SVC + ".InvalidArgs"),
                             ({"ssid": "DIRECT-xy", "bssid": "02:00:00:00:00:00", "priority": dbus.Int32(1)},
                              "a field a persistent group has not", BAD_PROPERTY)):
        try:
            ext.AddPersistentGroup(dbus.Dictionary(args, signature="sv"))
            check(False, what + " is refused")
        except dbus.DBusException as e:
            check(e.get_dbus_name() == name, what + ": " + e.get_dbus_name())
    ext.RemovePersistentGroup(dbus.ObjectPath(pg))
    check(wait_for(lambda: any(m == "PersistentGroupRemoved" and str(a[0]) == pg for m, a in pg_signals), 5)
          and pg not in map(str, p0.Get(P2P, "PersistentGroups")), "RemovePersistentGroup: removed")
    try:
        ext.RemovePersistentGroup(dbus.ObjectPath(pg))
        check(False, "removing it twice fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".NetworkUnknown", "removing it twice: " + e.get_dbus_name())
    nid = wpa_cli("add_network")
    for field, value in (("ssid", '"DIRECT-zz-ctrl"'), ("bssid", "02:00:00:00:00:00"), ("psk", '"ctrl-secret"'),
                         ("disabled", "2")):
        wpa_cli("set_network", nid, field, value)
    made = w0 + "/PersistentGroups/" + nid
    check(bool(wait_for(lambda: any(m == "PersistentGroupAdded" and str(a[0]) == made for m, a in pg_signals), 5)),
          "a persistent group made by SET_NETWORK appears on the bus")
    ext.RemoveAllPersistentGroups()
    check(not list(p0.Get(P2P, "PersistentGroups")) and "DIRECT-zz-ctrl" not in wpa_cli("list_networks"),
          "RemoveAllPersistentGroups: none left on the bus or in LIST_NETWORKS")

    d0, d1 = dbus.Interface(dev0, P2P), dbus.Interface(dev1, P2P)
    d0.Find(dbus.Dictionary({}, signature="sv"))
    d1.Find(dbus.Dictionary({"Timeout": dbus.Int32(30)}, signature="sv"))
    bob, alice = w0 + "/Peers/020000000100", w1 + "/Peers/020000000000"
    found0 = wait_for(lambda: next((s for s in signals if s[0] == w0 and s[1] == "DeviceFound"
                                    and str(s[2][0]) == bob), None), 15)
    found1 = wait_for(lambda: next((s for s in signals if s[0] == w1 and s[1] == "DeviceFound"
                                    and str(s[2][0]) == alice), None), 15)
    check(bool(found0 and found1), "DeviceFound on both devices with the peer objects")
    peer = dbus.Interface(bus.get_object(SVC, bob), "org.freedesktop.DBus.Properties")
    check(peer.Get(SVC + ".Peer", "DeviceName") == "B\ufffdb", "Peer DeviceName, made UTF-8")
    check(bytes(peer.Get(SVC + ".Peer", "DeviceAddress")) == bytes([2, 0, 0, 0, 1, 0]),
          "Peer DeviceAddress")
    check(bob in map(str, p0.Get(P2P, "Peers")), "Peers property")
    level = int(peer.Get(SVC + ".Peer", "level"))
    lv = next((l[6:] for l in wpa_cli("p2p_peer", "02:00:00:00:01:00").splitlines()
               if l.startswith("level=")), None)
    check(lv is not None and level == int(lv) and level < 0, f"Peer level as P2P_PEER's ({level})")

    # Service discovery: Bob advertises a UPnP service, Alice asks him while both find.
    # The UPnP version is an int32, as wpas_dbus_handler_p2p_add_service and _service_sd_req
    # read it; a uint32 is InvalidArgs there.
    printer = "uuid:1::urn:schemas-upnp-org:service:Printer:1"
    try:
        d1.AddService(dbus.Dictionary({"service_type": "upnp", "version": dbus.UInt32(0x10),
                                       "service": printer}, signature="sv"))
        check(False, "AddService with a uint32 version fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".InvalidArgs",
              "AddService with a uint32 version: " + e.get_dbus_name())
    d1.AddService(dbus.Dictionary({"service_type": "upnp", "version": dbus.Int32(0x10),
                                   "service": printer}, signature="sv"))
    ref = d0.ServiceDiscoveryRequest(dbus.Dictionary(
        {"peer_object": dbus.ObjectPath(bob), "service_type": "upnp",
         "version": dbus.Int32(0x10), "service": "ssdp:all"}, signature="sv"))
    check(int(ref) != 0, f"ServiceDiscoveryRequest answers a reference ({int(ref)})")
    asked, answer = signal(w1, "ServiceDiscoveryRequest", 20), signal(w0, "ServiceDiscoveryResponse", 20)
    check(bool(asked) and str(asked[2][0]["peer_object"]) == alice,
          "Bob: ServiceDiscoveryRequest from Alice's peer object")
    check(bool(answer) and b"urn:schemas-upnp-org:service:Printer:1" in bytes(answer[2][0]["tlvs"]),
          "Alice: ServiceDiscoveryResponse carries Bob's service")
    # Without a peer object the query is for every peer: Bob hears it too. A peer object that
    # names no peer is InvalidArgs (parse_peer_object_path).
    everyone = d0.ServiceDiscoveryRequest(dbus.Dictionary(
        {"service_type": "upnp", "version": dbus.Int32(0x10), "service": "ssdp:all"}, signature="sv"))
    check(int(everyone) not in (0, int(ref)), "a query for every peer answers its own reference")
    check(bool(wait_for(lambda: sum(1 for s in signals if s[0] == w1 and s[1] == "ServiceDiscoveryRequest"
                                    and str(s[2][0]["peer_object"]) == alice) >= 2, 20)),
          "Bob hears the query for every peer")
    d0.ServiceDiscoveryCancelRequest(dbus.UInt64(everyone))
    try:
        d0.ServiceDiscoveryRequest(dbus.Dictionary(
            {"peer_object": dbus.ObjectPath(w0 + "/Peers/nonsense"), "service_type": "upnp",
             "version": dbus.Int32(0x10), "service": "ssdp:all"}, signature="sv"))
        check(False, "a query to a peer object that names no peer fails")
    except dbus.DBusException as e:
        check(e.get_dbus_name() == SVC + ".InvalidArgs", "a peer object that names no peer: " + e.get_dbus_name())
    # An application's ServiceDiscoveryResponse (wpas_dbus_handler_p2p_service_sd_res): the
    # dialog token, an int32 or a uint32, is taken as its low octet; the TLVs and a known peer
    # are required.
    def respond(args):
        d1.ServiceDiscoveryResponse(dbus.Dictionary(args, signature="sv"))
    answer = {"peer_object": dbus.ObjectPath(alice), "frequency": dbus.Int32(2437),
              "tlvs": dbus.ByteArray(b"\x02\x00\x01\x00")}
    for token in (dbus.UInt32(0x1ff), dbus.UInt32(0xffffffff), dbus.Int32(-1), dbus.Int32(7)):
        respond({**answer, "dialog_token": token})  # raises on an error
    for broken, what in (({k: v for k, v in answer.items() if k != "tlvs"}, "without TLVs"),
                         ({**answer, "peer_object": dbus.ObjectPath(w1 + "/Peers/020000007777")},
                          "to an unknown peer")):
        try:
            respond(broken)
            check(False, "ServiceDiscoveryResponse " + what + " fails")
        except dbus.DBusException as e:
            check(e.get_dbus_name() == SVC + ".InvalidArgs",
                  "ServiceDiscoveryResponse " + what + ": " + e.get_dbus_name())

    def invalid(args, what):
        try:
            d0.Connect(dbus.Dictionary(args, signature="sv"))
            check(False, what)
        except dbus.DBusException as e:
            check(e.get_dbus_name() == SVC + ".InvalidArgs", what + ": " + e.get_dbus_name())

    invalid({"wps_method": "pbc"}, "Connect without peer is InvalidArgs")
    invalid({"peer": dbus.ObjectPath(bob), "wps_method": "pbc", "go_intent": dbus.Int32(16)},
            "Connect with go_intent 16 is InvalidArgs")
    invalid({"peer": dbus.ObjectPath(bob), "wps_method": "push"},
            "Connect with an unknown wps_method is InvalidArgs")
    invalid({"peer": dbus.ObjectPath(bob), "wps_method": "keypad"},
            "Connect keypad without a PIN is InvalidArgs")

    def unprivileged(path, method):
        """What an unprivileged caller gets from `method` on `path`."""
        out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              "/usr/bin/python3", "-c",
                              "import dbus,sys\n"
                              f"b=dbus.bus.BusConnection('{address}')\n"
                              f"d=dbus.Interface(b.get_object('{SVC}','{path}'),'{P2P}')\n"
                              f"try:\n d.{method}()\n print('done')\n"
                              "except dbus.DBusException as e:\n"
                              " print(e.get_dbus_name())\n"], capture_output=True, text=True)
        return (out.stdout + out.stderr).strip()

    if os.geteuid() == 0:
        out = unprivileged(w0, "StopFind")
        check(out == "org.freedesktop.DBus.Error.AccessDenied",
              "an unprivileged caller is denied StopFind: " + out)
    else:
        print("skipped: the unprivileged caller needs root to be made")

    changes = []
    bus.add_signal_receiver(lambda i, c, inv, **kw: changes.append((str(kw["path"]), str(i), dict(c))),
                            dbus_interface=PROPS, signal_name="PropertiesChanged", path_keyword="path")
    pin = d1.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(alice), "wps_method": "pbc",
                                      "go_intent": dbus.Int32(0)}, signature="sv"))
    check(pin == "00000000", f"Connect pbc answers 00000000 ({pin})")
    d0.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(bob), "wps_method": "pbc",
                                "go_intent": dbus.Int32(15)}, signature="sv"))
    s0, s1 = signal(w0, "GONegotiationSuccess", 15), signal(w1, "GONegotiationSuccess", 15)
    check(bool(s0 and s1) and s0[2][0]["role_go"] == "GO" and s1[2][0]["role_go"] == "client",
          "GONegotiationSuccess: GO and client")
    if s0 and s1:
        r0, r1 = s0[2][0], s1[2][0]
        check(len(r0["passphrase"]) >= 8 and "passphrase" not in r1 and
              bytes(r0["ssid"]).startswith(b"DIRECT-") and int(r0["frequency"]) in map(int, r0["frequency_list"])
              and str(r0["peer_object"]) == bob,
              "GONegotiationSuccess: the GO's passphrase, SSID and channel list")
        # Each side's peer_config_timeout: the peer's timeout for its role (10 ms units), the
        # client's 20 to the GO, the GO's 100 to the client.
        check((int(r0.get("peer_config_timeout", -1)), int(r1.get("peer_config_timeout", -1))) == (20, 100),
              f"GONegotiationSuccess: peer_config_timeout ({r0.get('peer_config_timeout')}, "
              f"{r1.get('peer_config_timeout')})")
    g0, g1 = signal(w0, "GroupStarted", 20), signal(w1, "GroupStarted", 20)
    check(bool(g0 and g1), "GroupStarted on both")
    if g0 and g1:
        go = g0[2][0]
        check(go["role"] == "GO" and str(go["group_object"]).startswith(str(go["interface_object"]) + "/Groups/"),
              f"GO group object {go['group_object']}")
        gp = dbus.Interface(bus.get_object(SVC, go["group_object"]), "org.freedesktop.DBus.Properties")
        status = subprocess.run(["wpa_cli", "-p", work + "/ctrl", "-i", "p2p-wlan0-0", "status"],
                                capture_output=True, text=True).stdout
        ssid = next((l[5:] for l in status.splitlines() if l.startswith("ssid=")), "")
        check(bytes(gp.Get(SVC + ".Group", "SSID")).decode() == ssid and ssid.startswith("DIRECT-"),
              f"Group SSID matches STATUS ({ssid})")
        check(gp.Get(SVC + ".Group", "Role") == "GO", "Group Role")
        check(wait_for(lambda: bob in map(str, gp.Get(SVC + ".Group", "Members")), 5),
              "Group Members lists the client's peer object")
        freq = next((l[5:] for l in status.splitlines() if l.startswith("freq=")), "0")
        check(int(gp.Get(SVC + ".Group", "Frequency")) == int(freq), f"Group Frequency {freq}")
        gi_path = str(go["interface_object"])
        check(wait_for(lambda: any(p == gi_path and i == SVC + ".Interface" and c.get("State") == "completed"
                                   for p, i, c in changes) and
                       any(p == gi_path and i == P2P and c.get("Role") == "GO" for p, i, c in changes), 5),
              "PropertiesChanged: the group interface's State completed and Role GO")
        passphrase = str(gp.Get(SVC + ".Group", "Passphrase"))
        check(s0 and passphrase == s0[2][0]["passphrase"] and
              passphrase == wpa_cli("p2p_get_passphrase", ifname="p2p-wlan0-0"),
              "Group Passphrase: the negotiated one, as P2P_GET_PASSPHRASE")
        psk = hashlib.pbkdf2_hmac("sha1", passphrase.encode(), ssid.encode(), 4096, 32)
        check(bytes(gp.Get(SVC + ".Group", "PSK")) == psk, "Group PSK: PBKDF2 of the passphrase")
        cg = dbus.Interface(bus.get_object(SVC, g1[2][0]["group_object"]), PROPS)
        check(bytes(cg.Get(SVC + ".Group", "PSK")) == psk, "the client's Group PSK: the same")
        check(str(go["group_object"]) in map(str, peer.Get(SVC + ".Peer", "Groups")),
              "Peer Groups: the client's peer object names the group")
        check(wait_for(lambda: any(p == bob and i == SVC + ".Peer" and
                                   str(go["group_object"]) in map(str, c.get("Groups", []))
                                   for p, i, c in changes), 5),
              "PropertiesChanged: the GO's peer object of the client gets the group in its Groups")
        check(wait_for(lambda: any(p == alice and i == SVC + ".Peer" and
                                   str(g1[2][0]["group_object"]) in map(str, c.get("Groups", []))
                                   for p, i, c in changes), 5),
              "PropertiesChanged: the client's peer object of its GO gets the client's group")
        client_if = dbus.Interface(bus.get_object(SVC, g1[2][0]["interface_object"]), P2P)
        client_if.PresenceRequest(dbus.Dictionary({"duration1": dbus.Int32(50000),
                                                   "interval1": dbus.Int32(102400)}, signature="sv"))
        try:
            dbus.Interface(bus.get_object(SVC, go["interface_object"]), P2P).PresenceRequest(
                dbus.Dictionary({}, signature="sv"))
            check(False, "PresenceRequest on a GO fails")
        except dbus.DBusException as e:
            check(e.get_dbus_name() == SVC + ".UnknownError",
                  "PresenceRequest on the client's interface, and on a GO's: " + e.get_dbus_name())
        gw = dbus.Interface(bus.get_object(SVC, go["interface_object"]), WPS)
        try:
            gw.Start(dbus.Dictionary({"Role": "enrollee", "Type": "pin"}, signature="sv"))
            check(False, "WPS.Start pin without Pin on a GO fails")
        except dbus.DBusException as e:
            check(e.get_dbus_name() == SVC + ".InvalidArgs", "WPS.Start pin without Pin: InvalidArgs")
        out = gw.Start(dbus.Dictionary({"Role": "enrollee", "Type": "pin", "Pin": "12345670"}, signature="sv"))
        check(out.get("Pin") == "12345670", "WPS.Start pin on the GO answers the PIN")
        gw.Cancel()
        gw.Start(dbus.Dictionary({"Role": "enrollee", "Type": "pbc"}, signature="sv"))
        gw.Cancel()
        try:
            gw.Cancel()
            check(False, "a second WPS.Cancel fails")
        except dbus.DBusException as e:
            check(e.get_dbus_name() == SVC + ".UnknownError", "WPS.Start pbc, Cancel, and a second Cancel fails")
        if os.geteuid() == 0:
            out = unprivileged(str(go["interface_object"]), "Disconnect")
            check(out == "org.freedesktop.DBus.Error.AccessDenied",
                  "an unprivileged caller is denied Disconnect on a group interface: " + out)
        gi = dbus.Interface(bus.get_object(SVC, go["interface_object"]), P2P)
        gi.Disconnect()
        fin = signal(w0, "GroupFinished", 10)
        check(bool(fin) and fin[2][0]["role"] == "GO", "Disconnect: GroupFinished")
        check(bool(signal(w1, "GroupFinished", 10)), "and the client's group finished too")
        check(wait_for(lambda: any(p == bob and i == SVC + ".Peer" and "Groups" in c and
                                   not list(c["Groups"]) for p, i, c in changes), 5) and
              wait_for(lambda: any(p == alice and i == SVC + ".Peer" and "Groups" in c and
                                   not list(c["Groups"]) for p, i, c in changes), 5),
              "PropertiesChanged: both peer objects' Groups are empty once the group ends")
    # A WPS run that fails: the PINs differ. WpsFailed comes while the group provisions. Alice
    # only authorises Bob and listens, so his request makes her the responding GO this time.
    signals.clear()
    d0.Find(dbus.Dictionary({}, signature="sv"))
    d0.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(bob), "wps_method": "display",
                                "pin": "12345670", "go_intent": dbus.Int32(15),
                                "authorize_only": True}, signature="sv"))
    d1.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(alice), "wps_method": "keypad",
                                "pin": "00000000", "go_intent": dbus.Int32(0)}, signature="sv"))
    r0 = signal(w0, "GONegotiationSuccess", 15)
    check(bool(r0) and r0[2][0]["role_go"] == "GO" and
          int(r0[2][0]["frequency"]) in map(int, r0[2][0]["frequency_list"]),
          "GONegotiationSuccess of a responding GO: its channel list")
    wf = wait_for(lambda: next((s for s in signals if s[1] == "WpsFailed"), None), 30)
    check(bool(wf) and wf[2][0] == "fail" and int(wf[2][1]["msg"]) > 0,
          "WpsFailed when the PINs differ" + (f" (on {wf[0]}, msg {int(wf[2][1]['msg'])})" if wf else ""))
    check(bool(wait_for(lambda: {w0, w1} <= {str(p) for p, m, a in signals
                                              if m == "GroupFormationFailure"}, 30)),
          "and GroupFormationFailure on both")
    # An invitation to a running group: Alice starts one and invites Bob, who is finding.
    signals.clear()
    d1.Find(dbus.Dictionary({}, signature="sv"))
    d0.GroupAdd(dbus.Dictionary({}, signature="sv"))
    started = signal(w0, "GroupStarted", 15)
    check(bool(started), "GroupAdd: GroupStarted")
    if started:
        gi = dbus.Interface(bus.get_object(SVC, started[2][0]["interface_object"]), P2P)
        gi.Invite(dbus.Dictionary({"peer": dbus.ObjectPath(bob)}, signature="sv"))
        got, result = signal(w1, "InvitationReceived", 15), signal(w0, "InvitationResult", 15)
        check(bool(got) and bytes(got[2][0]["sa"]) == bytes([2, 0, 0, 0, 0, 0]) and
              bytes(got[2][0].get("go_dev_addr", b"")) == bytes([2, 0, 0, 0, 0, 0]),
              "Invite: InvitationReceived at Bob from Alice, the group's GO")
        # An invitation to a running group: no persistent_id, and op_freq always there
        # (wpas_dbus_signal_p2p_invitation_received).
        check(bool(got) and "persistent_id" not in got[2][0] and "op_freq" in got[2][0],
              "InvitationReceived: op_freq, and no persistent_id for a group that is not stored" +
              (f" ({sorted(map(str, got[2][0].keys()))})" if got else ""))
        check(bool(result) and "status" in result[2][0], "Invite: InvitationResult at Alice" +
              (f" (status {int(result[2][0]['status'])})" if result else ""))
        gi.Disconnect()
        check(bool(signal(w0, "GroupFinished", 10)), "and the group ends")
    # A refused negotiation: GONegotiationFailure names the peer (Bob listens while finding).
    signals.clear()
    d1.RejectPeer(dbus.ObjectPath(alice))
    d0.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(bob), "wps_method": "pbc"}, signature="sv"))
    nf = signal(w0, "GONegotiationFailure", 20)
    check(bool(nf) and str(nf[2][0]["peer_object"]) == bob and int(nf[2][0]["status"]) == 11,
          "GONegotiationFailure: the peer's object and status 11 (rejected by user)" +
          (f" ({nf[2][0]['peer_object']}, {int(nf[2][0]['status'])})" if nf else
           f" (none; {[(p, m) for p, m, a in signals]})"))
    # Flush forgets the peers: their objects go, and a late read of one is an error, not a crash.
    d0.Flush()
    lost = signal(w0, "DeviceLost", 5)
    check(bool(lost) and str(lost[2][0]) == bob, "Flush: DeviceLost")
    try:
        peer.Get(SVC + ".Peer", "DeviceName")
        check(False, "a forgotten peer's object is gone")
    except dbus.DBusException as e:
        check(True, "a forgotten peer's object is gone: " + e.get_dbus_name())
    check(bob not in map(str, p0.Get(P2P, "Peers")), "Peers no longer lists it")
    pin = d1.Connect(dbus.Dictionary({"peer": dbus.ObjectPath(alice), "wps_method": "pin",
                                      "authorize_only": True}, signature="sv"))
    check(len(pin) == 8 and pin.isdigit() and pin != "00000000", f"Connect pin generates {pin}")

    server.terminate()
    server.wait(10)
    dbus_iface = dbus.Interface(bus.get_object("org.freedesktop.DBus", "/org/freedesktop/DBus"),
                                "org.freedesktop.DBus")
    check(not dbus_iface.NameHasOwner(SVC), "the name is released at exit")
finally:
    cleanup()
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
