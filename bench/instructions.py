#!/usr/bin/env python3
"""Instructions per frame of the data path's entry points, counted by callgrind: each benchmark
runs briefly under valgrind, and the inclusive instruction count of its per-frame function is
divided by the number of calls to it. Unlike times, the counts do not depend on the machine's
load. Usage: instructions.py <datapath_bench> [<ccmp_bench>] [--json <file>]"""
import json
import os
import re
import subprocess
import sys
import tempfile

# (benchmark, per-frame function): the functions are the noinline entry points both sides have.
DATAPATH = [
    ("BM_softmac_tx/64", r"softmac_tx<softmac::mac::radio<\(anonymous namespace\)::sink_driver,"),
    ("BM_softmac_full_tx/64", r"softmac_tx<softmac::mac::radio<\(anonymous namespace\)::sink_driver,"),
    ("BM_handwritten_fast_tx/64", r"hand_fast_tx\("),
    ("BM_handwritten_tx/64", r"hand_tx\("),
    ("BM_softmac_rx/64", r"softmac_receive<\(anonymous namespace\)::sink_driver>"),
    ("BM_softmac_full_rx/64", r"softmac_receive<\(anonymous namespace\)::sink_driver>"),
    ("BM_handwritten_fast_rx/64", r"hand_receive\("),
    ("BM_handwritten_rx/64", r"hand_receive\("),
    # Each side's RX without what brings the frame to it: softmac's data path without the driver's
    # slot, interrupt line, radio and poll; the hand-written RX functions without the slot
    ("BM_softmac_rx/64 on_rx", r"data_path<.*>::on_rx\("),
    ("BM_softmac_full_rx/64 on_rx", r"data_path<.*>::on_rx\("),
    ("BM_handwritten_fast_rx/64 alone", r"hand_fast_rx\("),
    ("BM_handwritten_rx/64 alone", r"hand_rx\("),
]
CCMP = [
    ("BM_ccmp_protected_tx/64", r"softmac_tx<.*aes_ccm_key"),
    ("BM_ccmp_open_tx/64", r"softmac_tx<.*no_cipher"),
    ("BM_ccmp_raw_tx/64", r"raw_encrypt\("),
    ("BM_ccmp_protected_rx/64", r"softmac_receive<"),
    ("BM_ccmp_open_rx/64", r"softmac_receive<"),
    ("BM_ccmp_raw_rx/64", r"raw_decrypt\("),
]
RATIOS = [
    ("TX fast: softmac / hand-written fast", "BM_softmac_tx/64", "BM_handwritten_fast_tx/64", 1.05),
    ("TX full: softmac / hand-written", "BM_softmac_full_tx/64", "BM_handwritten_tx/64", 1.05),
    ("TX: fast / full", "BM_softmac_tx/64", "BM_softmac_full_tx/64", None),
    ("RX fast: softmac / hand-written fast", "BM_softmac_rx/64", "BM_handwritten_fast_rx/64", 1.05),
    ("RX full: softmac / hand-written", "BM_softmac_full_rx/64", "BM_handwritten_rx/64", 1.05),
    ("RX: fast / full", "BM_softmac_rx/64", "BM_softmac_full_rx/64", None),
    ("RX fast, data path alone: softmac on_rx / hand_fast_rx", "BM_softmac_rx/64 on_rx",
     "BM_handwritten_fast_rx/64 alone", 1.05),
    ("RX full, data path alone: softmac on_rx / hand_rx", "BM_softmac_full_rx/64 on_rx",
     "BM_handwritten_rx/64 alone", 1.05),
]
LINE = re.compile(r"^\s*([\d,]+) \([\s\d.]+%\)\s+([<*>])\s+(.*)$")


def per_call(binary, bench, function):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
                        f"--benchmark_filter=^{re.escape(bench)}$",
                        "--benchmark_min_time=0.01"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--tree=caller", out],
                              check=True, capture_output=True, text=True).stdout
    pat = re.compile(function)
    calls, cost = 0, None
    block = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            block = []
            continue
        if m.group(2) == "<":
            block.append(m)
        elif m.group(2) == "*":
            if pat.search(m.group(3)):
                cost = int(m.group(1).replace(",", ""))
                calls = sum(int(c.replace(",", "")) for b in block
                            for c in re.findall(r"\(([\d,]+)x\)", b.group(3))[-1:])
                break
            block = []
    if not cost or not calls:
        raise SystemExit(f"{bench}: no calls to {function} found")
    return cost / calls


def main(argv):
    json_out = None
    if len(argv) >= 2 and argv[-2] == "--json":
        json_out, argv = argv[-1], argv[:-2]
    if not argv:
        raise SystemExit(__doc__)
    results = {}
    for binary, cases in zip(argv, (DATAPATH, CCMP)):
        for bench, fn in cases:
            results[bench] = per_call(binary, bench.split()[0], fn)
            print(f"{bench:<30} {results[bench]:8.1f} instructions per frame")
    for d in ("tx", "rx"):
        ours, raw, open_ = (f"BM_ccmp_{k}_{d}/64" for k in ("protected", "raw", "open"))
        if all(k in results for k in (ours, raw, open_)):
            r = results[ours] / (results[raw] + results[open_])
            print(f"CCMP {d.upper()}: protected / (raw EVP CCM + open path): {r:.3f}x "
                  f"(target <= 1.10: {'met' if r <= 1.10 else 'MISSED'})")
    for title, ours, base, limit in RATIOS:
        if ours in results and base in results:
            r = results[ours] / results[base]
            verdict = f" (target <= {limit:.2f}: {'met' if r <= limit else 'MISSED'})" if limit else ""
            print(f"{title}: {r:.3f}x{verdict}")
    if json_out:
        with open(json_out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
