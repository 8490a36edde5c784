"""The real node's local-path provisioner: which claims it serves, the volume it makes for
one (bound by UID, pinned to the node, writable host path), and which volumes it deletes."""

import unittest
from pathlib import Path

from clusterkit import node_config as nc
from clusterkit import volume_provisioner as vp


def claim(name="data", cls=vp.STORAGE_CLASS, phase="Pending", **spec):
    return {"metadata": {"name": name, "namespace": "ns", "uid": f"uid-{name}"},
            "spec": {"storageClassName": cls, "accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1Gi"}}, **spec},
            "status": {"phase": phase}}


class Provisioner(unittest.TestCase):
    def test_serves_only_pending_claims_of_its_class(self):
        claims = [claim("mine"), claim("kwok", cls="kwok-volume"), claim("bound", phase="Bound"),
                  claim("named", volumeName="pv-1")]
        gone = claim("gone")
        gone["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
        self.assertEqual([c["metadata"]["name"] for c in vp.pending(claims + [gone])], ["mine"])

    def test_volume_is_bound_to_the_claim_and_pinned_to_the_node(self):
        pv = vp.volume_for(claim("mine"), Path("/state/node/volumes/uid-mine"))
        ref = pv["spec"]["claimRef"]
        self.assertEqual((ref["namespace"], ref["name"], ref["uid"]), ("ns", "mine", "uid-mine"))
        self.assertEqual(pv["spec"]["capacity"], {"storage": "1Gi"})
        self.assertEqual(pv["spec"]["storageClassName"], vp.STORAGE_CLASS)
        self.assertEqual(pv["spec"]["hostPath"]["path"], "/state/node/volumes/uid-mine")
        term = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
        self.assertEqual(term["values"], [nc.NODE_NAME])

    def test_deletes_only_its_released_volumes(self):
        volumes = [{"metadata": {"name": n}, "spec": {"storageClassName": c}, "status": {"phase": p}}
                   for n, c, p in (("a", vp.STORAGE_CLASS, "Released"), ("b", vp.STORAGE_CLASS, "Bound"),
                                   ("c", "kwok-volume", "Released"))]
        self.assertEqual([v["metadata"]["name"] for v in vp.released(volumes)], ["a"])

    def test_is_the_default_class(self):
        sc = vp.storage_class()
        self.assertEqual(sc["metadata"]["annotations"][vp.DEFAULT_CLASS_ANNOTATION], "true")


if __name__ == "__main__":
    unittest.main()
