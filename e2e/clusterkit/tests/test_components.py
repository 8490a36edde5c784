"""The component table: command lines built from a state folder, health probes, start
order and the names `restart` accepts."""

import http.server
import socket
import tempfile
import threading
import unittest
from pathlib import Path

from clusterkit import components
from clusterkit.binaries import CLIENT_BINARIES
from clusterkit.errors import Fail
from clusterkit.lifecycle import COMPONENT_USERS
from clusterkit.pki import LEAVES
from clusterkit.state import StateDir

PORTS = {"etcd_client": 21001, "etcd_peer": 21002, "apiserver": 21003, "kcm": 21004,
         "scheduler": 21005, "kwok": 21006}
BIN = Path("/opt/toolchain/bin")


def flag(argv, name):
    """The value of --name=VALUE in argv (exactly one such flag)."""
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    assert len(values) == 1, (name, values)
    return values[0]


class Argv(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.st = StateDir(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def argv(self, name):
        return components.get(name).argv(self.st, BIN, PORTS)

    def test_each_runs_its_binary_from_the_toolchain(self):
        for comp in components.COMPONENTS:
            self.assertEqual(comp.argv(self.st, BIN, PORTS)[0], str(BIN / comp.binary))

    def test_each_names_the_state_folder(self):
        # `down` finds unrecorded strays by binary + state folder in the command line.
        for comp in components.COMPONENTS:
            self.assertTrue(any(str(self.st.root) in a for a in comp.argv(self.st, BIN, PORTS)), comp.name)

    def test_each_uses_exactly_its_own_ports(self):
        for comp in components.COMPONENTS:
            text = " ".join(comp.argv(self.st, BIN, PORTS))
            own = {PORTS[k] for k in comp.ports}
            for key, port in PORTS.items():
                if port in own:
                    self.assertIn(f":{port}", text.replace("=", ":"), (comp.name, key))

    def test_etcd(self):
        a = self.argv("etcd")
        self.assertEqual(flag(a, "data-dir"), str(self.st.etcd_data))
        self.assertEqual(flag(a, "listen-client-urls"), "https://127.0.0.1:21001")
        self.assertEqual(flag(a, "listen-peer-urls"), "https://127.0.0.1:21002")
        self.assertEqual(flag(a, "initial-cluster"), "default=https://127.0.0.1:21002")
        self.assertEqual(flag(a, "client-cert-auth"), "true")
        self.assertEqual(flag(a, "trusted-ca-file"), f"{self.st.pki}/ca.crt")

    def test_apiserver(self):
        a = self.argv("kube-apiserver")
        self.assertEqual(flag(a, "etcd-servers"), "https://127.0.0.1:21001")
        self.assertEqual(flag(a, "secure-port"), "21003")
        self.assertEqual(flag(a, "bind-address"), "127.0.0.1")
        self.assertEqual(flag(a, "anonymous-auth"), "false")
        self.assertEqual(flag(a, "authorization-mode"), "Node,RBAC")
        self.assertEqual(flag(a, "service-cluster-ip-range"), "10.96.0.0/16")
        self.assertEqual(flag(a, "requestheader-client-ca-file"), f"{self.st.pki}/front-proxy-ca.crt")

    def test_controller_manager_and_scheduler(self):
        kcm = self.argv("kube-controller-manager")
        self.assertEqual(flag(kcm, "secure-port"), "21004")
        self.assertEqual(flag(kcm, "kubeconfig"), str(self.st.conf / "kube-controller-manager.kubeconfig"))
        self.assertEqual(flag(kcm, "cluster-signing-key-file"), f"{self.st.pki}/ca.key")
        self.assertEqual(flag(kcm, "leader-elect"), "false")
        sched = self.argv("kube-scheduler")
        self.assertEqual(flag(sched, "secure-port"), "21005")
        self.assertEqual(flag(sched, "kubeconfig"), str(self.st.conf / "kube-scheduler.kubeconfig"))

    def test_kwok(self):
        a = self.argv("kwok")
        self.assertEqual(flag(a, "server-address"), "127.0.0.1:21006")
        self.assertEqual(flag(a, "config"), str(self.st.conf / "kwok.yaml"))
        self.assertEqual(flag(a, "kubeconfig"), str(self.st.conf / "kwok.kubeconfig"))
        self.assertEqual(flag(a, "cidr"), "10.244.0.0/16")


class Table(unittest.TestCase):
    def test_order_and_waves(self):
        self.assertEqual(components.NAMES, ["etcd", "kube-apiserver", "kube-controller-manager",
                                            "kube-scheduler", "kwok"])
        self.assertEqual([[c.name for c in w] for w in components.waves()],
                         [["etcd"], ["kube-apiserver"], ["kube-controller-manager", "kube-scheduler", "kwok"]])

    def test_only_etcd_stops_last(self):
        self.assertEqual([n for n in components.NAMES if components.stops_last(n)], ["etcd"])
        self.assertFalse(components.stops_last("from-a-newer-launcher"))

    def test_port_names_are_unique_and_what_cluster_json_holds(self):
        names = components.all_port_names()
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), set(PORTS))

    def test_every_component_user_has_a_certificate(self):
        leaves = {leaf.name for leaf in LEAVES}
        self.assertTrue(set(COMPONENT_USERS) <= leaves)
        self.assertIn("admin", leaves)
        self.assertIn("apiserver-etcd-client", leaves)

    def test_required_binaries(self):
        self.assertEqual([c.binary for c in components.COMPONENTS] + list(CLIENT_BINARIES),
                         ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl"])

    def test_unknown_component(self):
        with self.assertRaisesRegex(Fail, "unknown component kubelet"):
            components.get("kubelet")


class Select(unittest.TestCase):
    def test_default_is_the_apiserver(self):
        self.assertEqual(components.select([]), ["kube-apiserver"])

    def test_groups(self):
        self.assertEqual(components.select(["all"]), components.NAMES)
        self.assertEqual(components.select(["control-plane"]), components.NAMES[1:])

    def test_dependency_order_whatever_the_order_given(self):
        self.assertEqual(components.select(["kwok", "etcd", "kwok"]), ["etcd", "kwok"])

    def test_unknown_name_lists_the_choices(self):
        with self.assertRaisesRegex(Fail, "^unknown component bogus: choose from etcd, kube-apiserver, "
                                          "kube-controller-manager, kube-scheduler, kwok, all, control-plane$"):
            components.select(["kwok", "bogus"])

    def test_group_mixed_with_names_is_not_a_group(self):
        with self.assertRaisesRegex(Fail, "unknown component all"):
            components.select(["all", "kwok"])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/healthz" else 500
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok" if code == 200 else b"boom")

    def log_message(self, *args):
        pass


class Probes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def test_healthy(self):
        self.assertEqual(components.http_probe("kwok", "/healthz")(None, {"kwok": self.port}), (True, "ok"))

    def test_unhealthy_says_what_answered(self):
        self.assertEqual(components.http_probe("kwok", "/readyz")(None, {"kwok": self.port}),
                         (False, "HTTP 500: boom"))

    def test_nothing_listening(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # bound, not listening: connections are refused
            self.assertEqual(components.http_probe("kwok", "/healthz")(None, {"kwok": port}),
                             (False, "no answer (ConnectionRefusedError)"))


if __name__ == "__main__":
    unittest.main()
