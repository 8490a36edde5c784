"""The per-cluster lock: exclusive, released when the holder dies, and a waiter gives up
after its timeout with a line that names the holder."""

import os
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from clusterkit.errors import Fail
from clusterkit.lock import LOCK_TIMEOUT_S, acquire, flock_holders, timeout_from_env

# A process that takes the lock as `verb` (through acquire(), like a real verb), says
# so on stdout, then holds it for `hold` seconds.
HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from clusterkit.lock import acquire
acquire(sys.argv[2], holder=sys.argv[3], what="test", timeout=5)
print("locked", flush=True)
time.sleep(float(sys.argv[4]))
"""
E2E_DIR = str(Path(__file__).resolve().parents[2])


class Lock(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = Path(self.tmp.name) / ".lock"
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.kill()
            p.wait()
            p.stdout.close()
        self.tmp.cleanup()

    def hold(self, verb, seconds):
        p = subprocess.Popen([sys.executable, "-c", HOLDER, E2E_DIR, str(self.path), verb, str(seconds)],
                             stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        self.assertEqual(p.stdout.readline().strip(), "locked")
        return p

    def test_free_lock_is_taken_and_names_us(self):
        fd = acquire(self.path, holder="down", what="x", timeout=1)
        try:
            self.assertEqual(self.path.read_text(), f"{os.getpid()} down\n")
        finally:
            os.close(fd)

    def test_timeout_names_the_holder(self):
        holder = self.hold("restart", 30)
        t0 = time.monotonic()
        with self.assertRaises(Fail) as cm:
            acquire(self.path, holder="down", what="/some/cluster", timeout=0.3)
        waited = time.monotonic() - t0
        self.assertGreaterEqual(waited, 0.3)
        self.assertLess(waited, 5)
        msg = str(cm.exception)
        self.assertIn("/some/cluster is locked by", msg)
        self.assertIn(f"pid {holder.pid} (restart)", msg)
        self.assertIn("E2E_CLUSTER_LOCK_TIMEOUT", msg)
        self.assertNotIn("\n", msg)

    def test_waiter_gets_the_lock_when_the_holder_finishes(self):
        self.hold("up", 0.5)
        t0 = time.monotonic()
        fd = acquire(self.path, holder="down", what="x", timeout=10)
        os.close(fd)
        self.assertGreater(time.monotonic() - t0, 0.2)

    def test_a_killed_holder_releases_the_lock(self):
        holder = self.hold("up", 30)
        holder.kill()
        holder.wait()
        fd = acquire(self.path, holder="down", what="x", timeout=2)
        os.close(fd)

    def test_two_descriptors_in_one_process_exclude_each_other(self):
        fd = acquire(self.path, holder="up", what="x", timeout=1)
        try:
            with self.assertRaisesRegex(Fail, r"locked by pid \d+ \(up\)"):
                acquire(self.path, holder="down", what="x", timeout=0.2)
        finally:
            os.close(fd)
        os.close(acquire(self.path, holder="down", what="x", timeout=0.2))

    def test_missing_folder_is_left_to_the_caller(self):
        # `down` treats it as "the watchdog removed the folder just now".
        with self.assertRaises(FileNotFoundError):
            acquire(Path(self.tmp.name) / "gone" / ".lock", holder="down", what="x", timeout=0.1)


class Timeout(unittest.TestCase):
    def test_default(self):
        self.assertEqual(timeout_from_env({}), LOCK_TIMEOUT_S)

    def test_override(self):
        self.assertEqual(timeout_from_env({"E2E_CLUSTER_LOCK_TIMEOUT": "2.5"}), 2.5)
        self.assertEqual(timeout_from_env({"E2E_CLUSTER_LOCK_TIMEOUT": "0"}), 0)

    def test_bad_values_are_refused(self):
        for bad in ("soon", "-1"):
            with self.assertRaisesRegex(Fail, "E2E_CLUSTER_LOCK_TIMEOUT.*not a number"):
                timeout_from_env({"E2E_CLUSTER_LOCK_TIMEOUT": bad})


class ProcLocks(unittest.TestCase):
    TEXT = """\
1: POSIX  ADVISORY  WRITE 99 08:01:1234 0 EOF
2: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF
2: -> FLOCK  ADVISORY  WRITE 4244 08:01:1234 0 EOF
3: FLOCK  ADVISORY  WRITE 4243 00:2a:1234 0 EOF
4: FLOCK  ADVISORY  WRITE 4245 08:01:12345 0 EOF
"""

    def test_only_the_flock_holder_of_that_file(self):
        self.assertEqual(flock_holders(self.TEXT, 8, 1, 1234), [4242])
        self.assertEqual(flock_holders(self.TEXT, 0, 0x2a, 1234), [4243])
        self.assertEqual(flock_holders(self.TEXT, 8, 2, 1234), [])


if __name__ == "__main__":
    unittest.main()
