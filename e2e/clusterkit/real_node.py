"""A real node beside the kwok nodes: containerd + runc + CNI bridge, the kubelet, kube-proxy
(nftables), kube-router's NetworkPolicy firewall, and CoreDNS as pods behind kube-dns.

`up` brings it to Ready after the control plane is usable; `down` undoes every host change
in the order ../shared/docs/real-node.md found necessary, before the control plane stops (a
kubelet whose API server is gone cannot tear its pods down). The bridge, /kubepods, the
netfilter chains and the sysctls are machine-wide, so a claim file under a lock allows one
real node per machine at a time."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from . import api, host_network, processes, volume_provisioner
from . import node_config as nc
from .errors import Fail, log
from .lock import acquire
from .pki import Leaf, kubeconfig_text
from .ports import free_ports
from .settings import E2E_DIR, ENTRY_SCRIPT, STORAGE_CLASS
from .state import ProcRecord, write_atomic

NODE_STATE_FILE = "real-node.json"
# Written by `up --real-node` before anything starts: the API server's flags and the PKI
# depend on it, and `down` must clean the host even if `up` died before real-node.json.
NODE_MARKER = "real-node.enabled"
CLAIM_DIR = Path(os.environ.get("E2E_REAL_NODE_CLAIM_DIR", "/run/compose-operator-e2e"))
CLAIM_FILE = "real-node.claim"
CLAIM_LOCK = "real-node.lock"
NODE_PORTS = ["kubelet", "kubelet_healthz", "kube_proxy_healthz", "kube_proxy_metrics", "kube_router_health"]
# Start order; `down` stops them in reverse after the pods are gone.
NODE_COMPONENTS = ["containerd", "kubelet", "kube-proxy", "kube-router", "volume-provisioner"]
CONTAINERD_READY_S = 30
PODS_GONE_S = 60
DRAIN_GRACE_S = 1                     # test pods: no reason to wait for a graceful stop
CLEANUP_TIMEOUT_S = 60                # kube-router's and kube-proxy's own cleanup commands
SLOW_STEP_S = 2                       # a teardown step slower than this is logged
NETNS_DIR = Path("/run/netns")
IMAGE_STORE_DIR = "node-containerd"   # under the cache folder: images and their snapshots
IMPORTED_MARKER = ".imported"         # names the image set last imported into the store

# The node's identities, rows of the cluster's PKI. The kubelet's one certificate serves its
# API (for logs and exec) and is its client identity, which the Node authorizer and
# NodeRestriction admission check.
NODE_LEAVES = (
    Leaf("kubelet", f"/O=system:nodes/CN=system:node:{nc.NODE_NAME}", "serverAuth, clientAuth",
         (f"IP:{nc.NODE_IP}", f"DNS:{nc.NODE_NAME}")),
    # The API server's identity towards kubelets; kubelets authorise it through a
    # SubjectAccessReview, which system:masters passes.
    Leaf("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client", "clientAuth"),
    # Bound to system:node-proxier by the bootstrap RBAC policy.
    Leaf("kube-proxy", "/CN=system:kube-proxy", "clientAuth"),
    # A test tool that reads every pod, namespace and policy: admin rights keep it simple.
    Leaf("kube-router", "/O=system:masters/CN=kube-router", "clientAuth"),
)
# Pods reach the API server (CoreDNS, the operator in-cluster) at the node's address.
APISERVER_EXTRA_SANS = (f"IP:{nc.NODE_IP}",)


def apiserver_leaf(base: Leaf) -> Leaf:
    return Leaf(base.name, base.subject, base.usage, tuple(base.sans) + APISERVER_EXTRA_SANS, base.signer)


def pki_leaves(leaves):
    """The cluster's certificates with the node's added and the API server's extended."""
    return tuple(apiserver_leaf(leaf) if leaf.name == "kube-apiserver" else leaf for leaf in leaves) + NODE_LEAVES


def find_inputs(environ=os.environ):
    """(node bin dir, images dir): from E2E_NODE_BIN_DIR and E2E_NODE_IMAGES_DIR, else built
    (or found in the cache) by e2e/build-node-toolchain and e2e/node/build-images."""
    def last_line(argv):
        res = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
        if res.returncode != 0 or not res.stdout.strip():
            raise Fail(f"{argv[0]} failed (exit {res.returncode}); see its messages above")
        return res.stdout.strip().splitlines()[-1]
    node_bin = environ.get("E2E_NODE_BIN_DIR") or last_line([str(E2E_DIR / "build-node-toolchain")])
    images = environ.get("E2E_NODE_IMAGES_DIR") or last_line([str(E2E_DIR / "node" / "build-images"), node_bin])
    return Path(node_bin), Path(images)


def enabled(st) -> bool:
    return (st.root / NODE_MARKER).exists()


def enable(st):
    (st.root / NODE_MARKER).write_text("")


def apiserver_flags(pki: Path) -> list:
    """What the API server needs for a real node: to be reachable from pods at the node's
    address (as the `kubernetes` Service's endpoint), and to call kubelets as a client that
    they authenticate and authorise."""
    return [f"--kubelet-client-certificate={pki}/apiserver-kubelet-client.crt",
            f"--kubelet-client-key={pki}/apiserver-kubelet-client.key",
            f"--kubelet-certificate-authority={pki}/ca.crt",
            # Logs and exec fail otherwise: the node's name resolves nowhere.
            "--kubelet-preferred-address-types=InternalIP,Hostname"]


def apiserver_address_flags() -> list:
    """Replaces the loopback-only binding: pods cannot reach 127.0.0.1 of the host."""
    return ["--bind-address=0.0.0.0", f"--advertise-address={nc.NODE_IP}",
            "--endpoint-reconciler-type=lease"]


@dataclass
class NodeRecord:
    """real-node.json: what `down`, `status` and `restart` need after `up` has exited."""
    ports: Dict[str, int]
    procs: Dict[str, Optional[ProcRecord]] = field(default_factory=dict)
    argv: Dict[str, List[str]] = field(default_factory=dict)
    netns_before: List[str] = field(default_factory=list)
    nft_tables_before: List[str] = field(default_factory=list)
    node_bin: str = ""                # for the cleanup commands of kube-router and kube-proxy

    def dumps(self):
        return json.dumps({"ports": self.ports, "argv": self.argv, "node_bin": self.node_bin,
                           "procs": {k: v.to_json() if v else None for k, v in self.procs.items()},
                           "netns_before": self.netns_before,
                           "nft_tables_before": self.nft_tables_before}, indent=2, sort_keys=True)

    @classmethod
    def loads(cls, text):
        obj = json.loads(text)
        return cls(ports=obj["ports"], argv=obj.get("argv", {}),
                   procs={k: ProcRecord.from_json(v) for k, v in obj.get("procs", {}).items()},
                   netns_before=obj.get("netns_before", []),
                   nft_tables_before=obj.get("nft_tables_before", []),
                   node_bin=obj.get("node_bin", ""))


class RealNode:
    def __init__(self, st, api_port, node_bin=None, images_dir=None):
        self.st = st
        self.api_port = api_port
        self.node_bin = Path(node_bin) if node_bin else None
        self.images_dir = Path(images_dir) if images_dir else None
        self.paths = nc.NodePaths(st.root / "node", image_store())
        self.state_file = st.root / NODE_STATE_FILE
        self.sysctl_record = st.root / "node-sysctls.json"

    # --- the record ------------------------------------------------------------------------
    def exists(self):
        return self.state_file.exists()

    def load(self) -> NodeRecord:
        return NodeRecord.loads(self.state_file.read_text())

    def save(self, rec: NodeRecord):
        write_atomic(self.state_file, rec.dumps())

    # --- the machine-wide claim ------------------------------------------------------------
    def claim(self):
        CLAIM_DIR.mkdir(parents=True, exist_ok=True)
        fd = acquire(CLAIM_DIR / CLAIM_LOCK, "real-node claim", "the machine's real-node claim")
        try:
            holder = claim_holder()
            if self.claimed_by_other():
                raise Fail(f"a real node already runs on this machine, for the cluster in {holder}; "
                           f"one per machine: run `e2e/cluster down {holder}` first")
            if holder is not None and holder != self.st.root:
                log(f"real node: the claim of {holder} is stale (its folder is gone); cleaning up after it")
                host_network.teardown()
            write_atomic(CLAIM_DIR / CLAIM_FILE, str(self.st.root) + "\n")
        finally:
            os.close(fd)

    def claimed_by_other(self) -> bool:
        """Another live cluster's node owns the machine-wide state: touch none of it."""
        holder = claim_holder()
        return holder is not None and holder != self.st.root and (holder / NODE_STATE_FILE).exists()

    def release_claim(self):
        if claim_holder() == self.st.root:
            (CLAIM_DIR / CLAIM_FILE).unlink(missing_ok=True)

    # --- up --------------------------------------------------------------------------------
    def up(self):
        t0 = time.monotonic()
        if os.geteuid() != 0:
            raise Fail("the real node needs root: it makes network interfaces, cgroups and mounts")
        if self.node_bin is None or self.images_dir is None:
            raise Fail("the real node needs its binaries and images (E2E_NODE_BIN_DIR, E2E_NODE_IMAGES_DIR)")
        self.claim()
        rec = NodeRecord(ports=free_ports(NODE_PORTS),
                         netns_before=sorted(p.name for p in NETNS_DIR.glob("*")) if NETNS_DIR.exists() else [],
                         nft_tables_before=host_network.nft_tables(), node_bin=str(self.node_bin))
        self.save(rec)
        host_network.record_and_set_sysctls(self.sysctl_record)
        host_network.setup()
        for d in (self.paths.containerd_root, self.paths.containerd_state, self.paths.cni_conf_dir,
                  self.paths.cni_ipam_dir, self.paths.kubelet_root):
            d.mkdir(parents=True, exist_ok=True)
        self.paths.containerd_config.write_text(nc.containerd_config(self.paths))
        (self.paths.cni_conf_dir / "10-cop.conflist").write_text(nc.cni_conflist(self.paths))

        self.start(rec, "containerd", ["containerd", f"--config={self.paths.containerd_config}"])
        self.wait_containerd()
        self.remove_containers()  # a crashed node's, kept in the shared store's metadata
        self.import_images()
        log(f"real node: containerd ready with the test images ({time.monotonic() - t0:.1f} s)")

        pki, conf = self.st.pki, self.st.conf
        for user in ("kubelet", "kube-proxy", "kube-router"):
            write_atomic(conf / f"{user}.kubeconfig", kubeconfig_text(pki, self.api_port, user), 0o600)
        self.paths.kubelet_config.write_text(
            nc.kubelet_config(self.paths, pki, rec.ports["kubelet"], rec.ports["kubelet_healthz"]))
        self.start(rec, "kubelet", nc.kubelet_argv(self.node_bin, self.paths, conf / "kubelet.kubeconfig"))
        self.wait_node_registered()
        # kube-router reads the node's pod range; nothing allocates it here.
        self.patch(f"/api/v1/nodes/{nc.NODE_NAME}", {"spec": {"podCIDR": nc.POD_CIDR, "podCIDRs": [nc.POD_CIDR]}})
        self.start(rec, "kube-proxy", nc.kube_proxy_argv(self.node_bin, conf / "kube-proxy.kubeconfig",
                                                         rec.ports["kube_proxy_healthz"],
                                                         rec.ports["kube_proxy_metrics"]))
        self.start(rec, "kube-router", nc.kube_router_argv(self.node_bin, conf / "kube-router.kubeconfig",
                                                           rec.ports["kube_router_health"]))
        self.wait_node_ready()
        log(f"real node: {nc.NODE_NAME} Ready ({time.monotonic() - t0:.1f} s)")
        api.create_objects(self.st.pki, self.api_port,
                           [(object_path(o), o) for o in nc.coredns_objects(self.coredns_image())])
        # Claims go to the node's own provisioner: kwok's volumes would ignore fsGroup.
        self.patch(f"/apis/storage.k8s.io/v1/storageclasses/{STORAGE_CLASS}",
                   {"metadata": {"annotations": {volume_provisioner.DEFAULT_CLASS_ANNOTATION: "false"}}})
        api.create_objects(self.st.pki, self.api_port,
                           [("/apis/storage.k8s.io/v1/storageclasses", volume_provisioner.storage_class())])
        self.start(rec, "volume-provisioner", [sys.executable, str(ENTRY_SCRIPT), "_provisioner", str(self.st.root)])
        self.wait_dns()
        log(f"real node: up in {time.monotonic() - t0:.1f} s (CoreDNS ready, NetworkPolicies enforced)")

    def start(self, rec, name, argv):
        rec.procs[name] = processes.spawn(name, argv, self.st.log_of(name), self.st.root)
        rec.argv[name] = argv
        self.save(rec)

    def ctr(self, *args, check=True):
        res = subprocess.run(["ctr", "--address", str(self.paths.containerd_socket), "--namespace", "k8s.io", *args],
                             capture_output=True, text=True)
        if check and res.returncode != 0:
            raise Fail(f"ctr {' '.join(args)}: {res.stderr.strip()}")
        return res.stdout

    def wait_containerd(self):
        deadline = time.monotonic() + CONTAINERD_READY_S
        while time.monotonic() < deadline:
            if self.paths.containerd_socket.exists() and subprocess.run(
                    ["ctr", "--address", str(self.paths.containerd_socket), "version"],
                    capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise Fail(f"containerd did not answer within {CONTAINERD_READY_S} s; see {self.st.log_of('containerd')}")

    def import_images(self):
        """Imports the archives once per image set: the store is a cache that outlives the
        node. A different set first removes the images of the last one."""
        tars = sorted(self.images_dir.glob("*.tar"))
        if not tars:
            raise Fail(f"no image archives in {self.images_dir}: run e2e/node/build-images")
        marker = self.paths.containerd_root / IMPORTED_MARKER
        wanted = str(self.images_dir.resolve())
        if marker.exists() and marker.read_text().strip() == wanted:
            return
        marker.unlink(missing_ok=True)
        old = self.ctr("images", "ls", "-q").split()
        if old:
            self.ctr("images", "rm", *old)
        for tar in tars:
            self.ctr("images", "import", "--snapshotter", "overlayfs", str(tar))
        marker.write_text(wanted + "\n")

    def coredns_image(self):
        for line in self.ctr("images", "ls", "-q").splitlines():
            if line.startswith("localhost/coredns:"):
                return line.strip()
        raise Fail("the CoreDNS image was not imported")

    def get(self, path):
        return api.https(api.tls_context(self.st.pki, "admin"), self.api_port, "GET", path)

    def patch(self, path, body):
        code, text = api.https(api.tls_context(self.st.pki, "admin"), self.api_port, "PATCH", path, body,
                               timeout=10, content_type="application/merge-patch+json")
        if code != 200:
            raise Fail(f"PATCH {path}: HTTP {code}: {str(text)[:300]}")

    def wait_for(self, what, timeout, check, log_name):
        procs = self.load().procs  # nothing starts while we wait
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, rec in procs.items():
                if rec is not None and not processes.alive(rec):
                    raise Fail(f"{name} exited while waiting for {what}; see {self.st.log_of(name)}")
            try:
                if check():
                    return
            except api.NO_ANSWER:
                pass
            time.sleep(0.3)
        raise Fail(f"timed out after {timeout} s waiting for {what}; see {self.st.log_of(log_name)}")

    def wait_node_registered(self):
        self.wait_for(f"node {nc.NODE_NAME} to register", nc.KUBELET_NODE_READY_S,
                      lambda: self.get(f"/api/v1/nodes/{nc.NODE_NAME}")[0] == 200, "kubelet")

    def wait_node_ready(self):
        def ready():
            code, node = self.get(f"/api/v1/nodes/{nc.NODE_NAME}")
            return code == 200 and any(c["type"] == "Ready" and c["status"] == "True"
                                       for c in node.get("status", {}).get("conditions", []))
        self.wait_for(f"node {nc.NODE_NAME} to be Ready", nc.KUBELET_NODE_READY_S, ready, "kubelet")

    def wait_dns(self):
        def available():
            code, dep = self.get(f"/apis/apps/v1/namespaces/{nc.DNS_NAMESPACE}/deployments/coredns")
            return code == 200 and dep.get("status", {}).get("availableReplicas", 0) >= 1
        self.wait_for("CoreDNS to be available", nc.DNS_READY_S, available, "kubelet")

    # --- down ------------------------------------------------------------------------------
    def down(self, api_alive=True):
        """Every step runs even if an earlier one failed; the first error is reported."""
        rec = self.load() if self.exists() else NodeRecord(ports={})
        if self.node_bin is None and rec.node_bin:
            self.node_bin = Path(rec.node_bin)
        errors = []
        if self.claimed_by_other():
            # This cluster never got the machine (its `up` failed at the claim): the bridge,
            # chains and cgroups belong to the node that did.
            return

        def step(what, fn):
            t0 = time.monotonic()
            try:
                fn()
            except Exception as e:  # noqa: BLE001: teardown must go on
                errors.append(f"{what}: {e}")
            if time.monotonic() - t0 > SLOW_STEP_S:
                log(f"real node: {what} took {time.monotonic() - t0:.1f} s")

        if api_alive and rec.procs.get("kubelet") and processes.alive(rec.procs["kubelet"]):
            step("draining the node", self.drain)
        step("stopping the volume provisioner", lambda: self.stop(rec, "volume-provisioner"))
        step("stopping kube-router", lambda: self.stop(rec, "kube-router"))
        if self.node_bin:
            step("kube-router cleanup", lambda: subprocess.run(
                [str(self.node_bin / "kube-router"), "--cleanup-config"], capture_output=True, timeout=CLEANUP_TIMEOUT_S))
        step("stopping kube-proxy", lambda: self.stop(rec, "kube-proxy"))
        if self.node_bin:
            step("kube-proxy cleanup", lambda: subprocess.run(
                [str(self.node_bin / "kube-proxy"), "--cleanup", "--proxy-mode=nftables"],
                capture_output=True, timeout=CLEANUP_TIMEOUT_S))
        step("stopping the kubelet", lambda: self.stop(rec, "kubelet"))
        step("removing containers", self.remove_containers)
        step("stopping containerd", lambda: self.stop(rec, "containerd"))
        step("stopping shims", self.kill_shims)
        step("unmounting", lambda: self.unmount(rec))
        step("removing cgroups", remove_kubepods_cgroups)
        step("removing host network changes", lambda: host_network.teardown(rec.nft_tables_before))
        step("restoring sysctls", lambda: host_network.restore_sysctls(self.sysctl_record))
        self.release_claim()
        left = host_network.leftovers()
        if left:
            errors.append("left on the machine: " + ", ".join(left))
        if errors:
            raise Fail("real node teardown: " + "; ".join(errors))

    def drain(self):
        """Cordon, then delete the node's pods so that the kubelet itself tears down the
        sandboxes and their CNI state while it still can."""
        self.patch(f"/api/v1/nodes/{nc.NODE_NAME}", {"spec": {"unschedulable": True}})
        ctx = api.tls_context(self.st.pki, "admin")
        code, pods = api.https(ctx, self.api_port, "GET", f"/api/v1/pods?fieldSelector=spec.nodeName%3D{nc.NODE_NAME}")
        if code != 200:
            return
        for pod in pods.get("items", []):
            md = pod["metadata"]
            api.https(ctx, self.api_port, "DELETE", f"/api/v1/namespaces/{md['namespace']}/pods/{md['name']}",
                      {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": DRAIN_GRACE_S})
        deadline = time.monotonic() + PODS_GONE_S
        while time.monotonic() < deadline:
            code, pods = api.https(ctx, self.api_port, "GET",
                                   f"/api/v1/pods?fieldSelector=spec.nodeName%3D{nc.NODE_NAME}")
            if code == 200 and not pods.get("items"):
                return
            time.sleep(0.5)
        raise Fail(f"the node's pods were not gone within {PODS_GONE_S} s")

    def stop(self, rec, name):
        proc = rec.procs.get(name)
        if proc is not None:
            processes.stop_processes([proc])

    def remove_containers(self):
        if not self.paths.containerd_socket.exists():
            return
        for task in self.ctr("tasks", "ls", "-q", check=False).split():
            self.ctr("tasks", "kill", "--signal", "SIGKILL", task, check=False)
            self.ctr("tasks", "delete", "--force", task, check=False)
        for container in self.ctr("containers", "ls", "-q", check=False).split():
            self.ctr("containers", "delete", container, check=False)

    def kill_shims(self):
        """Shims outlive containerd by design; ours name our socket on their command line."""
        sock = str(self.paths.containerd_socket).encode()
        for pid_dir in Path("/proc").iterdir():
            if pid_dir.name.isdigit():
                cmd = processes.proc_cmdline(int(pid_dir.name)) or b""
                if b"containerd-shim" in cmd and sock in cmd:
                    try:
                        os.kill(int(pid_dir.name), 9)
                    except ProcessLookupError:
                        pass

    def unmount(self, rec):
        roots = (str(self.paths.root), str(self.paths.containerd_root))
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for target in sorted((m for m in mounts if m.startswith(roots)), key=len, reverse=True):
            subprocess.run(["umount", "-l", target], capture_output=True)
        if NETNS_DIR.exists():
            for ns in NETNS_DIR.iterdir():
                if ns.name not in rec.netns_before and ns.name.startswith("cni-"):
                    subprocess.run(["umount", "-l", str(ns)], capture_output=True)
                    try:
                        ns.unlink()
                    except OSError:
                        pass

    # --- status and restart ----------------------------------------------------------------
    def health(self, name, rec):
        """(alive, health text) of one node component."""
        proc = rec.procs.get(name)
        if proc is None or not processes.alive(proc):
            return False, "down"
        try:
            if name == "volume-provisioner":
                return True, "ok"  # no endpoint: alive is all it can say
            if name == "containerd":
                ok = subprocess.run(["ctr", "--address", str(self.paths.containerd_socket), "version"],
                                    capture_output=True, timeout=5).returncode == 0
                return True, "ok" if ok else "no answer"
            port = {"kubelet": "kubelet_healthz", "kube-proxy": "kube_proxy_healthz",
                    "kube-router": "kube_router_health"}[name]
            code, body = api.http_get(rec.ports[port], "/healthz")
            return True, "ok" if code == 200 else f"HTTP {code}"
        except (*api.NO_ANSWER, subprocess.TimeoutExpired):
            return True, "no answer"

    def restart(self, names, hard=False):
        rec = self.load()
        for name in names:
            proc = rec.procs.get(name)
            if proc is not None:
                processes.stop_processes([proc], sig=signal.SIGKILL if hard else signal.SIGTERM)
            self.start(rec, name, rec.argv[name])
        if "containerd" in names:
            self.wait_containerd()
        self.wait_node_ready()


def claim_holder() -> Optional[Path]:
    """The state folder named in the machine's claim, if any."""
    try:
        return Path((CLAIM_DIR / CLAIM_FILE).read_text().strip())
    except OSError:
        return None


def image_store():
    """containerd's root in the cache folder the toolchains use (E2E_NODE_IMAGE_STORE overrides
    it); one real node per machine, so one containerd uses it at a time."""
    explicit = os.environ.get("E2E_NODE_IMAGE_STORE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("COMPOSE_OPERATOR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "compose-operator")
    return Path(base) / IMAGE_STORE_DIR


def object_path(obj):
    kind = obj["kind"]
    ns = obj["metadata"].get("namespace")
    plural = {"ServiceAccount": "serviceaccounts", "ConfigMap": "configmaps", "Service": "services",
              "Deployment": "deployments", "ClusterRole": "clusterroles",
              "ClusterRoleBinding": "clusterrolebindings"}[kind]
    group = obj["apiVersion"]
    base = "/api/v1" if group == "v1" else f"/apis/{group}"
    return f"{base}/namespaces/{ns}/{plural}" if ns else f"{base}/{plural}"


def remove_kubepods_cgroups():
    root = Path("/sys/fs/cgroup")
    for hierarchy in root.iterdir() if root.exists() else []:
        for top in (hierarchy / "kubepods", hierarchy / "kubepods.slice"):
            if top.is_dir():
                for d in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts),
                                reverse=True):
                    try:
                        d.rmdir()
                    except OSError:
                        pass
                try:
                    top.rmdir()
                except OSError:
                    pass
