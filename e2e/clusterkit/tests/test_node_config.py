"""The real node's configuration: the settings ../shared/docs/real-node.md found necessary
are present, the node never uses the machine's own or a loopback address, and its state stays
under its own folder."""

import ipaddress
import json
import os
import unittest
from pathlib import Path
from unittest import mock

from clusterkit import node_config as nc
from clusterkit import real_node
from clusterkit.pki import LEAVES
from clusterkit.settings import POD_CIDR_PREFIX, SERVICE_CIDR

PATHS = nc.NodePaths(Path("/state/node"))


class Containerd(unittest.TestCase):
    def setUp(self):
        self.text = nc.containerd_config(PATHS)

    def test_restricts_oom_score_adj(self):
        # Without it every sandbox fails here: root lacks CAP_SYS_RESOURCE.
        self.assertIn("restrict_oom_score_adj = true", self.text)

    def test_uses_runc_with_cgroupfs_and_the_local_pause_image(self):
        self.assertIn('BinaryName = "runc"', self.text)
        self.assertIn("SystemdCgroup = false", self.text)
        self.assertIn(f'sandbox_image = "{nc.PAUSE_IMAGE}"', self.text)

    def test_keeps_its_state_and_socket_under_the_node_folder(self):
        for key in ("root", "state", "address", "conf_dir", "path"):
            for line in self.text.splitlines():
                if line.strip().startswith(f"{key} ="):
                    value = line.split("=", 1)[1].strip().strip('"')
                    if value.startswith("/") and not value.startswith(nc.CNI_BIN_DIR):
                        self.assertTrue(value.startswith("/state/node/"), line)


class ImageStore(unittest.TestCase):
    def test_containerd_root_may_live_in_a_cache_the_rest_stays_with_the_node(self):
        paths = nc.NodePaths(Path("/state/node"), Path("/cache/node-containerd"))
        text = nc.containerd_config(paths)
        self.assertIn('root = "/cache/node-containerd"', text)
        self.assertIn('state = "/state/node/containerd/state"', text)
        self.assertIn('address = "/state/node/containerd/containerd.sock"', text)

    def test_the_store_follows_the_cache_folder(self):
        with mock.patch.dict(os.environ, {"COMPOSE_OPERATOR_CACHE": "/c"}, clear=False):
            os.environ.pop("E2E_NODE_IMAGE_STORE", None)
            self.assertEqual(real_node.image_store(), Path("/c/node-containerd"))


class Cni(unittest.TestCase):
    def test_bridge_gateway_without_masquerade_in_the_pod_range(self):
        conf = json.loads(nc.cni_conflist(PATHS))
        bridge = conf["plugins"][0]
        self.assertEqual(bridge["type"], "bridge")
        self.assertTrue(bridge["isGateway"])
        self.assertFalse(bridge["ipMasq"])
        subnet = bridge["ipam"]["ranges"][0][0]["subnet"]
        self.assertEqual(subnet, nc.POD_CIDR)
        self.assertIn(ipaddress.ip_address(nc.POD_GATEWAY), ipaddress.ip_network(subnet))
        self.assertTrue(bridge["ipam"]["dataDir"].startswith("/state/node/"))

    def test_pod_range_is_apart_from_kwok_and_services(self):
        pods = ipaddress.ip_network(nc.POD_CIDR)
        self.assertFalse(pods.overlaps(ipaddress.ip_network(f"{POD_CIDR_PREFIX}.0.0/16")))
        self.assertFalse(pods.overlaps(ipaddress.ip_network(SERVICE_CIDR)))
        self.assertIn(ipaddress.ip_address(nc.DNS_SERVICE_IP), ipaddress.ip_network(SERVICE_CIDR))


class Kubelet(unittest.TestCase):
    def setUp(self):
        self.conf = json.loads(nc.kubelet_config(PATHS, Path("/pki"), 10250, 10248))

    def test_webhook_authentication_and_authorization_no_anonymous(self):
        self.assertFalse(self.conf["authentication"]["anonymous"]["enabled"])
        self.assertTrue(self.conf["authentication"]["webhook"]["enabled"])
        self.assertEqual(self.conf["authorization"]["mode"], "Webhook")
        self.assertEqual(self.conf["readOnlyPort"], 0)

    def test_cgroup_v1_with_cgroupfs(self):
        self.assertFalse(self.conf["failCgroupV1"])
        self.assertEqual(self.conf["cgroupDriver"], "cgroupfs")

    def test_address_is_neither_loopback_nor_routable(self):
        ip = ipaddress.ip_address(self.conf["address"])
        self.assertFalse(ip.is_loopback)
        self.assertFalse(ip.is_global)
        self.assertEqual(self.conf["clusterDNS"], [nc.DNS_SERVICE_IP])

    def test_argv_names_the_node_and_its_label(self):
        argv = nc.kubelet_argv(Path("/bin"), PATHS, Path("/kc"))
        self.assertIn(f"--hostname-override={nc.NODE_NAME}", argv)
        self.assertIn(f"--node-ip={nc.NODE_IP}", argv)
        self.assertIn("--node-labels=type=real", argv)


class Firewall(unittest.TestCase):
    def test_kube_router_runs_the_firewall_only(self):
        argv = nc.kube_router_argv(Path("/bin"), Path("/kc"), 1234)
        for flag in ("--run-firewall=true", "--run-router=false", "--run-service-proxy=false",
                     "--enable-cni=false"):
            self.assertIn(flag, argv)

    def test_kube_proxy_uses_nftables_and_leaves_conntrack_sysctls_alone(self):
        argv = nc.kube_proxy_argv(Path("/bin"), Path("/kc"), 1, 2)
        self.assertIn("--proxy-mode=nftables", argv)
        self.assertIn("--conntrack-max-per-core=0", argv)


class CoreDns(unittest.TestCase):
    def test_runs_as_cluster_dns_behind_kube_dns_hardened(self):
        objs = {o["kind"]: o for o in nc.coredns_objects("localhost/coredns:x")}
        svc = objs["Service"]
        self.assertEqual(svc["metadata"]["name"], "kube-dns")
        self.assertEqual(svc["spec"]["clusterIP"], nc.DNS_SERVICE_IP)
        self.assertEqual({p["port"] for p in svc["spec"]["ports"]}, {53})
        pod = objs["Deployment"]["spec"]["template"]
        self.assertEqual(pod["metadata"]["labels"], {"k8s-app": "kube-dns"})
        self.assertEqual(objs["Deployment"]["metadata"]["namespace"], "kube-system")
        container = pod["spec"]["containers"][0]
        self.assertEqual(container["securityContext"]["capabilities"]["drop"], ["ALL"])
        self.assertTrue(container["securityContext"]["readOnlyRootFilesystem"])
        self.assertTrue(pod["spec"]["securityContext"]["runAsNonRoot"])
        self.assertGreater(nc.DNS_PORT, 1024)  # no NET_BIND_SERVICE needed
        self.assertIn(f".:{nc.DNS_PORT}", nc.coredns_corefile())

    def test_object_paths(self):
        paths = {o["kind"]: real_node.object_path(o) for o in nc.coredns_objects("x")}
        self.assertEqual(paths["Deployment"], "/apis/apps/v1/namespaces/kube-system/deployments")
        self.assertEqual(paths["ClusterRole"], "/apis/rbac.authorization.k8s.io/v1/clusterroles")
        self.assertEqual(paths["Service"], "/api/v1/namespaces/kube-system/services")


class Identities(unittest.TestCase):
    def test_kubelet_is_a_node_identity_serving_its_address(self):
        kubelet = next(leaf for leaf in real_node.NODE_LEAVES if leaf.name == "kubelet")
        self.assertEqual(kubelet.subject, f"/O=system:nodes/CN=system:node:{nc.NODE_NAME}")
        self.assertIn(f"IP:{nc.NODE_IP}", kubelet.sans)
        self.assertIn("serverAuth", kubelet.usage)
        self.assertIn("clientAuth", kubelet.usage)

    def test_apiserver_serves_the_node_address_and_keeps_its_names(self):
        base = next(leaf for leaf in LEAVES if leaf.name == "kube-apiserver")
        extended = real_node.apiserver_leaf(base)
        self.assertIn(f"IP:{nc.NODE_IP}", extended.sans)
        self.assertTrue(set(base.sans) <= set(extended.sans))

    def test_apiserver_calls_kubelets_with_a_verified_client_identity(self):
        flags = real_node.apiserver_flags(Path("/pki"))
        self.assertIn("--kubelet-certificate-authority=/pki/ca.crt", flags)
        self.assertIn("--kubelet-client-certificate=/pki/apiserver-kubelet-client.crt", flags)
        self.assertIn("--kubelet-preferred-address-types=InternalIP,Hostname", flags)


class Record(unittest.TestCase):
    def test_round_trips(self):
        from clusterkit.state import ProcRecord
        rec = real_node.NodeRecord(ports={"kubelet": 1}, procs={"kubelet": ProcRecord(5, 7), "x": None},
                                   argv={"kubelet": ["a"]}, netns_before=["n"], nft_tables_before=["table ip t"])
        self.assertEqual(real_node.NodeRecord.loads(rec.dumps()), rec)


if __name__ == "__main__":
    unittest.main()
