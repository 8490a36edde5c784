"""The real node's configuration, as pure functions of its paths and ports: containerd's
config, the CNI network, the kubelet's KubeletConfiguration, the argv of kube-proxy and
kube-router, and the CoreDNS objects. Every setting that the trial in
../shared/docs/real-node.md found necessary carries the reason next to it."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

NODE_NAME = "real-node-0"
NODE_LABEL = ("type", "real")
# Addresses on interfaces of their own (host_network), never the machine's own: the kubelet refuses loopback, and
# the benchmarking range (RFC 2544) routes nowhere outside this machine.
NODE_IP = "198.18.0.10"
NODE_IFACE = "cop-node0"
# A listener on this address stands in for the internet in egress tests (TEST-NET-2).
OUTSIDE_IP = "198.51.100.1"
OUTSIDE_IFACE = "cop-outside0"
# Outside kwok's 10.244.0.0/16, so fake and real pod addresses never collide.
POD_CIDR = "10.88.0.0/24"
POD_GATEWAY = "10.88.0.1"
BRIDGE = "cop-br0"
CNI_NETWORK = "cop-real-node"
CNI_BIN_DIR = "/usr/lib/cni"           # Debian's containernetworking-plugins
DNS_SERVICE_IP = "10.96.0.10"         # in the control plane's SERVICE_CIDR
DNS_NAMESPACE = "kube-system"
DNS_POD_LABEL = ("k8s-app", "kube-dns")  # what stacks' DNS egress policies select
DNS_PORT = 1053                       # unprivileged: CoreDNS runs without capabilities
CLUSTER_DOMAIN = "cluster.local"
PAUSE_IMAGE = "localhost/pause:cop"
KUBELET_NODE_READY_S = 60
DNS_READY_S = 90


@dataclass(frozen=True)
class NodePaths:
    """Everything the node writes lives under one folder of the cluster's state, except
    containerd's root (images and snapshots), which `image_store` may put in a cache: the
    images then survive from one node to the next, which saves importing them again and
    deleting half a gigabyte of unpacked files at every `down`."""
    root: Path
    image_store: Optional[Path] = None

    @property
    def containerd_root(self): return self.image_store or self.root / "containerd" / "root"
    @property
    def containerd_state(self): return self.root / "containerd" / "state"
    @property
    def containerd_socket(self): return self.root / "containerd" / "containerd.sock"
    @property
    def containerd_config(self): return self.root / "containerd" / "config.toml"
    @property
    def cni_conf_dir(self): return self.root / "cni" / "net.d"
    @property
    def cni_ipam_dir(self): return self.root / "cni" / "ipam"
    @property
    def kubelet_root(self): return self.root / "kubelet"
    @property
    def kubelet_config(self): return self.root / "kubelet-config.yaml"
    @property
    def volumes(self): return self.root / "volumes"


def containerd_config(paths: NodePaths, pause_image: str = PAUSE_IMAGE) -> str:
    """Config version 2 for containerd 1.6, with its own root, state and socket so that it
    never meets a system containerd."""
    sock = paths.containerd_socket
    return f"""version = 2
root = "{paths.containerd_root}"
state = "{paths.containerd_state}"
# Snapshotters that cannot work here only fill the log with errors.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "{sock}"

[ttrpc]
  address = "{sock}.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "{paths.containerd_root}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{pause_image}"
  # Root here lacks CAP_SYS_RESOURCE: without this every sandbox fails with "can't get final
  # child's PID from pipe" (runc cannot lower /proc/self/oom_score_adj).
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    # runc, not crun: crun refuses this kernel's hybrid cgroup hierarchy.
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "runc"
        SystemdCgroup = false

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{CNI_BIN_DIR}"
    conf_dir = "{paths.cni_conf_dir}"
"""


def cni_conflist(paths: NodePaths) -> str:
    """A bridge with the node as gateway and no masquerading: pods reach each other, the
    node's addresses (the API server, the stand-in for the internet) and Service IPs through
    kube-proxy, and nothing beyond this machine."""
    return json.dumps({
        "cniVersion": "1.0.0",
        "name": CNI_NETWORK,
        "plugins": [
            {"type": "bridge", "bridge": BRIDGE, "isGateway": True, "isDefaultGateway": True,
             "ipMasq": False, "hairpinMode": True,
             "ipam": {"type": "host-local", "ranges": [[{"subnet": POD_CIDR, "gateway": POD_GATEWAY}]],
                      "dataDir": str(paths.cni_ipam_dir)}},
            {"type": "portmap", "capabilities": {"portMappings": True}},
        ],
    }, indent=2) + "\n"


def kubelet_config(paths: NodePaths, pki: Path, port: int, healthz_port: int) -> str:
    """KubeletConfiguration (JSON is YAML). Authentication and authorization go through the
    API server's webhooks, as in real clusters: no anonymous access, no AlwaysAllow."""
    return json.dumps({
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "address": NODE_IP,
        "port": port,
        "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": healthz_port,
        "tlsCertFile": str(pki / "kubelet.crt"),
        "tlsPrivateKeyFile": str(pki / "kubelet.key"),
        "authentication": {"anonymous": {"enabled": False},
                           "webhook": {"enabled": True},
                           "x509": {"clientCAFile": str(pki / "ca.crt")}},
        "authorization": {"mode": "Webhook"},
        # No systemd here, and 1.35+ refuses cgroup v1 unless told.
        "cgroupDriver": "cgroupfs",
        "failCgroupV1": False,
        "failSwapOn": False,
        "containerRuntimeEndpoint": f"unix://{paths.containerd_socket}",
        "clusterDNS": [DNS_SERVICE_IP],
        "clusterDomain": CLUSTER_DOMAIN,
        # A shared test machine: evict only when really out of room, never collect our
        # locally imported images (they cannot be pulled back).
        "evictionHard": {"memory.available": "50Mi", "nodefs.available": "1%",
                         "imagefs.available": "1%", "nodefs.inodesFree": "1%"},
        "imageGCHighThresholdPercent": 100,
        "imageGCLowThresholdPercent": 99,
        "serializeImagePulls": False,
        "rotateCertificates": False,
        "resolvConf": "/etc/resolv.conf",
        "shutdownGracePeriod": "0s",
        "podPidsLimit": 1024,
    }, indent=2) + "\n"


def kubelet_argv(bin_dir: Path, paths: NodePaths, kubeconfig: Path) -> list:
    return [str(bin_dir / "kubelet"), f"--config={paths.kubelet_config}",
            f"--kubeconfig={kubeconfig}", f"--root-dir={paths.kubelet_root}",
            f"--hostname-override={NODE_NAME}", f"--node-ip={NODE_IP}",
            f"--node-labels={NODE_LABEL[0]}={NODE_LABEL[1]}", "--v=1"]


def kube_proxy_argv(bin_dir: Path, kubeconfig: Path, healthz_port: int, metrics_port: int) -> list:
    return [str(bin_dir / "kube-proxy"), f"--kubeconfig={kubeconfig}",
            "--proxy-mode=nftables", f"--cluster-cidr={POD_CIDR}",
            f"--hostname-override={NODE_NAME}",
            f"--healthz-bind-address=127.0.0.1:{healthz_port}",
            f"--metrics-bind-address=127.0.0.1:{metrics_port}",
            # 0 leaves the machine's conntrack sysctls alone (they are not ours to change).
            "--conntrack-max-per-core=0",
            "--conntrack-tcp-timeout-established=0", "--conntrack-tcp-timeout-close-wait=0",
            "--v=1"]


def kube_router_argv(bin_dir: Path, kubeconfig: Path, health_port: int) -> list:
    """The NetworkPolicy firewall only: routing, the service proxy and CNI are others' jobs."""
    return [str(bin_dir / "kube-router"), f"--kubeconfig={kubeconfig}",
            "--run-firewall=true", "--run-router=false", "--run-service-proxy=false",
            "--enable-cni=false", "--enable-ipv4=true", "--enable-ipv6=false",
            f"--hostname-override={NODE_NAME}", f"--health-port={health_port}",
            "--metrics-port=0", "--v=1"]


def coredns_corefile() -> str:
    """Cluster names only: there is no upstream to forward to."""
    return f""".:{DNS_PORT} {{
    errors
    health :8080
    ready :8181
    kubernetes {CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }}
    cache 30
}}
"""


def coredns_objects(image: str) -> list:
    """CoreDNS as clusters run it: pods in kube-system labelled k8s-app=kube-dns behind the
    kube-dns Service, so stacks' DNS egress policies meet what they meet in production.
    It runs hardened like everything else (restricted Pod Security)."""
    ns = DNS_NAMESPACE
    labels = {DNS_POD_LABEL[0]: DNS_POD_LABEL[1]}
    probe = lambda port, path: {"httpGet": {"path": path, "port": port},  # noqa: E731
                                "periodSeconds": 2, "failureThreshold": 3}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coredns", "namespace": ns}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "system:coredns"},
         "rules": [{"apiGroups": [""], "resources": ["services", "pods", "namespaces"],
                    "verbs": ["list", "watch"]},
                   {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
                    "verbs": ["list", "watch"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "system:coredns"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:coredns"},
         "subjects": [{"kind": "ServiceAccount", "name": "coredns", "namespace": ns}]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": ns},
         "data": {"Corefile": coredns_corefile()}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": ns, "labels": labels},
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "serviceAccountName": "coredns",
                      "nodeSelector": {NODE_LABEL[0]: NODE_LABEL[1]},
                      "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532,
                                          "seccompProfile": {"type": "RuntimeDefault"}},
                      "containers": [{
                          "name": "coredns", "image": image, "imagePullPolicy": "Never",
                          "args": ["-conf", "/etc/coredns/Corefile"],
                          "ports": [{"name": "dns", "containerPort": DNS_PORT, "protocol": "UDP"},
                                    {"name": "dns-tcp", "containerPort": DNS_PORT, "protocol": "TCP"}],
                          "readinessProbe": probe(8181, "/ready"),
                          "livenessProbe": probe(8080, "/health"),
                          "resources": {"requests": {"cpu": "50m", "memory": "32Mi"},
                                        "limits": {"cpu": "500m", "memory": "128Mi"}},
                          "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                              "capabilities": {"drop": ["ALL"]}},
                          "volumeMounts": [{"name": "config", "mountPath": "/etc/coredns", "readOnly": True}]}],
                      "volumes": [{"name": "config", "configMap": {"name": "coredns"}}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": ns, "labels": labels},
         "spec": {"selector": labels, "clusterIP": DNS_SERVICE_IP,
                  "ports": [{"name": "dns", "port": 53, "targetPort": DNS_PORT, "protocol": "UDP"},
                            {"name": "dns-tcp", "port": 53, "targetPort": DNS_PORT, "protocol": "TCP"}]}},
    ]
