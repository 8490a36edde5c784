"""Shared helpers for the operator's end-to-end tests (imported, not run).

A throw-away cluster from e2e/cluster with the ComposeStack CRD installed, the operator run as
a real process (`compose-operator run`) against it, kubectl, and polling helpers. Every wait
has a deadline and names what it waited for when it fails.

Environment: COMPOSE_OPERATOR (the binary; default build/compose-operator), E2E_BIN_DIR
(kubectl and the control plane; default: e2e/build-toolchain), E2E_KEEP_CLUSTER (set: a failed
test leaves its cluster up to look at).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.dirname(HERE)
REPO = os.path.dirname(E2E)
CRD = os.path.join(REPO, "crds", "compose.operator.dev_composestacks.yaml")
OPERATOR = os.path.abspath(
    os.environ.get("COMPOSE_OPERATOR", os.path.join(REPO, "build", "compose-operator")))
API_VERSION = "compose.operator.dev/v1alpha1"
POLL_S = 0.25

PSS_RESTRICTED = {f"pod-security.kubernetes.io/{mode}": "restricted"
                  for mode in ("enforce", "warn", "audit")}
PSS_RESTRICTED.update({f"pod-security.kubernetes.io/{mode}-version": "latest"
                       for mode in ("enforce", "warn", "audit")})

_TEST = os.path.basename(sys.argv[0])


def log(message):
    print(f"{_TEST}: {message}", file=sys.stderr, flush=True)


class Failure(Exception):
    pass


def fail(message):
    raise Failure(message)


def toolchain_bin():
    path = os.environ.get("E2E_BIN_DIR")
    if path:
        return path
    out = subprocess.run([os.path.join(E2E, "build-toolchain")], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kubectl(*args, input_text=None, check=True, timeout=120):
    run = subprocess.run(["kubectl", *args], input=input_text, capture_output=True, text=True,
                         timeout=timeout)
    if check and run.returncode != 0:
        fail(f"kubectl {' '.join(args)}: {run.stderr.strip()}")
    return run


def apply(obj, *extra):
    """Server-side apply of one object or a list; returns kubectl's result."""
    objects = obj if isinstance(obj, list) else [obj]
    return kubectl("apply", "--server-side", "--force-conflicts", "--field-manager=e2e", "-f", "-",
                   *extra, input_text="\n---\n".join(json.dumps(o) for o in objects))


def get(kind, namespace, name):
    """The object, or None when it does not exist."""
    run = kubectl("get", kind, "-n", namespace, name, "-o", "json", check=False)
    if run.returncode != 0:
        if "NotFound" in run.stderr or "not found" in run.stderr:
            return None
        fail(f"kubectl get {kind} {namespace}/{name}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def list_objects(kinds, namespace):
    run = kubectl("get", kinds, "-n", namespace, "-o", "json")
    return json.loads(run.stdout)["items"]


def wait_until(timeout, what, check):
    """Polls check() until it returns a truthy value (returned), or fails naming `what` and the
    last value check() gave."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL_S)


def namespace(name, labels=None):
    apply({"apiVersion": "v1", "kind": "Namespace",
           "metadata": {"name": name, "labels": labels or {}}})


def stack(name, ns, compose=None, **spec):
    """A ComposeStack manifest; `spec` keys are the CRD's field names."""
    body = dict(spec)
    if compose is not None:
        body["compose"] = compose
    return {"apiVersion": API_VERSION, "kind": "ComposeStack",
            "metadata": {"name": name, "namespace": ns}, "spec": body}


def condition(obj, kind):
    for c in ((obj or {}).get("status") or {}).get("conditions") or []:
        if c.get("type") == kind:
            return c
    return None


def is_ready(obj):
    """Ready=True for the object's current generation."""
    if not obj:
        return False
    status = obj.get("status") or {}
    c = condition(obj, "Ready")
    return (c is not None and c["status"] == "True"
            and status.get("observedGeneration") == obj["metadata"]["generation"])


def is_stalled(obj, reason=None):
    if not obj:
        return False
    status = obj.get("status") or {}
    c = condition(obj, "Stalled")
    return (c is not None and c["status"] == "True"
            and status.get("observedGeneration") == obj["metadata"]["generation"]
            and (reason is None or c.get("reason") == reason))


def wait_ready(ns, name, timeout=120):
    return wait_until(timeout, f"ComposeStack {ns}/{name} Ready",
                      lambda: (lambda o: o if is_ready(o) else None)(get("composestack", ns, name)))


def wait_stalled(ns, name, reason=None, timeout=60):
    def check():
        obj = get("composestack", ns, name)
        return obj if is_stalled(obj, reason) else None
    try:
        return wait_until(timeout, f"ComposeStack {ns}/{name} Stalled ({reason or 'any reason'})",
                          check)
    except Failure:
        obj = get("composestack", ns, name)
        fail(f"{ns}/{name} is not Stalled with {reason}: status "
             f"{json.dumps((obj or {}).get('status'))[:1500]}")


def kstatus_binary():
    """The kstatus reporter (sigs.k8s.io/cli-utils), built once and cached like the cluster."""
    run = subprocess.run([os.path.join(REPO, "tests", "kstatus", "build")],
                         capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"building the kstatus reporter failed: {run.stderr[-1500:]}")
    return run.stdout.strip().splitlines()[-1]


def kstatus(binary, obj):
    """kstatus's verdict on one object: Current, InProgress, Failed, ..."""
    run = subprocess.run([binary, "-"], input=json.dumps(obj), capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"kstatus-report failed: {run.stderr}")
    return run.stdout.split(":", 1)[0].strip()


class Cluster:
    """e2e/cluster up ... down; the CRD applied and Established (unless crd=False: a test
    that installs it another way). `nodes`: how many fake nodes (None: e2e/cluster's default;
    each node takes 110 pods)."""

    def __init__(self, nodes=None, real_node=False, crd=True):
        self.kubeconfig = None
        self.nodes = nodes
        self.real_node = real_node
        self.crd = crd

    def __enter__(self):
        os.environ["PATH"] = toolchain_bin() + os.pathsep + os.environ["PATH"]
        t0 = time.monotonic()
        # Kept clusters have no owner: the watchdog would tear them down when the test exits.
        keep = ["--owner-pid", "0"] if os.environ.get("E2E_KEEP_CLUSTER") else []
        nodes = ["--nodes", str(self.nodes)] if self.nodes else []
        real = ["--real-node"] if self.real_node else []
        up = subprocess.run([os.path.join(E2E, "cluster"), "up", *keep, *nodes, *real],
                            capture_output=True, text=True)
        if up.returncode != 0:
            fail(f"cluster up failed:\n{up.stderr[-2000:]}")
        self.kubeconfig = up.stdout.strip().splitlines()[-1]
        os.environ["KUBECONFIG"] = self.kubeconfig
        if self.crd:
            kubectl("apply", "--server-side", "-f", CRD)
            kubectl("wait", "--for=condition=Established", "--timeout=60s",
                    "crd/composestacks.compose.operator.dev")
        log(f"cluster up{' with the CRD' if self.crd else ''} in {time.monotonic() - t0:.1f} s")
        return self

    def restart(self, *components, hard=False):
        """Restarts components (SIGKILL first with hard: a crash), keeping etcd's data."""
        run = subprocess.run([os.path.join(E2E, "cluster"), "restart",
                              *(["--hard"] if hard else []), self.kubeconfig, *components],
                             capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"cluster restart {' '.join(components)} failed:\n{run.stderr[-2000:]}")

    def __exit__(self, *exc):
        if exc[0] is not None and os.environ.get("E2E_KEEP_CLUSTER"):
            log(f"E2E_KEEP_CLUSTER: the cluster stays up: KUBECONFIG={self.kubeconfig}")
            return False
        if self.kubeconfig:
            subprocess.run([os.path.join(E2E, "cluster"), "down", self.kubeconfig],
                           capture_output=True)
        return False


class Operator:
    """`compose-operator run` as a real process; its JSON log lines are kept in a file.
    `env`: its whole environment (None: this process's)."""

    def __init__(self, *args, env=None):
        self.args = list(args)
        self.env = env
        self.metrics_port = free_port()
        self.probe_port = free_port()
        self.log_file = tempfile.NamedTemporaryFile(prefix="operator-", suffix=".log",
                                                    delete=False)
        self.process = None

    def start(self, wait_ready=True):
        if not os.access(OPERATOR, os.X_OK):
            fail(f"no compose-operator binary at {OPERATOR} (set COMPOSE_OPERATOR)")
        self.process = subprocess.Popen(
            [OPERATOR, "run", f"--metrics-bind-address=127.0.0.1:{self.metrics_port}",
             f"--health-probe-bind-address=127.0.0.1:{self.probe_port}", *self.args],
            stdout=self.log_file, stderr=subprocess.STDOUT, env=self.env)
        if wait_ready:
            wait_until(60, "the operator's /readyz", self.ready)
        return self

    def ready(self):
        if self.process.poll() is not None:
            fail(f"the operator exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
        return self._http(self.probe_port, "/readyz") == "ok"

    def _http(self, port, path):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            return data.split(b"\r\n\r\n", 1)[1].decode().strip()
        except OSError:
            return None

    def metrics(self):
        """{'name{labels}': value} of the operator's /metrics."""
        text = self._http(self.metrics_port, "/metrics") or ""
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                out[key] = float(value)
        return out

    def writes(self):
        """Write requests the operator has sent (POST, PUT, PATCH, DELETE), by its metrics."""
        total = 0
        for key, value in self.metrics().items():
            if key.startswith("rest_client_requests_total{") and re.search(
                    r'method="(POST|PUT|PATCH|DELETE)"', key):
                total += value
        return int(total)

    def log_text(self):
        with open(self.log_file.name, errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=45):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                fail(f"the operator did not exit within {timeout} s of signal {sig}")
        return self.process.returncode if self.process else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop(signal.SIGKILL)
        return False


def main(run):
    """Runs `run()`, prints PASS or FAIL, and exits accordingly."""
    t0 = time.monotonic()
    try:
        run()
    except Failure as failure:
        log(f"FAIL: {failure}")
        sys.exit(1)
    log(f"PASS in {time.monotonic() - t0:.1f} s")
