#!/usr/bin/env python3
"""Two builds of frontier, A and B, on the comparison's tasks and inputs:
the same commands as bench/compare.py (near to the Durand Line, within
50 km, 3 nearest crossings and CPEC corridors, locate, summarize) on the
same three synthetic point distributions (clustered events, uniform over
the region, uniform over a box that is mostly Afghanistan). Runs are
interleaved (A, B, A, B, ...), so a load that comes and goes on a shared
machine falls on both alike. Reports, per task, each build's best and
median wall-clock time and B's best over A's, and whether the two builds'
outputs are byte for byte the same (where not: how many rows differ).

    bench/ab.py OLD_BINARY NEW_BINARY [POINTS]   # default 1,000,000 points

Writes its inputs and outputs under bench/work/ab/ and prints a Markdown
table. Inputs are synthetic (`frontier synth`, seed 7), made by A.
"""
import filecmp
import os
import statistics
import subprocess
import sys
import time

RUNS = 5
DISTRIBUTIONS = {
    "clustered": None,
    "uniform region": "61,24,77.5,37",
    "mostly Afghanistan": "60,29,75,38",
}
TASKS = {
    "near, every point": ["near", "{in}", "--layer", "durand-line"],
    "near --within 50km": ["near", "{in}", "--layer", "durand-line", "--within", "50km"],
    "3 nearest crossings": ["nearest", "{in}", "--layer", "crossings", "-k", "3"],
    "3 nearest cpec": ["nearest", "{in}", "--layer", "cpec", "-k", "3"],
    "locate": ["locate", "{in}"],
    "summarize --value fatalities": ["summarize", "{in}", "--value", "fatalities"],
}


def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def differing_rows(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        la, lb = fa.read().split(b"\n"), fb.read().split(b"\n")
    return sum(x != y for x, y in zip(la, lb)) + abs(len(la) - len(lb))


def main():
    old, new = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work", "ab")
    os.makedirs(work, exist_ok=True)
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    rows = []
    for dist, box in DISTRIBUTIONS.items():
        slug = dist.replace(" ", "-")
        inp = os.path.join(work, f"{slug}-{n}.csv")
        if not os.path.exists(inp):
            how = ["--uniform", box] if box else ["--slim"]
            subprocess.run([old, "synth", "--events", str(n), *how, "--seed", "7", "-o", inp], check=True)
        for task, args in TASKS.items():
            outs, times = {}, {"A": [], "B": []}
            for which, exe in (("A", old), ("B", new)):
                outs[which] = os.path.join(work, f"{which}-{slug}-{task.split(',')[0].replace(' ', '-')}-{len(rows)}.csv")
            for _ in range(RUNS):
                for which, exe in (("A", old), ("B", new)):
                    cmd = [exe, *[a.replace("{in}", inp) for a in args], "-o", outs[which], "--quiet"]
                    times[which].append(once(cmd))
            same = filecmp.cmp(outs["A"], outs["B"], shallow=False)
            diff = "identical" if same else f"{differing_rows(outs['A'], outs['B']):,} rows differ"
            a, b = min(times["A"]), min(times["B"])
            rows.append((task, dist, a, statistics.median(times["A"]), b, statistics.median(times["B"]), b / a, diff))
            print(f"{task} ({dist}): A {a:.3f} s, B {b:.3f} s, B/A {b / a:.3f}, {diff}", file=sys.stderr)
    print(f"load average at end: {os.getloadavg()}", file=sys.stderr)
    print(f"| task | points ({n:,}) | A best, s | A median, s | B best, s | B median, s | B/A (best) | outputs |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for task, dist, a, am, b, bm, r, diff in rows:
        print(f"| {task} | {dist} | {a:.3f} | {am:.3f} | {b:.3f} | {bm:.3f} | {r:.2f} | {diff} |")


if __name__ == "__main__":
    main()
