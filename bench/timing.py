"""Best-of-three timing with peak memory, shared by the bench scripts."""

import subprocess
import time


def timed(cmd, frontier=None):
    """Best of three runs of `cmd`: (seconds, peak RSS MB).

    `cmd` is an argument list, or a shell pipeline as a string in which the
    word FRONTIER stands for `frontier` (the `frontier` binary's path) and
    whose peak memory is the frontier process's.
    """
    if isinstance(cmd, str):
        full = ["/bin/sh", "-c", cmd.replace("FRONTIER", f"/usr/bin/time -f %M {frontier}")]
    else:
        full = ["/usr/bin/time", "-f", "%M", *cmd]
    best = (float("inf"), 0.0)
    for _ in range(3):
        t = time.perf_counter()
        r = subprocess.run(full, capture_output=True, text=True, check=True)
        s = time.perf_counter() - t
        rss = int(r.stderr.strip().splitlines()[-1]) / 1024
        if s < best[0]:
            best = (s, rss)
    return best
