#!/usr/bin/env python3
"""Runs one command once and prints one JSON line describing the run.

    measure.py --label NAME --rep N [--stdout FILE] [--env K=V ...] -- COMMAND [ARG...]
    measure.py --wait-idle SECONDS     (exit 0 once the machine is idle, 1 if it never was)

Printed fields: label, rep, wall_s (monotonic clock around fork..reap), user_s and sys_s (the
command and every descendant it reaped, from wait4's rusage), cpu (user+sys over wall: 2.0
means both cores of a 2-core machine busy the whole time), rchar (bytes the process tree got
from read(2)-like calls, page cache hits included: /proc/PID/io read while the command is a
zombie, which already holds the totals of the children it reaped), read_bytes (the part of
that which had to come from the disk: near 0 when the page cache was warm), exit code, max RSS, and
others_cores: the CPU the rest of the machine used while the command ran (all CPUs' busy time
from /proc/stat minus the command's own), in cores; above ~0.1 the run was disturbed.

--wait-idle polls /proc/stat in 3-second windows until one shows less than IDLE_CORES (0.15)
of a core busy.
"""
import argparse
import json
import os
import subprocess
import sys
import time


CLK_TCK = os.sysconf("SC_CLK_TCK")
IDLE_CORES = 0.15


def cpu_busy_s() -> float:
    """Seconds of CPU time all CPUs spent busy since boot: user, nice, system and steal (interrupt
    time is left out: it is mostly the command's own disk I/O on cold-cache runs)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = map(int, fields[1:9])
    return (user + nice + system + steal) / CLK_TCK


def wait_idle(budget: float) -> int:
    deadline = time.monotonic() + budget
    while True:
        b0, t0 = cpu_busy_s(), time.monotonic()
        time.sleep(3)
        busy = (cpu_busy_s() - b0) / (time.monotonic() - t0)
        if busy < IDLE_CORES:
            return 0
        if time.monotonic() > deadline:
            return 1
        print(f"machine busy ({busy:.2f} cores): waiting", file=sys.stderr, flush=True)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--wait-idle":
        return wait_idle(float(sys.argv[2]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--rep", type=int, default=0)
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    with open(a.stdout, "wb") as out:
        busy0 = cpu_busy_s()
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, env=env)
        # Wait without reaping, so /proc/PID/io still exists and holds the final totals.
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        t1 = time.monotonic()
        busy1 = cpu_busy_s()
        io = {}
        try:
            with open(f"/proc/{p.pid}/io") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    io[k.strip()] = int(v)
        except OSError:
            pass
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = t1 - t0
    rec = {
        "label": a.label,
        "rep": a.rep,
        "wall_s": round(wall, 4),
        "user_s": round(ru.ru_utime, 4),
        "sys_s": round(ru.ru_stime, 4),
        "cpu": round((ru.ru_utime + ru.ru_stime) / wall, 3) if wall > 0 else None,
        "rchar": io.get("rchar"),
        "read_bytes": io.get("read_bytes"),
        "exit": p.returncode,
        "maxrss_kb": ru.ru_maxrss,
        "others_cores": round(max(busy1 - busy0 - ru.ru_utime - ru.ru_stime, 0) / wall, 3) if wall > 0 else None,
    }
    print(json.dumps(rec), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
