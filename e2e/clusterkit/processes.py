"""Processes, read from /proc: identity, liveness, memory; spawning and stopping.

A PID alone is not an identity (PIDs get reused); PID plus start time is. Every
process we record (components, the watchdog, the owner) is a state.ProcRecord holding
both, and alive() checks both."""

import os
import signal
import subprocess
import time
from pathlib import Path

from .errors import Fail
from .state import ProcRecord

STOP_GRACE_S = 15                     # SIGTERM first, SIGKILL after this


def parse_stat(stat):
    """The fields of /proc/PID/stat after the command name, which may hold spaces and
    parentheses: fields[0] is the state, [1] the parent PID, [19] the start time."""
    return stat[stat.rfind(")") + 2:].split()


def _read_stat(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return None


def proc_start_time(pid):
    """Start time of a process in clock ticks, or None if it does not exist."""
    stat = _read_stat(pid)
    if stat is None:
        return None
    fields = parse_stat(stat)
    if fields[0] == "Z" and not other_threads(pid):
        return None  # finished; it just waits for its parent to reap it
    # (A killed multi-threaded process shows its main thread as a zombie while the
    # other threads still exit and still hold its sockets: not gone yet.)
    return int(fields[19])


def other_threads(pid):
    try:
        return [t for t in os.listdir(f"/proc/{pid}/task") if t != str(pid)]
    except OSError:
        return []


def proc_parent(pid):
    stat = _read_stat(pid)
    return 0 if stat is None else int(parse_stat(stat)[1])


def proc_cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def default_owner(start_pid=None, parent=proc_parent, cmdline=proc_cmdline):
    """The process whose end should end the cluster: our caller, skipping subshells.

    `kc=$(cluster up)` and `cluster up | tail -1` run us in a forked copy of the calling
    shell that exits right after `up`; owning the cluster to it would tear the cluster
    down at once. A subshell has the same command line as its parent, so climb past those.
    (`parent` and `cmdline` are parameters so the climb can be tested without /proc.)"""
    pid = os.getppid() if start_pid is None else start_pid
    while True:
        up = parent(pid)
        if up <= 1 or cmdline(pid) != cmdline(up):
            return pid
        pid = up


def record_of(pid):
    """The ProcRecord of a running process, or None if there is no such process."""
    start = proc_start_time(pid)
    return None if start is None else ProcRecord(pid, start)


def alive(rec):
    """Is the very process `rec` (a ProcRecord or None) still running?"""
    return bool(rec and rec.pid) and proc_start_time(rec.pid) == rec.start


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def spawn(name, argv, log_path, cwd):
    """Start a process in its own session so it outlives us and can be killed as a
    group; stdout/stderr go to its log (never to our stdout: `$(cluster up)` would hang)."""
    logf = open(log_path, "ab")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                cwd=cwd, start_new_session=True)
    except OSError as e:
        raise Fail(f"cannot start {name}: {e}")
    finally:
        logf.close()
    start = None
    for _ in range(50):  # /proc entry appears immediately; loop only guards odd kernels
        start = proc_start_time(proc.pid)
        if start is not None:
            break
        time.sleep(0.01)
    return ProcRecord(proc.pid, start)


def _killpg(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def stop_processes(recs, grace=STOP_GRACE_S, sig=signal.SIGTERM):
    """Signal each recorded process group, wait, then SIGKILL what is left."""
    live = [r for r in recs if alive(r)]
    for r in live:
        _killpg(r.pid, sig)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(r) for r in live):
        time.sleep(0.1)
    for r in live:
        if alive(r):
            _killpg(r.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(r) for r in live):
        time.sleep(0.05)
    stuck = [str(r.pid) for r in live if alive(r)]
    if stuck:
        raise Fail(f"processes {', '.join(stuck)} survived SIGKILL (uninterruptible?); check `ps -o pid,stat,cmd -p {','.join(stuck)}`")


def is_stray(exe, cmdline, bin_dir, root):
    """A process is one of ours if it runs a binary from our toolchain AND its command
    line names the state folder: requiring both means we never touch anything else."""
    return bool(bin_dir) and exe.startswith(str(bin_dir) + "/") and str(root) in cmdline


def strays(root, bin_dir):
    """Processes started from our binaries that mention this state folder but are not
    recorded (e.g. `up` was killed between spawning and saving)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            exe = os.readlink(f"/proc/{entry}/exe")
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if is_stray(exe, cmd, bin_dir, root):
            rec = record_of(int(entry))
            if rec:
                found.append(rec)
    return found
