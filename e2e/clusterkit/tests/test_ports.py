"""Port selection: below the ephemeral range, distinct, never excluded or taken."""

import random
import socket
import tempfile
import unittest
from pathlib import Path

from clusterkit import ports
from clusterkit.errors import Fail


class Pool(unittest.TestCase):
    def test_below_the_ephemeral_range(self):
        self.assertEqual(ports.port_pool(32768), range(20000, 32768))

    def test_too_small_a_pool_means_kernel_pick(self):
        self.assertEqual(len(ports.port_pool(21999)), 0)
        self.assertEqual(len(ports.port_pool(22000)), 2000)

    def test_ephemeral_range_file(self):
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "range"
            f.write_text("40000\t60999\n")
            self.assertEqual(ports.ephemeral_range(f), (40000, 60999))
            f.write_text("garbage")
            self.assertEqual(ports.ephemeral_range(f), (32768, 60999))
            self.assertEqual(ports.ephemeral_range(Path(d) / "absent"), (32768, 60999))


class Pick(unittest.TestCase):
    def test_distinct_free_and_not_excluded(self):
        got = ports.pick_ports(["a", "b"], [1, 2, 3, 4], is_free=lambda p: p != 2, exclude={3},
                               rng=random.Random(1))
        self.assertEqual(sorted(got.values()), [1, 4])
        self.assertEqual(sorted(got), ["a", "b"])

    def test_every_name_gets_a_port_from_the_pool(self):
        pool = range(20000, 20010)
        got = ports.pick_ports(["x", "y", "z"], pool, is_free=lambda p: True, rng=random.Random(7))
        self.assertEqual(len(set(got.values())), 3)
        self.assertTrue(all(p in pool for p in got.values()))

    def test_no_free_port_names_the_component(self):
        with self.assertRaisesRegex(Fail, "no free loopback port for kcm after 50 tries"):
            ports.pick_ports(["etcd_client", "kcm"], [1], is_free=lambda p: True, rng=random.Random(0))

    def test_empty_pool_asks_the_kernel(self):
        picks = iter([5, 5, 6])
        got = ports.pick_ports(["a", "b"], range(0), is_free=lambda p: True, kernel_pick=lambda: next(picks))
        self.assertEqual(got, {"a": 5, "b": 6})

    def test_free_ports_are_below_the_ephemeral_range(self):
        lo, _ = ports.ephemeral_range()
        got = ports.free_ports(["a", "b", "c"])
        for p in got.values():
            if len(ports.port_pool(lo)):
                self.assertTrue(20000 <= p < lo, p)
            self.assertTrue(ports.port_is_free(p))


class Free(unittest.TestCase):
    def test_a_listening_port_is_taken(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            self.assertFalse(ports.port_is_free(port))
            self.assertFalse(ports.port_is_free(port, reuse=False))

    def test_wait_ports_free_gives_up_naming_the_port(self):
        with self.assertRaisesRegex(Fail, r"port 7 of kwok is still taken 0.2 s after it stopped"):
            ports.wait_ports_free("kwok", [6, 7], timeout=0.2, is_free=lambda p: p != 7)

    def test_wait_ports_free_returns_once_free(self):
        answers = iter([False, False, True, True, True])
        ports.wait_ports_free("etcd", [1], timeout=5, is_free=lambda p: next(answers))


if __name__ == "__main__":
    unittest.main()
