#!/usr/bin/env python3
"""Print softmac's benchmark table from Google Benchmark JSON files: time per iteration
(the median when the run has repetitions), counters, and the ratios of each baseline against
the softmac case of the same work: of the fastest repetitions where the benchmark reports a
"min" statistic (the data path does), and of the medians."""
import json
import sys

PAIRS = [
    # (title, softmac benchmark, baseline benchmark): baseline time / softmac time
    ("TX fast path: hand-written fast / softmac (>= 0.95 means within 5%)", "BM_softmac_tx", "BM_handwritten_fast_tx"),
    ("TX full pipeline: hand-written / softmac full (>= 0.95 means within 5%)", "BM_softmac_full_tx", "BM_handwritten_tx"),
    ("TX: softmac full / softmac fast", "BM_softmac_tx", "BM_softmac_full_tx"),
    ("TX: any_driver / softmac", "BM_softmac_tx", "BM_any_driver_tx"),
    ("TX: libtins / softmac", "BM_softmac_tx", "BM_libtins_tx"),
    ("TX: rt73 (TXD + USB) / loopback-style sink", "BM_softmac_tx", "BM_rt73_tx"),
    ("RX fast path via the interrupt line: hand-written fast / softmac (>= 0.95 means within 5%)", "BM_softmac_rx", "BM_handwritten_fast_rx"),
    ("RX full pipeline via the interrupt line: hand-written / softmac full (>= 0.95 means within 5%)", "BM_softmac_full_rx", "BM_handwritten_rx"),
    ("RX fast path at the data path's entry: hand-written fast / softmac (>= 0.95 means within 5%)", "BM_softmac_rx_entry", "BM_handwritten_fast_rx_entry"),
    ("RX full pipeline at the data path's entry: hand-written / softmac full (>= 0.95 means within 5%)", "BM_softmac_full_rx_entry", "BM_handwritten_rx_entry"),
    ("RX: softmac full / softmac fast", "BM_softmac_rx", "BM_softmac_full_rx"),
    ("RX via the interrupt line: any_driver / softmac", "BM_softmac_rx", "BM_any_driver_rx"),
    ("RX: libtins / softmac", "BM_softmac_rx", "BM_libtins_rx"),
    ("beacon elements: libtins / softmac", "BM_softmac_beacon_elements", "BM_libtins_beacon_elements"),
    ("QoS data headers: libtins / softmac", "BM_softmac_qos_data_headers", "BM_libtins_qos_data_headers"),
    ("a known BSS's beacon, its elements but the TIM: CRC-32 / softmac's digest", "BM_beacon_digest", "BM_beacon_crc32"),
    ("CCMP TX: raw EVP AES-128-CCM / protected path", "BM_ccmp_protected_tx", "BM_ccmp_raw_tx"),
    ("CCMP TX: open path / protected path", "BM_ccmp_protected_tx", "BM_ccmp_open_tx"),
    ("CCMP RX: raw EVP AES-128-CCM / protected path", "BM_ccmp_protected_rx", "BM_ccmp_raw_rx"),
    ("CCMP RX: open path / protected path", "BM_ccmp_protected_rx", "BM_ccmp_open_rx"),
]

TARGETS = [
    # (title, softmac benchmark, benchmarks whose sum it is held to, limit):
    # softmac time / sum of their times, which must not exceed the limit
    ("CCMP TX: protected / (raw CCMP + open path)", "BM_ccmp_protected_tx",
     ("BM_ccmp_raw_tx", "BM_ccmp_open_tx"), 1.10),
    ("CCMP RX: protected / (raw CCMP + open path)", "BM_ccmp_protected_rx",
     ("BM_ccmp_raw_rx", "BM_ccmp_open_rx"), 1.10),
]

NS_PER = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}

# The simulation's cost against the number of devices (scale_bench): one row per N, the radio
# layer and the full stack side by side.
SCALE = (("radio", "BM_scale_radio"), ("stack", "BM_scale_stack"))
SCALE_COLUMNS = (("ns/delivery", "ns_per_delivery", ".0f"),
                 ("virtual s/wall s", "virtual_s_per_wall_s", ".3g"),
                 ("bytes/device", "bytes_per_device", ".0f"))


def scale_table(rows):
    by_n = {}
    for name, b in rows.items():
        parts = name.split("/")
        for label, prefix in SCALE:
            if parts[0] == prefix and len(parts) > 1 and parts[1].isdigit():
                by_n.setdefault(int(parts[1]), {})[label] = b
    if not by_n:
        return
    print("scale: N devices on one channel, a beacon each every 100 TU, 10 virtual seconds")
    width = 10
    print(f"{'':>5}" + "".join(f"  {title:^{len(SCALE) * width}}" for title, _, _ in SCALE_COLUMNS))
    print(f"{'N':>5}" + "".join("  " + "".join(f"{label:>{width}}" for label, _ in SCALE)
                              for _ in SCALE_COLUMNS))
    for n in sorted(by_n):
        line = f"{n:>5}"
        for _, key, fmt in SCALE_COLUMNS:
            line += "  "
            for label, _ in SCALE:
                b = by_n[n].get(label)
                if b is None:
                    line += f"{'-':>{width}}"
                elif b.get("error_occurred"):
                    line += f"{'error':>{width}}"
                else:
                    line += f"{b.get(key, float('nan')):>{width}{fmt}}"
        print(line)
    # How flat the cost is: the most devices' ns per delivery against the fewest's.
    lo, hi = min(by_n), max(by_n)
    for label, _ in SCALE:
        a, b = by_n[lo].get(label, {}), by_n[hi].get(label, {})
        fewest, most = a.get("ns_per_delivery"), b.get("ns_per_delivery")
        if lo < hi and fewest and most and not (a.get("error_occurred") or
                                                 b.get("error_occurred")):
            print(f"{label}: ns per delivery at N = {hi} is {most / fewest:.2f} x that at N = {lo}")
    print()


# P2P discovery against the number of devices (p2p_bench's BM_p2p_find_n): one row per N.
P2P_FIND = "BM_p2p_find_n"
P2P_COLUMNS = (("virtual s/wall s", "virtual_s_per_wall_s", ".3g"),
               ("virtual s/CPU s", "virtual_s_per_cpu_s", ".3g"),
               ("s to all found", "virtual_s_to_all_found", ".2f"),
               ("s to quorum", "virtual_s_to_quorum", ".2f"),
               ("pairs at 10 s", "pairs_found_at_10s", ".4f"),
               ("bytes/device", "bytes_per_device", ".0f"),
               ("built", "bytes_per_device_built", ".0f"))
# The main objects of one P2P device, as BM_p2p_find_n reports their sizes.
P2P_SIZES = (("p2p::device (wiphy and engine, one allocation)", "sizeof_p2p_device"),
             ("  mac::stack", "sizeof_mac_stack"),
             ("    mac::radio", "sizeof_mac_radio"),
             ("      mac::data_path", "sizeof_data_path"),
             ("        station table (slots; stations allocated)", "sizeof_station_table"),
             ("      loopback driver", "sizeof_loopback_driver"),
             ("    mac::bss_table", "sizeof_bss_table"),
             ("  cfg::config", "sizeof_cfg_config"),
             ("  p2p::engine", "sizeof_p2p_engine"),
             ("    p2p device state", "sizeof_p2p_device_state"),
             ("heap: p2p::peer x 100 (full peer table)", "bytes_peers_full"),
             ("heap: mac::bss and bss_heard x 1000 (full BSS table, without elements and index)",
              "bytes_bss_full"))


def p2p_find_table(rows):
    by_n = {}
    for name, b in rows.items():
        parts = name.split("/")
        if parts[0] == P2P_FIND and len(parts) > 1 and parts[1].isdigit():
            by_n[int(parts[1])] = b
    if not by_n:
        return
    print("P2P discovery: N devices in p2p_find (quorum: min(N - 1, 100) distinct peers each)")
    widths = [max(len(title), 10) for title, _, _ in P2P_COLUMNS]
    print(f"{'N':>5}" + "".join(f"  {t:>{w}}" for (t, _, _), w in zip(P2P_COLUMNS, widths)))
    for n in sorted(by_n):
        b = by_n[n]
        line = f"{n:>5}"
        for (_, key, fmt), w in zip(P2P_COLUMNS, widths):
            if b.get("error_occurred"):
                line += f"  {'error':>{w}}"
            elif key in b:
                line += f"  {b[key]:>{w}{fmt}}"
            else:
                line += f"  {'-':>{w}}"
        print(line)
    sizes = next((b for b in by_n.values() if "sizeof_p2p_device" in b), None)
    if sizes:
        print("the main objects of one P2P device (bytes):")
        for label, key in P2P_SIZES:
            if key in sizes:
                print(f"  {label:<58} {sizes[key]:>8.0f}")
    print()


def main(paths):
    rows, fastest = {}, {}
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("run_type", "iteration") == "iteration":
                    rows.setdefault(b["name"], b)
                elif b.get("aggregate_name") == "median":
                    rows[b["run_name"]] = b
                elif b.get("aggregate_name") == "min":
                    fastest[b["run_name"]] = b
    width = max((len(n) for n in rows), default=10)
    print(f"{'benchmark':<{width}}  {'ns/iter':>10}  counters")
    for name, b in rows.items():
        if b.get("error_occurred"):
            print(f"{name:<{width}}  error: {b.get('error_message', '')}")
            continue
        ns = b["real_time"] * NS_PER[b.get("time_unit", "ns")]
        counters = {k: v for k, v in b.items()
                    if k not in ("name", "family_index", "per_family_instance_index", "run_name",
                                 "run_type", "repetitions", "repetition_index", "threads",
                                 "iterations", "real_time", "cpu_time", "time_unit",
                                 "aggregate_name", "aggregate_unit")}
        extra = " ".join(f"{k}={v:g}" for k, v in counters.items() if isinstance(v, (int, float)))
        print(f"{name:<{width}}  {ns:>10.1f}  {extra}")
    print()
    scale_table(rows)
    p2p_find_table(rows)
    for title, ours, base in PAIRS:
        for suffix in sorted({n[len(ours):] for n in rows if n.split("/")[0] == ours}):
            a, b = ours + suffix, base + suffix
            if a in rows and b in rows and not (rows[a].get("error_occurred") or
                                                rows[b].get("error_occurred")):
                median = rows[b]["real_time"] / rows[a]["real_time"]
                if a in fastest and b in fastest:
                    best = fastest[b]["real_time"] / fastest[a]["real_time"]
                    print(f"{title}{suffix}: {best:.2f}x (fastest runs), {median:.2f}x (medians)")
                else:
                    print(f"{title}{suffix}: {median:.2f}x")
    for title, ours, bases, limit in TARGETS:
        for suffix in sorted({n[len(ours):] for n in rows if n.split("/")[0] == ours}):
            names = [ours + suffix] + [b + suffix for b in bases]
            if not all(n in rows and not rows[n].get("error_occurred") for n in names):
                continue
            parts = []
            for label, table in (("fastest runs", fastest), ("medians", rows)):
                if all(n in table for n in names):
                    t = [table[n]["real_time"] * NS_PER[table[n].get("time_unit", "ns")]
                         for n in names]
                    r = t[0] / sum(t[1:])
                    parts.append(f"{r:.3f}x ({label}, {'met' if r <= limit else 'MISSED'})")
            print(f"{title}{suffix}, target <= {limit:.2f}x: " + ", ".join(parts))
    # Benchmarks that time the sides in alternating batches report the ratio themselves.
    for name, b in rows.items():
        r = b.get("protected_over_raw_plus_open")
        if r is not None and not b.get("error_occurred"):
            print(f"{name}: protected / (raw CCMP + open path) = {r:.3f}x (fastest batches, "
                  f"target <= 1.10x: {'met' if r <= 1.10 else 'MISSED'})")

if __name__ == "__main__":
    main(sys.argv[1:])
