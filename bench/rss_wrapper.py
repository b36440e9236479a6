"""Stands in for a provider binary during `terraform plan` to measure the provider's peak RSS.

Usage (from a generated shim named terraform-provider-<type> that Terraform launches):
    python -I -S rss_wrapper.py REAL_BINARY LOG_FILE [provider args...]

Runs REAL_BINARY as a child with the same arguments, environment and stdio (so the handshake
line goes straight from the provider to Terraform), forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to
it, waits for it, then appends one JSON line with the child's ru_maxrss (os.wait4: the child's
own peak resident set, never this wrapper's) to LOG_FILE, and exits with the child's status.
A "start" line is written first, so a wrapper that Terraform SIGKILLs (it does so to a provider
that has not exited 2 s after Shutdown) shows up as a start without an end.
Environment: BENCH_PLAN labels the records (which plan run they belong to).
"""

import json
import os
import signal
import sys
import time


def log(path, rec):
    with open(path, "a") as f:  # one short write per line: O_APPEND keeps lines whole
        f.write(json.dumps(rec) + "\n")


def main():
    real, log_path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    plan = os.environ.get("BENCH_PLAN", "")
    me = os.getpid()
    log(log_path, {"event": "start", "wrapper_pid": me, "plan": plan, "args": args})
    t0 = time.monotonic()
    # fork + exec, not posix_spawn: glibc's posix_spawn (like Go's os/exec) uses CLONE_VM|CLONE_VFORK,
    # and the kernel charges the parent's RSS high-water mark to the child's ru_maxrss at exec
    # (exec_mmap: setmax_mm_hiwater_rss(&signal->maxrss, old_mm)), which would report this
    # wrapper's ~9 MiB for any provider smaller than that. After fork the floor is only what the
    # copied address space held (about 5 MiB here; scripts/bench measures and prints it as the
    # "floor" by wrapping /bin/true): a provider's value is exact whenever it is above the floor.
    child = os.fork()
    if child == 0:
        try:
            os.execv(real, [real] + args)
        finally:
            os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, forward)
    while True:
        try:
            _, status, ru = os.wait4(child, 0)
            break
        except ChildProcessError:
            sys.exit(1)
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    log(log_path, {"event": "end", "wrapper_pid": me, "child_pid": child, "plan": plan, "args": args,
                   "status": code, "maxrss_kib": ru.ru_maxrss, "wall_s": round(wall, 3)})
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
