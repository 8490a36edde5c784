"""The command line: argument handling and the `status` table, whose format the e2e
tests, scripts/demo and bench/* parse."""

import contextlib
import io
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from clusterkit import cli
from clusterkit.errors import Fail
from clusterkit.state import ClusterRecord, ProcRecord, StateDir, new_state_dir


class Arguments(unittest.TestCase):
    def test_up_defaults(self):
        a = cli.parser().parse_args(["up"])
        self.assertEqual((a.nodes, a.owner_pid, a.apiserver_port, a.state, a.bin_dir), (2, None, 0, None, None))

    def test_up_options(self):
        a = cli.parser().parse_args(["up", "--nodes", "3", "--owner-pid", "0", "--apiserver-port", "6443"])
        self.assertEqual((a.nodes, a.owner_pid, a.apiserver_port), (3, 0, 6443))

    def test_restart_with_folder_and_components(self):
        a = cli.parser().parse_args(["restart", "/s", "kwok", "etcd", "--hard"])
        self.assertEqual((a.target, a.components, a.hard), ("/s", ["kwok", "etcd"], True))
        self.assertEqual(cli.restart_targets(a.target, a.components), ("/s", ["kwok", "etcd"]))

    def test_restart_components_without_folder(self):
        # argparse puts the first component where the folder goes.
        self.assertEqual(cli.restart_targets("kwok", ["etcd"]), (None, ["kwok", "etcd"]))
        self.assertEqual(cli.restart_targets("control-plane", []), (None, ["control-plane"]))
        self.assertEqual(cli.restart_targets("all", []), (None, ["all"]))
        self.assertEqual(cli.restart_targets(None, []), (None, []))

    def test_down_keep(self):
        a = cli.parser().parse_args(["down", "--keep"])
        self.assertEqual((a.target, a.keep), (None, True))

    def test_keep_state_env(self):
        self.assertTrue(cli.keep_state({"E2E_KEEP_STATE": "1"}))
        self.assertFalse(cli.keep_state({"E2E_KEEP_STATE": "yes"}))
        self.assertFalse(cli.keep_state({}))

    def test_watchdog_arguments(self):
        a = cli.parser().parse_args(["_watchdog", "/s", "12", "34"])
        self.assertEqual((a.root, a.owner_pid, a.owner_start), ("/s", 12, 34))


class Main(unittest.TestCase):
    def test_bad_lock_timeout_fails_before_anything_is_made(self):
        with tempfile.TemporaryDirectory() as d:
            err = io.StringIO()
            with mock.patch.dict(os.environ, {"E2E_CLUSTER_LOCK_TIMEOUT": "soon", "TMPDIR": d}), \
                    contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as cm:
                cli.main(["up", "--owner-pid", "0"])
            self.assertEqual(cm.exception.code, 1)
            self.assertEqual(err.getvalue(),
                             "cluster: error: E2E_CLUSTER_LOCK_TIMEOUT=soon is not a number of seconds (>= 0)\n")
            self.assertEqual(os.listdir(d), [])

    def test_errors_are_one_line_and_exit_1(self):
        err = io.StringIO()
        with mock.patch.dict(os.environ, {}, clear=True), contextlib.redirect_stderr(err), \
                self.assertRaises(SystemExit) as cm:
            cli.main(["status"])
        self.assertEqual(cm.exception.code, 1)
        self.assertEqual(err.getvalue(), "cluster: error: no cluster given: pass the state folder "
                                         "(or the kubeconfig `up` printed) or set E2E_CLUSTER_DIR\n")


class StatusTable(unittest.TestCase):
    def test_healthy_line(self):
        self.assertEqual(cli.status_line("etcd", ProcRecord(13247, 1), True, True, 47, "ok"),
                         "etcd                     pid   13247  running  healthy       47 MiB")

    def test_stopped_line(self):
        self.assertEqual(cli.status_line("kube-controller-manager", None, False, False, 0, "-"),
                         "kube-controller-manager  pid       -  STOPPED  UNHEALTHY      0 MiB  -")

    def test_unhealthy_line_carries_the_detail(self):
        self.assertEqual(cli.status_line("kwok", ProcRecord(7, 1), True, False, 70, "HTTP 500: x"),
                         "kwok                     pid       7  running  UNHEALTHY     70 MiB  HTTP 500: x")

    def run_status(self, target):
        out = io.StringIO()
        args = cli.parser().parse_args(["status", str(target)])
        with contextlib.redirect_stdout(out):
            try:
                cli.cmd_status(args)
                failed = None
            except Fail as e:
                failed = str(e)
        return out.getvalue(), failed

    def test_a_stopped_cluster(self):
        with tempfile.TemporaryDirectory() as d:
            st = new_state_dir(d)
            st.save(ClusterRecord(bin_dir="/b", nodes=2, created="t", owner=None,
                                  ports={"apiserver": 3, "kwok": 1, "etcd_client": 2}))
            out, failed = self.run_status(st.root)
        lines = out.splitlines()
        self.assertEqual(lines[0], f"state       {st.root}")
        self.assertEqual(lines[1], f"kubeconfig  {st.root}/kubeconfig")
        self.assertEqual(lines[2], "ports       apiserver=3 etcd_client=2 kwok=1")
        self.assertEqual([l.split()[0] for l in lines[3:8]],
                         ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"])
        self.assertTrue(all("STOPPED  UNHEALTHY" in l for l in lines[3:8]))
        self.assertEqual(lines[8], "watchdog                 none (cluster lives until `down`)")
        self.assertEqual(lines[9], "total RSS   0 MiB")
        self.assertEqual(failed, "cluster is not healthy (see the table above)")

    def test_owner_line(self):
        with tempfile.TemporaryDirectory() as d:
            st = new_state_dir(d)
            st.save(ClusterRecord(bin_dir="/b", nodes=2, owner=ProcRecord(999999999, 1),
                                  watchdog=ProcRecord(999999998, 1)))
            out, _ = self.run_status(st.root)
        self.assertIn("watchdog                 pid 999999998  STOPPED  owner pid 999999999 GONE\n", out)

    def test_not_a_cluster(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(Fail, "is not a cluster state folder$"):
                cli.cmd_status(cli.parser().parse_args(["status", d]))


def down(*argv):
    """Runs `down`; returns what it logged on stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        cli.cmd_down(cli.parser().parse_args(["down", *argv]))
    return err.getvalue()


class Down(unittest.TestCase):
    def test_missing_folder_is_not_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(down(str(Path(d) / "gone")), f"cluster: {Path(d) / 'gone'} does not exist: nothing to stop\n")

    def test_foreign_folder_is_never_deleted(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "precious").write_text("x")
            with self.assertRaisesRegex(Fail, "not a cluster state folder.*refusing to delete it"):
                cli.cmd_down(cli.parser().parse_args(["down", d]))
            self.assertTrue((Path(d) / "precious").exists())

    def test_down_of_a_stopped_cluster_removes_it(self):
        with tempfile.TemporaryDirectory() as d:
            st = new_state_dir(Path(d) / "c")
            st.save(ClusterRecord(bin_dir=None, nodes=2))
            st.kubeconfig.write_text("")
            self.assertEqual(down(str(st.kubeconfig)), f"cluster: stopped and removed {st.root}\n")
            self.assertFalse(st.root.exists())

    def test_down_keep_records_nothing_running(self):
        with tempfile.TemporaryDirectory() as d:
            st = new_state_dir(Path(d) / "c")
            st.save(ClusterRecord(bin_dir=None, nodes=2, procs={"etcd": ProcRecord(999999999, 5)},
                                  watchdog=ProcRecord(999999998, 5)))
            self.assertEqual(down(str(st.root), "--keep"), f"cluster: stopped; state kept in {st.root}\n")
            rec = StateDir(st.root).load()
            self.assertEqual((rec.procs, rec.watchdog), ({}, None))


if __name__ == "__main__":
    unittest.main()
