"""The per-cluster lock: up, down, restart and the watchdog never act on one cluster at
the same time.

An flock on the state folder's .lock file: the kernel drops it when its holder exits,
however it exits, so a crashed holder never leaves it stuck. But a holder that hangs
(stopped with SIGSTOP, blocked on a dead disk) would make everyone wait forever, so
waiting is bounded: after the timeout (E2E_CLUSTER_LOCK_TIMEOUT seconds, default
LOCK_TIMEOUT_S) acquire() fails with one line that names the holder. The default is far
above what a healthy verb holds it for (down ~2 s, restart ~10 s, up ~12 s)."""

import fcntl
import os
import time

from .errors import Fail

LOCK_TIMEOUT_S = 300
LOCK_TIMEOUT_ENV = "E2E_CLUSTER_LOCK_TIMEOUT"
POLL_S = 0.1


def timeout_from_env(environ=os.environ):
    raw = environ.get(LOCK_TIMEOUT_ENV)
    if not raw:
        return LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise Fail(f"{LOCK_TIMEOUT_ENV}={raw} is not a number of seconds (>= 0)")
    return value


def acquire(path, holder, what, timeout=None, poll=POLL_S):
    """Take the exclusive lock on `path`; returns its fd (closing it releases the lock).

    `holder` (the verb) is written into the file with our PID, so that a waiter that
    times out can say who holds the lock. FileNotFoundError (the folder is gone) is left
    to the caller: for `down` it means there is nothing left to stop."""
    if timeout is None:
        timeout = timeout_from_env()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                who = describe_holder(fd)
                os.close(fd)
                raise Fail(f"{what} is locked by {who} and stayed locked for {timeout:g} s; wait for it "
                           f"to finish or stop it, then run again (timeout: {LOCK_TIMEOUT_ENV})")
            time.sleep(poll)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {holder}\n".encode(), 0)
    return fd


def describe_holder(fd):
    """'pid 123 (restart)': the kernel's word on the PID (/proc/locks), the verb from the
    file if the same PID wrote it; a stale or unwritten file is not trusted."""
    st = os.fstat(fd)
    try:
        with open("/proc/locks") as f:
            pids = flock_holders(f.read(), os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    except OSError:
        pids = []
    try:
        written = os.pread(fd, 200, 0).decode(errors="replace")
    except OSError:
        written = ""
    wpid, _, verb = written.strip().partition(" ")
    if pids:
        pid = pids[0]
        return f"pid {pid} ({verb})" if verb and wpid == str(pid) else f"pid {pid}"
    return f"pid {wpid} ({verb})" if wpid.isdigit() and verb else "another process"


def flock_holders(proc_locks, major, minor, inode):
    """PIDs holding an FLOCK on the file (major:minor:inode), from /proc/locks text:

        1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF
        2: FLOCK  ADVISORY  WRITE 4243 00:2a:99 0 EOF
        2: -> FLOCK  ADVISORY  WRITE 4244 00:2a:99 0 EOF     (a waiter: skipped)"""
    want = f"{major:02x}:{minor:02x}:{inode}"
    pids = []
    for line in proc_locks.splitlines():
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[5] == want and fields[4].isdigit():
            pids.append(int(fields[4]))
    return pids
