"""The watchdog: a detached process that runs `down` once the owner of a cluster is gone.

It is the entry script run again with the hidden verb `_watchdog`, in its own session,
so it survives its parent `up`. It polls the owner (PID plus start time, so a reused
PID does not fool it) and acts within about WATCHDOG_POLL_S plus the stop time."""

import signal
import subprocess
import sys
import time

from .errors import Fail
from .lifecycle import teardown
from .processes import alive, record_of
from .settings import ENTRY_SCRIPT
from .state import ProcRecord, StateDir

WATCHDOG_POLL_S = 1.0


def start_watchdog(st, owner):
    """Spawn the watchdog for `owner` (a ProcRecord); returns the watchdog's record."""
    logf = open(st.logs / "watchdog.log", "ab")
    try:
        proc = subprocess.Popen([sys.executable, str(ENTRY_SCRIPT), "_watchdog", str(st.root),
                                 str(owner.pid), str(owner.start)],
                                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                cwd="/", start_new_session=True)
    finally:
        logf.close()
    return record_of(proc.pid) or ProcRecord(proc.pid, None)


def _stamp():
    return time.strftime('%FT%TZ', time.gmtime())


def run_watchdog(root, owner_pid, owner_start, keep):
    """The `_watchdog` verb: poll the owner; when it is gone, take the cluster down."""
    st = StateDir(root)
    owner = ProcRecord(owner_pid, owner_start)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `down` stops us this way
    while True:
        if not st.is_cluster():
            return  # the folder went away: nothing left to guard
        if not alive(owner):
            print(f"{_stamp()} owner {owner_pid} gone: tearing down", flush=True)
            break
        time.sleep(WATCHDOG_POLL_S)
    # The safety net must not give up: an `up` or `restart` in progress holds the lock
    # for as long as it needs, and its end is our turn. So on a lock timeout, log who
    # holds it and keep waiting.
    while True:
        try:
            st.lock("watchdog")
            break
        except FileNotFoundError:
            return  # `down` removed the folder meanwhile
        except Fail as e:
            print(f"{_stamp()} {e}; still waiting", flush=True)
    teardown(st, keep=keep, quiet=True)
