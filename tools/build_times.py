#!/usr/bin/env python3
"""Per-target build times from a Ninja log (build/<preset>/.ninja_log).

    tools/build_times.py build/clang16/.ninja_log            every edge, slowest first
    tools/build_times.py --top 5 build/*/.ninja_log           the five slowest of each build
    tools/build_times.py --threshold 60 --fail LOG            exit 1 if a TU took over 60 s

Each line is one build edge (a compiled TU, a precompiled header, a link, ...) with its
wall-clock duration. When a log holds several runs of the same edge, the last one counts, as
for Ninja itself. Durations are wall time: on a loaded machine (or with more jobs than cores)
they overstate the CPU time, so compare them with each other rather than across machines.
"""

import argparse
import os
import sys


def read_log(path):
    """Returns [(seconds, kind, output)] for the last run of every edge in a .ninja_log."""
    latest = {}  # output -> (start, end, hash)
    with open(path, encoding="utf-8", errors="replace") as f:
        header = f.readline()
        if not header.startswith("# ninja log v"):
            raise ValueError(f"{path}: not a ninja log")
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 5:
                continue
            start, end, _mtime, output, cmd_hash = fields
            latest[output] = (int(start), int(end), cmd_hash)
    # One edge may have several outputs (a link and the files its post-build step writes):
    # they share start, end and command hash. Name the edge by its first, relative output.
    edges = {}
    for output, key in latest.items():
        edges.setdefault(key, []).append(output)
    rows = []
    for (start, end, _hash), outputs in edges.items():
        name = min(outputs, key=lambda o: (os.path.isabs(o), o.endswith(".cmake"), len(o)))
        if name.endswith("cmake.verify_globs"):
            continue
        rows.append(((end - start) / 1000.0, kind_of(name), name))
    rows.sort(key=lambda r: -r[0])
    return rows


def kind_of(output):
    if output.endswith((".gch", ".pch", ".hxx.gch", ".hxx.pch")):
        return "pch"
    if output.endswith((".o", ".obj")):
        return "compile"
    if output.endswith((".cmake", ".stamp")) or "/CMakeFiles/" in output and "." not in os.path.basename(output):
        return "other"
    return "link"


def short(output):
    """test/CMakeFiles/core_test.dir/runtime/core/buffer_test.cpp.o -> core_test: runtime/core/buffer_test.cpp"""
    if "/CMakeFiles/" in output and ".dir/" in output:
        target, _, source = output.split("/CMakeFiles/", 1)[1].partition(".dir/")
        for suffix in (".o", ".obj", ".gch", ".pch"):
            if source.endswith(suffix):
                source = source[: -len(suffix)]
        return f"{target}: {source}"
    return output


def report(path, rows, top, threshold, out):
    total = sum(r[0] for r in rows)
    by_kind = {}
    for seconds, kind, _ in rows:
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
    kinds = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1]))
    print(f"{path}: {len(rows)} edges, {total:.0f} s summed ({kinds})", file=out)
    over = [r for r in rows if threshold and r[1] in ("compile", "pch") and r[0] > threshold]
    shown = rows if top is None else rows[:top]
    for row in shown:
        seconds, kind, name = row
        flag = f"  <-- above {threshold:g} s" if row in over else ""
        print(f"  {seconds:8.1f} s  {kind:7}  {short(name)}{flag}", file=out)
    if top is not None and len(rows) > top:
        rest = sum(r[0] for r in rows[top:])
        print(f"  {rest:8.1f} s  in the other {len(rows) - top} edges", file=out)
        hidden = [r for r in over if r not in shown]
        if hidden:
            print(f"  and {len(hidden)} more TU(s) above {threshold:g} s:", file=out)
            for seconds, kind, name in hidden:
                print(f"  {seconds:8.1f} s  {kind:7}  {short(name)}", file=out)
    return over


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("logs", nargs="+", help=".ninja_log files, or build directories holding one")
    p.add_argument("--top", type=int, help="show only the N slowest edges of each log")
    p.add_argument("--threshold", type=float, default=0.0,
                   help="flag compiled TUs and precompiled headers above this many seconds")
    p.add_argument("--fail", action="store_true", help="exit 1 if a TU is above --threshold")
    args = p.parse_args()

    over = []
    for i, log in enumerate(args.logs):
        if os.path.isdir(log):
            log = os.path.join(log, ".ninja_log")
        if i:
            print()
        try:
            rows = read_log(log)
        except (OSError, ValueError) as e:
            print(f"build_times: {e}", file=sys.stderr)
            return 2
        over += [(log, r) for r in report(log, rows, args.top, args.threshold, sys.stdout)]
    if over and args.fail:
        print(f"\nbuild_times: {len(over)} TU(s) above {args.threshold:g} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
