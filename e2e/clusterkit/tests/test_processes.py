"""Process identity (PID + start time), the owner climb past subshells, strays, and
spawning and stopping process groups."""

import gc
import os
import subprocess
import sys
import tempfile
import time
import unittest
import warnings
from pathlib import Path

from clusterkit import processes
from clusterkit.errors import Fail
from clusterkit.state import ProcRecord


def wait_for_text(path, timeout=5):
    deadline = time.monotonic() + timeout
    while not path.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)


class Identity(unittest.TestCase):
    def test_parse_stat_with_a_nasty_command_name(self):
        fields = processes.parse_stat("42 (a) (b c) S 7 42 42 0 -1 " + " ".join(["0"] * 13) + " 123456 rest")
        self.assertEqual(fields[0], "S")
        self.assertEqual(fields[1], "7")
        self.assertEqual(fields[19], "123456")

    def test_we_are_alive(self):
        rec = processes.record_of(os.getpid())
        self.assertTrue(processes.alive(rec))
        self.assertEqual(processes.proc_parent(os.getpid()), os.getppid())

    def test_a_reused_pid_is_not_alive(self):
        rec = processes.record_of(os.getpid())
        self.assertFalse(processes.alive(ProcRecord(rec.pid, rec.start + 1)))

    def test_nothing_is_not_alive(self):
        self.assertFalse(processes.alive(None))
        self.assertFalse(processes.alive(ProcRecord(0, 0)))

    def test_a_finished_unreaped_child_is_not_alive(self):
        child = subprocess.Popen(["sleep", "0.3"])
        rec = processes.record_of(child.pid)
        self.assertTrue(processes.alive(rec))
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # a zombie now
        self.assertFalse(processes.alive(rec))
        child.wait()


class Owner(unittest.TestCase):
    # 100 is `up`'s parent, a subshell of 50 (same command line); 50's parent 10 differs.
    PARENT = {100: 50, 50: 10, 10: 1}
    CMDLINE = {100: b"bash\0t\0", 50: b"bash\0t\0", 10: b"make\0", 1: b"init\0"}

    def owner(self, start):
        return processes.default_owner(start, parent=self.PARENT.get, cmdline=self.CMDLINE.get)

    def test_climbs_past_subshells(self):
        self.assertEqual(self.owner(100), 50)

    def test_stops_at_a_different_command_line(self):
        self.assertEqual(self.owner(50), 50)

    def test_never_climbs_to_init(self):
        # Every ancestor looks alike (e.g. all `sh`): stop below PID 1.
        same = processes.default_owner(100, parent={100: 50, 50: 1}.get, cmdline=lambda pid: b"sh\0")
        self.assertEqual(same, 50)


class Strays(unittest.TestCase):
    def test_needs_both_our_binary_and_our_folder(self):
        self.assertTrue(processes.is_stray("/opt/bin/etcd", "etcd --data-dir=/tmp/c1/etcd", "/opt/bin", "/tmp/c1"))
        self.assertFalse(processes.is_stray("/usr/bin/vim", "vim /tmp/c1/x", "/opt/bin", "/tmp/c1"))
        self.assertFalse(processes.is_stray("/opt/bin/etcd", "etcd --data-dir=/tmp/c2", "/opt/bin", "/tmp/c1"))
        self.assertFalse(processes.is_stray("/opt/bin2/etcd", "etcd /tmp/c1", "/opt/bin", "/tmp/c1"))
        self.assertFalse(processes.is_stray("/opt/bin/etcd", "etcd /tmp/c1", None, "/tmp/c1"))

    def test_finds_a_process_of_ours(self):
        # Our own interpreter's folder plays the toolchain; the marker plays the state folder.
        with tempfile.TemporaryDirectory() as d:
            child = subprocess.Popen([sys.executable, "-c", "print('up', flush=True); import time; time.sleep(30)", d],
                                     stdout=subprocess.PIPE, text=True)
            # Only once it runs: right after exec, /proc/PID/cmdline may still read empty.
            self.assertEqual(child.stdout.readline(), "up\n")
            try:
                exe = os.readlink(f"/proc/{child.pid}/exe")
                found = processes.strays(d, str(Path(exe).parent))
                self.assertIn(child.pid, [r.pid for r in found])
                self.assertEqual(processes.strays(d + "-other", str(Path(exe).parent)), [])
            finally:
                child.kill()
                child.wait()
                child.stdout.close()


class SpawnAndStop(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        # spawn() hands back a record, not its Popen object, which warns when collected.
        quiet = warnings.catch_warnings()
        quiet.__enter__()
        warnings.filterwarnings("ignore", "subprocess .* is still running", ResourceWarning)
        self.addCleanup(quiet.__exit__, None, None, None)
        self.addCleanup(gc.collect)

    def tearDown(self):
        self.tmp.cleanup()

    def test_spawned_in_its_own_session_with_its_log(self):
        rec = processes.spawn("echo", ["sh", "-c", "echo hello; exec sleep 30"], self.dir / "echo.log", self.dir)
        try:
            self.assertTrue(processes.alive(rec))
            wait_for_text(self.dir / "echo.log")
            self.assertEqual(os.getsid(rec.pid), rec.pid)
        finally:
            processes.stop_processes([rec], grace=5)
        self.assertFalse(processes.alive(rec))
        self.assertEqual((self.dir / "echo.log").read_text(), "hello\n")

    def test_sigterm_ignored_means_sigkill_after_the_grace(self):
        rec = processes.spawn("stubborn", ["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"],
                              self.dir / "s.log", self.dir)
        wait_for_text(self.dir / "s.log")  # the trap is set
        processes.stop_processes([rec], grace=0.3)
        self.assertFalse(processes.alive(rec))

    def test_missing_binary_is_one_line(self):
        with self.assertRaisesRegex(Fail, "cannot start etcd: .*No such file"):
            processes.spawn("etcd", [str(self.dir / "etcd")], self.dir / "etcd.log", self.dir)


if __name__ == "__main__":
    unittest.main()
