#!/usr/bin/env bash
# link_bench.sh <p2pd> <link_ideal> <results dir>: iperf3 TCP throughput and ping RTT across a
# P2P group in two network namespaces (examples/p2p_link.sh), with the medium's airtime at
# 54 Mbit/s OFDM against the ideal the airtime model allows, and without airtime (softmac's own
# capacity, with the CPU it costs). Skips, saying why, where TAPs or namespaces are not allowed.
set -euo pipefail
p2pd=$1 ideal=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
read -r ideal_mbit frame_us < <("$ideal")
for mode in airtime no-airtime; do
    flag=()
    [ $mode = no-airtime ] && flag=(--no-airtime)
    set +e
    "$here/../examples/p2p_link.sh" "$p2pd" --seconds 10 "${flag[@]}" \
        --json "$out/link_$mode.json" > "$out/link_$mode.log" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 77 ]; then sed -n 's/^p2p_link: //p' "$out/link_$mode.log"; exit 0; fi
    [ $rc -eq 0 ] || { cat "$out/link_$mode.log"; exit 1; }
done
python3 - "$out" "$ideal_mbit" "$frame_us" <<'PY'
import json, re, sys
out, ideal, frame_us = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(f"ideal 802.11g TCP goodput of the medium's airtime model: {ideal:.1f} Mbit/s "
      f"({frame_us:.0f} us per 1500-octet packet: frame, SIFS, ACK at 24, DIFS)")
print(f"{'medium':<12}{'direction':<12}{'Mbit/s':>9}{'ratio':>8}{'CPU ms/Mbit':>13}{'ping avg ms':>13}")
for mode in ("airtime", "no-airtime"):
    r = json.load(open(f"{out}/link_{mode}.json"))
    log = open(f"{out}/link_{mode}.log").read()
    rtt = re.search(r"rtt min/avg/max/mdev = [\d.]+/([\d.]+)/", log)
    for d, v in r["iperf3"].items():
        ratio = f"{v['mbit_s'] / ideal:.3f}" if mode == "airtime" else "-"
        print(f"{mode:<12}{d:<12}{v['mbit_s']:>9.1f}{ratio:>8}{r['cpu_ms_per_mbit']:>13.2f}"
              f"{rtt.group(1) if rtt else '-':>13}")
    r["ideal_mbit_s"] = ideal
    json.dump(r, open(f"{out}/link_{mode}.json", "w"), indent=1)
PY
