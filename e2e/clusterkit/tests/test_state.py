"""cluster.json as typed records: the file format must not change, old files must load."""

import json
import os
import tempfile
import unittest
from pathlib import Path

from clusterkit.errors import Fail
from clusterkit.state import (STATE_MARKER, ClusterRecord, ProcRecord, StateDir, new_state_dir,
                              resolve_state, write_atomic)

# A cluster.json written by the single-file launcher (before clusterkit), byte for byte
# but for the bin_dir path. Its format is what tests/two-clusters and people read.
OLD_FORMAT = """\
{
  "bin_dir": "/opt/toolchain/k8s-1.36.3/bin",
  "created": "2026-12-02T20:57:45Z",
  "nodes": 2,
  "owner": null,
  "ports": {
    "apiserver": 30430,
    "etcd_client": 24934,
    "etcd_peer": 29720,
    "kcm": 30306,
    "kwok": 22672,
    "scheduler": 24779
  },
  "procs": {
    "etcd": {
      "pid": 14290,
      "start": 3142878
    },
    "kube-apiserver": {
      "pid": 14318,
      "start": 3142990
    },
    "kube-controller-manager": {
      "pid": 14439,
      "start": 3143479
    },
    "kube-scheduler": {
      "pid": 14443,
      "start": 3143480
    },
    "kwok": {
      "pid": 14444,
      "start": 3143480
    }
  },
  "watchdog": null
}
"""


class RecordFormat(unittest.TestCase):
    def test_old_file_loads_into_typed_records(self):
        rec = ClusterRecord.loads(OLD_FORMAT)
        self.assertEqual(rec.nodes, 2)
        self.assertEqual(rec.ports["apiserver"], 30430)
        self.assertEqual(rec.procs["kwok"], ProcRecord(14444, 3143480))
        self.assertIsNone(rec.owner)
        self.assertIsNone(rec.watchdog)

    def test_old_file_round_trips_byte_for_byte(self):
        self.assertEqual(ClusterRecord.loads(OLD_FORMAT).dumps(), OLD_FORMAT)

    def test_owner_and_watchdog_round_trip(self):
        rec = ClusterRecord(bin_dir="/b", nodes=3, created="t", owner=ProcRecord(10, 20),
                            watchdog=ProcRecord(11, None), ports={"apiserver": 1})
        again = ClusterRecord.loads(rec.dumps())
        self.assertEqual(again, rec)
        self.assertEqual(json.loads(rec.dumps())["watchdog"], {"pid": 11, "start": None})

    def test_unknown_keys_survive_a_save(self):
        obj = json.loads(OLD_FORMAT)
        obj["real_node"] = {"ports": {"kubelet": 1}}
        again = json.loads(ClusterRecord.from_json(obj).dumps())
        self.assertEqual(again["real_node"], {"ports": {"kubelet": 1}})

    def test_half_written_record_loads_with_defaults(self):
        # `up` saves before it has ports or processes; `down` must read that.
        rec = ClusterRecord.from_json({"bin_dir": "/b", "nodes": 2, "procs": {}, "ports": {},
                                       "owner": None, "watchdog": None, "created": "t"})
        self.assertEqual((rec.procs, rec.ports), ({}, {}))
        self.assertEqual(ClusterRecord.from_json({}), ClusterRecord())

    def test_not_an_object_is_rejected(self):
        with self.assertRaises(ValueError):
            ClusterRecord.from_json([1, 2])

    def test_proc_record_from_nothing_is_none(self):
        self.assertIsNone(ProcRecord.from_json(None))
        self.assertIsNone(ProcRecord.from_json({}))


class Folder(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_layout(self):
        st = StateDir(self.root)
        self.assertEqual(st.file, self.root.resolve() / "cluster.json")
        self.assertEqual(st.kubeconfig, self.root.resolve() / "kubeconfig")
        self.assertEqual(st.log_of("kwok"), self.root.resolve() / "logs" / "kwok.log")
        self.assertFalse(st.is_cluster())

    def test_save_then_load(self):
        st = StateDir(self.root)
        st.save(ClusterRecord.loads(OLD_FORMAT))
        self.assertEqual(st.file.read_text(), OLD_FORMAT)
        self.assertEqual(st.load(), ClusterRecord.loads(OLD_FORMAT))
        self.assertEqual(os.listdir(self.root), ["cluster.json"])  # no .tmp left

    def test_unreadable_file_is_one_clear_error(self):
        st = StateDir(self.root)
        with self.assertRaisesRegex(Fail, "holds no readable cluster.json.*was `up` run on it"):
            st.load()
        st.file.write_text("{not json")
        with self.assertRaisesRegex(Fail, "holds no readable cluster.json"):
            st.load()
        st.file.write_text("[]")
        with self.assertRaisesRegex(Fail, "holds no readable cluster.json"):
            st.load()

    def test_write_atomic_sets_mode(self):
        path = self.root / "kubeconfig"
        write_atomic(path, "x", 0o600)
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertEqual(path.read_text(), "x")


class ResolveState(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name).resolve()

    def tearDown(self):
        self.tmp.cleanup()

    def test_folder(self):
        self.assertEqual(resolve_state(str(self.root), environ={}).root, self.root)

    def test_kubeconfig_inside_the_folder(self):
        (self.root / "kubeconfig").write_text("")
        self.assertEqual(resolve_state(str(self.root / "kubeconfig"), environ={}).root, self.root)

    def test_environment_when_no_argument(self):
        self.assertEqual(resolve_state(None, environ={"E2E_CLUSTER_DIR": str(self.root)}).root, self.root)

    def test_argument_beats_environment(self):
        other = self.root / "other"
        self.assertEqual(resolve_state(str(other), environ={"E2E_CLUSTER_DIR": str(self.root)}).root, other)

    def test_nothing_given(self):
        with self.assertRaisesRegex(Fail, "no cluster given.*E2E_CLUSTER_DIR"):
            resolve_state(None, environ={})
        with self.assertRaisesRegex(Fail, "no cluster given"):
            resolve_state("", environ={"E2E_CLUSTER_DIR": ""})


class NewStateDir(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name).resolve()

    def tearDown(self):
        self.tmp.cleanup()

    def test_new_folder_is_made_and_marked(self):
        st = new_state_dir(str(self.root / "a" / "b"))
        self.assertTrue(st.is_cluster())
        self.assertTrue((self.root / "a" / "b" / STATE_MARKER).is_file())

    def test_empty_folder_is_taken(self):
        self.assertTrue(new_state_dir(str(self.root)).is_cluster())

    def test_foreign_folder_is_refused(self):
        (self.root / "something").write_text("")
        with self.assertRaisesRegex(Fail, "is not empty"):
            new_state_dir(str(self.root))
        self.assertFalse((self.root / STATE_MARKER).exists())

    def test_cluster_folder_is_refused(self):
        (self.root / STATE_MARKER).write_text("")
        with self.assertRaisesRegex(Fail, "already holds a cluster: run `e2e/cluster down"):
            new_state_dir(str(self.root))

    def test_temp_folder_under_tmpdir(self):
        st = new_state_dir(None, environ={"TMPDIR": str(self.root)})
        self.assertEqual(st.root.parent, self.root)
        self.assertTrue(st.root.name.startswith("compose-operator-e2e-"))


if __name__ == "__main__":
    unittest.main()
