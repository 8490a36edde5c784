"""The objects `up` creates once the API is ready, before kcm, the scheduler and kwok
start: RBAC for kwok, the default StorageClass, and the fake nodes.

Pure data: (collection path, object) pairs, POSTed in order by api.create_objects()."""

from .settings import NODE_ALLOCATABLE, NODE_IP_PREFIX, POD_CIDR_PREFIX, STORAGE_CLASS

KWOK_ROLE = "compose-operator-e2e:kwok"
KWOK_USER = "kwok-controller"         # the CN of pki.py's kwok certificate

# kwok is *not* a master: what it needs to play kubelet for fake nodes, no more.
KWOK_RULES = [
    {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch", "update"]},
    {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": [""], "resources": ["nodes/status", "pods/status"], "verbs": ["patch", "update"]},
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["delete", "get", "list", "patch", "update", "watch"]},
    {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
     "verbs": ["create", "get", "list", "patch", "update", "watch"]},
    # kwok's volume stages: it acts as the provisioner of the kwok-volume class.
    {"apiGroups": [""], "resources": ["persistentvolumes"],
     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
    {"apiGroups": [""], "resources": ["persistentvolumes/status", "persistentvolumeclaims/status"],
     "verbs": ["patch", "update"]},
    {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["get", "list", "patch", "update", "watch"]},
]


# The label every fake node carries, and the only nodes kwok manages.
KWOK_NODE_SELECTOR = "type=kwok"


def node_name(i):
    return f"kwok-node-{i}"


def fake_node(i):
    """Node i: untainted, kwok-managed (annotation), pod CIDR 10.244.i.0/24."""
    name = node_name(i)
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name,
                     "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
                     "labels": {"type": "kwok", "kubernetes.io/hostname": name,
                                "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                                "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64",
                                "node-role.kubernetes.io/agent": ""}},
        "spec": {"podCIDR": f"{POD_CIDR_PREFIX}.{i}.0/24", "podCIDRs": [f"{POD_CIDR_PREFIX}.{i}.0/24"]},
        "status": {"addresses": [{"type": "InternalIP", "address": f"{NODE_IP_PREFIX}.{i + 1}"},
                                 {"type": "Hostname", "address": name}],
                   "allocatable": NODE_ALLOCATABLE, "capacity": NODE_ALLOCATABLE,
                   "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux"}},
    }


def bootstrap_objects(nodes):
    """RBAC for kwok, the default StorageClass, and `nodes` fake nodes."""
    objs = [
        ("/apis/rbac.authorization.k8s.io/v1/clusterroles",
         {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
          "metadata": {"name": KWOK_ROLE}, "rules": KWOK_RULES}),
        ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
         {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
          "metadata": {"name": KWOK_ROLE},
          "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": KWOK_ROLE},
          "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": KWOK_USER}]}),
        ("/apis/storage.k8s.io/v1/storageclasses",
         {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
          "metadata": {"name": STORAGE_CLASS,
                       "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "kwok.x-k8s.io/volume", "reclaimPolicy": "Delete",
          "volumeBindingMode": "Immediate", "allowVolumeExpansion": True}),
    ]
    objs.extend(("/api/v1/nodes", fake_node(i)) for i in range(nodes))
    return objs
