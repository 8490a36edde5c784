"""The table of components: for each, its binary, the ports it listens on, how to build
its command line from the state folder, how to probe its health, how long it may take
to get healthy, and when it starts.

`up` starts the components wave by wave (a wave's components together, then waits for
all of them) in table order; `restart` and `status` walk the same order; `down` stops
them in reverse dependency order (lifecycle.stop_components). Adding a component (a
kubelet, containerd, kube-proxy, ...) is adding a row: its argv builder, its probe,
its ports, its wave, its certificate in pki.LEAVES, and hooks if it needs them."""

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from . import api, real_node
from .bootstrap import KWOK_NODE_SELECTOR, bootstrap_objects
from .errors import Fail, log
from .settings import (APISERVER_READY_S, COMPONENT_READY_S, ETCD_READY_S, NODE_LEASE_SECONDS,
                       POD_CIDR_PREFIX, SA_ISSUER, SERVICE_CIDR)

# --- command lines ----------------------------------------------------------------------


def etcd_argv(st, bin_dir, ports):
    p = st.pki
    etcd_c, etcd_p = ports["etcd_client"], ports["etcd_peer"]
    return [str(bin_dir / "etcd"), "--name=default", f"--data-dir={st.etcd_data}",
            f"--listen-client-urls=https://127.0.0.1:{etcd_c}",
            f"--advertise-client-urls=https://127.0.0.1:{etcd_c}",
            f"--listen-peer-urls=https://127.0.0.1:{etcd_p}",
            f"--initial-advertise-peer-urls=https://127.0.0.1:{etcd_p}",
            f"--initial-cluster=default=https://127.0.0.1:{etcd_p}",
            "--initial-cluster-state=new",
            f"--cert-file={p}/etcd.crt", f"--key-file={p}/etcd.key",
            f"--trusted-ca-file={p}/ca.crt", "--client-cert-auth=true",
            f"--peer-cert-file={p}/etcd.crt", f"--peer-key-file={p}/etcd.key",
            f"--peer-trusted-ca-file={p}/ca.crt", "--peer-client-cert-auth=true",
            # Test data is disposable: skipping fsync makes etcd fast on any disk.
            "--unsafe-no-fsync=true", "--log-level=warn"]


def apiserver_network_flags(st):
    """Loopback only; with a real node, every address, since pods cannot reach the host's
    127.0.0.1 (real_node.apiserver_address_flags)."""
    if real_node.enabled(st):
        return real_node.apiserver_address_flags() + real_node.apiserver_flags(st.pki)
    # A loopback address is not a valid endpoint for the `kubernetes` Service.
    return ["--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none"]


def apiserver_argv(st, bin_dir, ports):
    p = st.pki
    return [str(bin_dir / "kube-apiserver"),
            f"--etcd-servers=https://127.0.0.1:{ports['etcd_client']}", f"--etcd-cafile={p}/ca.crt",
            f"--etcd-certfile={p}/apiserver-etcd-client.crt", f"--etcd-keyfile={p}/apiserver-etcd-client.key",
            *apiserver_network_flags(st),
            f"--secure-port={ports['apiserver']}",
            f"--tls-cert-file={p}/kube-apiserver.crt", f"--tls-private-key-file={p}/kube-apiserver.key",
            f"--client-ca-file={p}/ca.crt",
            # The aggregation layer, as in kubeadm clusters; kcm and the scheduler
            # also read this CA and complain when it is missing.
            f"--requestheader-client-ca-file={p}/front-proxy-ca.crt",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            f"--proxy-client-cert-file={p}/front-proxy-client.crt",
            f"--proxy-client-key-file={p}/front-proxy-client.key",
            "--authorization-mode=Node,RBAC",
            # The defaults (PodSecurity, ServiceAccount, ...) stay on; NodeRestriction
            # is what real clusters (kubeadm) add on top.
            "--enable-admission-plugins=NodeRestriction",
            "--anonymous-auth=false",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            f"--service-account-issuer={SA_ISSUER}",
            f"--service-account-key-file={p}/sa.pub",
            f"--service-account-signing-key-file={p}/sa.key",
            # Privileged pods are allowed by the API; PodSecurity decides per namespace.
            "--allow-privileged=true",
            # On SIGTERM, close open watches after 2 s instead of waiting up to the
            # 60 s request timeout: `restart` and `down` stay quick.
            "--shutdown-send-retry-after=true",
            "--profiling=false"]


def kcm_argv(st, bin_dir, ports):
    p = st.pki
    kc = st.conf / "kube-controller-manager.kubeconfig"
    return [str(bin_dir / "kube-controller-manager"),
            f"--kubeconfig={kc}", f"--authentication-kubeconfig={kc}", f"--authorization-kubeconfig={kc}",
            "--leader-elect=false", "--bind-address=127.0.0.1", f"--secure-port={ports['kcm']}",
            f"--cert-dir={st.root / 'serving-kcm'}",
            f"--service-account-private-key-file={p}/sa.key", f"--root-ca-file={p}/ca.crt",
            # Each controller acts as its own ServiceAccount, as in kubeadm clusters.
            "--use-service-account-credentials=true",
            f"--cluster-signing-cert-file={p}/ca.crt", f"--cluster-signing-key-file={p}/ca.key",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--profiling=false"]


def scheduler_argv(st, bin_dir, ports):
    kc = st.conf / "kube-scheduler.kubeconfig"
    return [str(bin_dir / "kube-scheduler"),
            f"--kubeconfig={kc}", f"--authentication-kubeconfig={kc}", f"--authorization-kubeconfig={kc}",
            "--leader-elect=false", "--bind-address=127.0.0.1", f"--secure-port={ports['scheduler']}",
            f"--cert-dir={st.root / 'serving-scheduler'}",
            "--profiling=false"]


def kwok_argv(st, bin_dir, ports):
    return [str(bin_dir / "kwok"),
            f"--kubeconfig={st.conf / 'kwok.kubeconfig'}", f"--config={st.conf / 'kwok.yaml'}",
            # Only its own nodes: a real node beside them must keep its kubelet's truth
            # (--manage-all-nodes would fake its pods Ready).
            "--manage-all-nodes=false", f"--manage-nodes-with-label-selector={KWOK_NODE_SELECTOR}",
            f"--node-lease-duration-seconds={NODE_LEASE_SECONDS}",
            f"--cidr={POD_CIDR_PREFIX}.0.0/16",
            # Plain HTTP, loopback only: health endpoints for `status` and `up`.
            f"--server-address=127.0.0.1:{ports['kwok']}"]

# --- health probes ----------------------------------------------------------------------
# A probe takes (state folder, ports) and returns (healthy, detail); detail is "ok" or
# says what answered, for `status` and for the error when `up` gives up.


def _verdict(ok, code, body):
    return ok, "ok" if ok else f"HTTP {code}: {str(body)[:120]}"


def https_probe(port_key, path, client=None, verify=True, check=None):
    """GET https://127.0.0.1:PORT/PATH, presenting the `client` certificate."""
    def probe(st, ports):
        try:
            code, body = api.https(api.tls_context(st.pki, client, verify), ports[port_key], "GET", path, timeout=2)
        except api.NO_ANSWER as e:
            return False, f"no answer ({e.__class__.__name__})"
        return _verdict(check(code, body) if check else code == 200, code, body)
    return probe


def http_probe(port_key, path):
    """GET http://127.0.0.1:PORT/PATH (plain HTTP, loopback only)."""
    def probe(st, ports):
        try:
            code, body = api.http_get(ports[port_key], path)
        except api.NO_ANSWER as e:
            return False, f"no answer ({e.__class__.__name__})"
        return _verdict(code == 200, code, body)
    return probe


def _etcd_healthy(code, body):
    return code == 200 and isinstance(body, dict) and body.get("health") == "true"

# --- hooks --------------------------------------------------------------------------------


def apiserver_up_ready(st, record, elapsed):
    """In `up`, once the API answers: the objects kcm, the scheduler and kwok rely on."""
    log(f"API ready ({elapsed():.1f} s)")
    api.create_objects(st.pki, record.ports["apiserver"], bootstrap_objects(record.nodes))


def kwok_before_restart(st, record):
    api.release_node_leases(st.pki, record.ports["apiserver"], record.nodes)

# --- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    name: str
    binary: str                       # in the toolchain's bin/ folder
    ports: Tuple[str, ...]            # its keys in ClusterRecord.ports
    argv: Callable                    # (StateDir, bin_dir, ports) -> [str]
    probe: Callable                   # (StateDir, ports) -> (healthy, detail)
    ready_s: int                      # how long it may take to get healthy
    wave: int                         # `up` starts lower waves first
    control_plane: bool = True        # part of `restart control-plane`
    stop_last: bool = False           # stopped after all others (what they talk to)
    up_ready: Optional[Callable] = None        # `up`, after its wave is healthy
    before_restart: Optional[Callable] = None  # `restart`, just before it starts again


COMPONENTS: Tuple[Component, ...] = (
    Component("etcd", "etcd", ("etcd_client", "etcd_peer"), etcd_argv,
              https_probe("etcd_client", "/health", client="apiserver-etcd-client", check=_etcd_healthy),
              ETCD_READY_S, wave=0, control_plane=False, stop_last=True),
    Component("kube-apiserver", "kube-apiserver", ("apiserver",), apiserver_argv,
              https_probe("apiserver", "/readyz", client="admin"),
              APISERVER_READY_S, wave=1, up_ready=apiserver_up_ready),
    # Their serving certificates are their own, self-signed; /healthz needs no credentials.
    Component("kube-controller-manager", "kube-controller-manager", ("kcm",), kcm_argv,
              https_probe("kcm", "/healthz", verify=False), COMPONENT_READY_S, wave=2),
    Component("kube-scheduler", "kube-scheduler", ("scheduler",), scheduler_argv,
              https_probe("scheduler", "/healthz", verify=False), COMPONENT_READY_S, wave=2),
    Component("kwok", "kwok", ("kwok",), kwok_argv, http_probe("kwok", "/healthz"),
              COMPONENT_READY_S, wave=2, before_restart=kwok_before_restart),
)

BY_NAME: Dict[str, Component] = {c.name: c for c in COMPONENTS}
NAMES: List[str] = [c.name for c in COMPONENTS]
GROUPS: Dict[str, List[str]] = {
    "all": NAMES,
    "control-plane": [c.name for c in COMPONENTS if c.control_plane],
}


def get(name):
    try:
        return BY_NAME[name]
    except KeyError:
        raise Fail(f"unknown component {name}")


def stops_last(name):
    """Names not in the table (a record from a newer launcher) stop with the others."""
    comp = BY_NAME.get(name)
    return bool(comp and comp.stop_last)


def all_port_names():
    return [p for c in COMPONENTS for p in c.ports]


def waves():
    """[[Component]] in start order."""
    out = {}
    for c in COMPONENTS:
        out.setdefault(c.wave, []).append(c)
    return [out[w] for w in sorted(out)]


def select(requested):
    """The components a `restart` names, in dependency (table) order: the default is
    kube-apiserver; `all` or `control-plane` alone stand for their group."""
    names = list(requested) or ["kube-apiserver"]
    if len(names) == 1 and names[0] in GROUPS:
        names = list(GROUPS[names[0]])
    bad = [n for n in names if n not in BY_NAME]
    if bad:
        raise Fail(f"unknown component {bad[0]}: choose from {', '.join(NAMES)}, {', '.join(GROUPS)}")
    return [n for n in NAMES if n in names]
