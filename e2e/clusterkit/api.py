"""Talking to the cluster over HTTPS with the PKI's certificates: single calls, the
objects `up` creates, and the waits for a *usable* cluster.

No client library: http.client and ssl, so the launcher needs nothing installed."""

import http.client
import json
import ssl
import time

from .bootstrap import node_name
from .errors import Fail

# What a call to a component that is down or restarting raises.
NO_ANSWER = (OSError, ssl.SSLError, http.client.HTTPException)


def tls_context(pki_dir, client=None, verify=True):
    """Verify against the cluster CA; `client` names the certificate to present."""
    ctx = ssl.create_default_context(cafile=str(pki_dir / "ca.crt")) if verify else ssl._create_unverified_context()
    if client:
        ctx.load_cert_chain(str(pki_dir / f"{client}.crt"), str(pki_dir / f"{client}.key"))
    return ctx


def https(ctx, port, method, path, body=None, timeout=5, content_type="application/json"):
    """(status, parsed body or text); raises OSError when nothing answers. A PATCH passes
    its patch type as content_type (application/merge-patch+json, ...)."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": content_type} if data else {})
        resp = conn.getresponse()
        raw = resp.read().decode(errors="replace")
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw


def http_get(port, path, timeout=2):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


def create_objects(pki_dir, port, objs):
    ctx = tls_context(pki_dir, "admin")
    for path, obj in objs:
        code, body = https(ctx, port, "POST", path, obj)
        if code not in (200, 201, 409):  # 409: exists (a retried up)
            msg = body.get("message") if isinstance(body, dict) else str(body)[:200]
            raise Fail(f"creating {obj['kind']} {obj['metadata']['name']} failed: HTTP {code}: {msg}")


def ready_untainted(node_list):
    """How many nodes of a NodeList are Ready with no NoSchedule/NoExecute taint."""
    ready = 0
    for n in node_list.get("items", []):
        conds = {c["type"]: c["status"] for c in n.get("status", {}).get("conditions", [])}
        taints = [t for t in n.get("spec", {}).get("taints", []) or []
                  if t.get("effect") in ("NoSchedule", "NoExecute")]
        if conds.get("Ready") == "True" and not taints:
            ready += 1
    return ready


def usability(nodes, ready, held, sa_present):
    """(usable, why not): every node Ready, untainted and leased, the default SA made."""
    if ready >= nodes and held >= nodes and sa_present:
        return True, ""
    return False, (f"{ready}/{nodes} nodes Ready and untainted, {held}/{nodes} node leases held by kwok, "
                   f"default ServiceAccount {'present' if sa_present else 'missing'}")


def wait_usable(pki_dir, logs_dir, port, nodes, timeout):
    """Ready, schedulable nodes managed by kwok and the `default` ServiceAccount (pods
    are refused until kcm has made it): only then can a test create workloads without
    flaking."""
    ctx = tls_context(pki_dir, "admin")
    deadline = time.monotonic() + timeout
    why = "not checked"
    while time.monotonic() < deadline:
        try:
            code, body = https(ctx, port, "GET", "/api/v1/nodes")
            ready = ready_untainted(body) if code == 200 else 0
            code_sa, _ = https(ctx, port, "GET", "/api/v1/namespaces/default/serviceaccounts/default")
            # kwok holds a lease per node it manages; without it, it plays no pods.
            code_l, leases = https(ctx, port, "GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")
            held = len(leases.get("items", [])) if code_l == 200 else 0
            ok, why = usability(nodes, ready, held, code_sa == 200)
            if ok:
                return
        except NO_ANSWER as e:
            why = f"API not answering ({e.__class__.__name__})"
        time.sleep(0.3)
    raise Fail(f"cluster not usable after {timeout} s: {why}; see {logs_dir}/kwok.log and kube-controller-manager.log")


def release_node_leases(pki_dir, port, nodes):
    """A new kwok has a new random holder identity and would wait for the old node
    leases to expire (up to NODE_LEASE_SECONDS) before it plays any pod; deleting the
    leases lets it take the nodes over at once, like a restarted kubelet would."""
    ctx = tls_context(pki_dir, "admin")
    for i in range(nodes):
        name = node_name(i)
        path = f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}"
        try:
            code, body = https(ctx, port, "DELETE", path)
        except NO_ANSWER as e:
            raise Fail(f"cannot release node lease {name}: API not answering ({e.__class__.__name__})")
        if code not in (200, 404):
            raise Fail(f"cannot release node lease {name}: HTTP {code}")
