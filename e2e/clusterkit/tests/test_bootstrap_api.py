"""The objects `up` creates and the verdict "usable" that `up` and `restart` wait for."""

import unittest

from clusterkit import api, bootstrap, pki


class Objects(unittest.TestCase):
    def test_nodes(self):
        objs = bootstrap.bootstrap_objects(3)
        nodes = [o for path, o in objs if o["kind"] == "Node"]
        self.assertEqual([n["metadata"]["name"] for n in nodes], ["kwok-node-0", "kwok-node-1", "kwok-node-2"])
        self.assertEqual(nodes[2]["spec"]["podCIDR"], "10.244.2.0/24")
        self.assertEqual(nodes[2]["status"]["addresses"][0], {"type": "InternalIP", "address": "192.0.2.3"})
        for n in nodes:
            self.assertNotIn("taints", n["spec"])
            self.assertEqual(n["metadata"]["annotations"]["kwok.x-k8s.io/node"], "fake")
            self.assertEqual(n["metadata"]["labels"]["kubernetes.io/hostname"], n["metadata"]["name"])
            self.assertEqual(n["status"]["allocatable"], {"cpu": "32", "memory": "256Gi", "pods": "110"})

    def test_rbac_and_storage_come_before_the_nodes(self):
        kinds = [o["kind"] for _, o in bootstrap.bootstrap_objects(1)]
        self.assertEqual(kinds, ["ClusterRole", "ClusterRoleBinding", "StorageClass", "Node"])

    def test_paths_match_kinds(self):
        want = {"ClusterRole": "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                "ClusterRoleBinding": "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                "StorageClass": "/apis/storage.k8s.io/v1/storageclasses", "Node": "/api/v1/nodes"}
        for path, o in bootstrap.bootstrap_objects(2):
            self.assertEqual(path, want[o["kind"]])

    def test_binding_names_the_kwok_certificate(self):
        _, binding = bootstrap.bootstrap_objects(0)[1]
        kwok_cn = next(l.subject for l in pki.LEAVES if l.name == "kwok").split("CN=")[1]
        self.assertEqual(binding["subjects"][0]["name"], kwok_cn)
        self.assertEqual(binding["roleRef"]["name"], bootstrap.KWOK_ROLE)

    def test_default_storage_class(self):
        _, sc = bootstrap.bootstrap_objects(0)[2]
        self.assertEqual(sc["metadata"]["name"], "kwok-volume")
        self.assertEqual(sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"], "true")
        self.assertEqual(sc["volumeBindingMode"], "Immediate")


def node(ready, *taints):
    return {"status": {"conditions": [{"type": "Ready", "status": ready}]},
            "spec": {"taints": [{"key": "k", "effect": e} for e in taints]}}


class Usable(unittest.TestCase):
    def test_ready_untainted_counts(self):
        nodes = {"items": [node("True"), node("False"), node("True", "NoSchedule"), node("True", "NoExecute"),
                           node("True", "PreferNoSchedule"), {"status": {}, "spec": {"taints": None}}]}
        self.assertEqual(api.ready_untainted(nodes), 2)
        self.assertEqual(api.ready_untainted({}), 0)

    def test_usable_needs_nodes_leases_and_the_service_account(self):
        self.assertEqual(api.usability(2, 2, 2, True), (True, ""))
        self.assertEqual(api.usability(2, 2, 1, True),
                         (False, "2/2 nodes Ready and untainted, 1/2 node leases held by kwok, default ServiceAccount present"))
        self.assertEqual(api.usability(2, 1, 2, True)[0], False)
        self.assertEqual(api.usability(2, 2, 2, False),
                         (False, "2/2 nodes Ready and untainted, 2/2 node leases held by kwok, default ServiceAccount missing"))


if __name__ == "__main__":
    unittest.main()
