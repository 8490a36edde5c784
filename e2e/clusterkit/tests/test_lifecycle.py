"""The order in which `up`, `restart` and `down` act on the component table (processes
and the network replaced by recorders)."""

import dataclasses
import io
import sys
import tempfile
import unittest
from unittest import mock

from clusterkit import components, lifecycle
from clusterkit.state import ClusterRecord, ProcRecord, StateDir


def with_hook(name, **hooks):
    """Patches the component table so that `name` has the given hooks."""
    table = tuple(dataclasses.replace(c, **hooks) if c.name == name else c for c in components.COMPONENTS)
    return [mock.patch.object(components, "COMPONENTS", table),
            mock.patch.dict(components.BY_NAME, {c.name: c for c in table})]


class Order(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.st = StateDir(self.tmp.name)
        self.st.logs.mkdir()
        self.events = []
        self.stderr = mock.patch("sys.stderr", new_callable=io.StringIO)
        self.patch(
            self.stderr,
            mock.patch.object(lifecycle, "spawn", side_effect=self.spawn),
            mock.patch.object(lifecycle, "wait_ports_free"),
            mock.patch.object(lifecycle, "wait_ready",
                              side_effect=lambda st, name, *a: self.events.append(("ready", name))),
            mock.patch.object(lifecycle, "wait_usable", side_effect=lambda *a: self.events.append(("usable",))),
            mock.patch.object(lifecycle, "write_kubeconfigs"),
            mock.patch.object(lifecycle, "stop_processes",
                              side_effect=lambda recs, **kw: self.events.append(("stop", sorted(r.pid for r in recs)))))

    def patch(self, *patches):
        for p in patches:
            p.start()
            self.addCleanup(p.stop)

    def spawn(self, name, argv, log_path, cwd):
        self.events.append(("start", name))
        return ProcRecord(100 + components.NAMES.index(name), 1)

    def test_up_goes_wave_by_wave_and_bootstraps_after_the_api(self):
        self.patch(*with_hook("kube-apiserver", up_ready=lambda *a: self.events.append(("bootstrap",))))
        rec = ClusterRecord(bin_dir="/b", nodes=2)
        lifecycle.boot(self.st, rec, 0, 0.0)
        self.assertEqual(self.events, [
            ("start", "etcd"), ("ready", "etcd"),
            ("start", "kube-apiserver"), ("ready", "kube-apiserver"), ("bootstrap",),
            ("start", "kube-controller-manager"), ("start", "kube-scheduler"), ("start", "kwok"),
            ("ready", "kube-controller-manager"), ("ready", "kube-scheduler"), ("ready", "kwok"),
            ("usable",)])
        self.assertEqual(set(rec.ports), set(components.all_port_names()))
        # Every PID is in cluster.json (saved before the wait).
        self.assertEqual(self.st.load().procs, {n: ProcRecord(100 + i, 1) for i, n in enumerate(components.NAMES)})

    def test_fixed_apiserver_port_is_kept(self):
        self.patch(mock.patch.object(components, "waves", return_value=[]))
        rec = ClusterRecord(bin_dir="/b", nodes=1)
        lifecycle.boot(self.st, rec, 6443, 0.0)
        self.assertEqual(rec.ports["apiserver"], 6443)
        self.assertNotIn(6443, [p for k, p in rec.ports.items() if k != "apiserver"])

    def test_down_stops_etcd_after_the_rest(self):
        procs = {n: ProcRecord(100 + i, 1) for i, n in enumerate(components.NAMES)}
        lifecycle.stop_components(procs)
        self.assertEqual(self.events, [("stop", [101, 102, 103, 104]), ("stop", [100])])

    def test_restart_one_component_after_the_other(self):
        self.patch(*with_hook("kwok", before_restart=lambda *a: self.events.append(("release leases",))))
        rec = ClusterRecord(bin_dir="/b", nodes=2, ports={k: 1 for k in components.all_port_names()},
                            procs={n: ProcRecord(100 + i, 1) for i, n in enumerate(components.NAMES)})
        lifecycle.restart(self.st, rec, ["kube-scheduler", "kwok"], hard=True)
        self.assertEqual(self.events, [
            ("stop", [103, 104]),
            ("start", "kube-scheduler"), ("ready", "kube-scheduler"),
            ("release leases",), ("start", "kwok"), ("ready", "kwok"),
            ("usable",)])
        self.assertTrue(sys.stderr.getvalue().startswith("cluster: stopped kube-scheduler, kwok (SIGKILL, "))


if __name__ == "__main__":
    unittest.main()
