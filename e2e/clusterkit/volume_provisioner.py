"""Volumes for the real node: a local-path provisioner, as small clusters run one.

kwok's provisioner makes host-path volumes that ignore the pod's fsGroup, so a non-root pod
could not write to its claim. With a real node, the default StorageClass is ours instead: for
each pending claim of the class this makes a folder under the node's state, writable by any
uid (as rancher's local-path-provisioner does), and a PersistentVolume bound to the claim and
pinned to the node; a released volume and its folder are deleted. It runs as a process of its
own (`e2e/cluster _provisioner DIR`), a component of the node like the kubelet."""

import os
import shutil
import time
from pathlib import Path

from . import api
from . import node_config as nc

STORAGE_CLASS = "real-node-local"
PROVISIONER = "e2e.compose-operator.dev/local-path"
POLL_S = 0.5
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


def storage_class():
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": STORAGE_CLASS, "annotations": {DEFAULT_CLASS_ANNOTATION: "true"}},
            "provisioner": PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}


def volume_for(claim, folder: Path):
    """The PersistentVolume for one pending claim: its size and modes, bound to it by UID."""
    md, spec = claim["metadata"], claim["spec"]
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": f"local-{md['uid']}",
                         "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}},
            "spec": {"capacity": {"storage": spec["resources"]["requests"]["storage"]},
                     "accessModes": spec["accessModes"],
                     "persistentVolumeReclaimPolicy": "Delete",
                     "storageClassName": STORAGE_CLASS,
                     "volumeMode": spec.get("volumeMode", "Filesystem"),
                     "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                  "namespace": md["namespace"], "name": md["name"], "uid": md["uid"]},
                     "hostPath": {"path": str(folder), "type": "Directory"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "kubernetes.io/hostname", "operator": "In", "values": [nc.NODE_NAME]}]}]}}}}


def pending(claims):
    return [c for c in claims if c["spec"].get("storageClassName") == STORAGE_CLASS
            and not c["spec"].get("volumeName") and c.get("status", {}).get("phase") != "Bound"
            and "deletionTimestamp" not in c["metadata"]]


def released(volumes):
    return [v for v in volumes if v["spec"].get("storageClassName") == STORAGE_CLASS
            and v.get("status", {}).get("phase") in ("Released", "Failed")]


def run(root: Path, api_port: int):
    """Until killed: provision pending claims, delete released volumes."""
    pki = root / "pki"
    base = nc.NodePaths(root / "node").volumes
    base.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            ctx = api.tls_context(pki, "admin")
            code, claims = api.https(ctx, api_port, "GET", "/api/v1/persistentvolumeclaims")
            for claim in pending(claims.get("items", []) if code == 200 else []):
                folder = base / claim["metadata"]["uid"]
                folder.mkdir(exist_ok=True)
                os.chmod(folder, 0o777)  # any uid: the kubelet does not chown host paths
                api.https(ctx, api_port, "POST", "/api/v1/persistentvolumes", volume_for(claim, folder))
            code, volumes = api.https(ctx, api_port, "GET", "/api/v1/persistentvolumes")
            for volume in released(volumes.get("items", []) if code == 200 else []):
                shutil.rmtree(volume["spec"]["hostPath"]["path"], ignore_errors=True)
                api.https(ctx, api_port, "DELETE", f"/api/v1/persistentvolumes/{volume['metadata']['name']}")
        except api.NO_ANSWER:
            pass  # the API server is restarting: try again
        time.sleep(POLL_S)
