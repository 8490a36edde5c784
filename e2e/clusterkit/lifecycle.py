"""Starting, waiting for and stopping components; booting and tearing down a cluster.

Everything here goes by the table in components.py, so a new component needs no change
here. Each PID is saved to cluster.json before we wait on it: if we die while waiting,
`down` (or the watchdog) still finds the process."""

import os
import signal
import time
from pathlib import Path

from . import components, real_node
from .api import wait_usable
from .errors import Fail, PortTaken, log
from .logfiles import last_error_line, lines_containing
from .pki import kubeconfig_text
from .ports import free_ports, wait_ports_free
from .processes import STOP_GRACE_S, alive, spawn, stop_processes, strays
from .settings import CLUSTER_USABLE_S
from .state import ClusterRecord, write_atomic

# Users with a kubeconfig in config/ (the admin's is the state folder's `kubeconfig`).
COMPONENT_USERS = ("kube-controller-manager", "kube-scheduler", "kwok")


def start_components(st, record, names):
    """Start the named components in order, saving each PID before waiting on it."""
    bin_dir = Path(record.bin_dir)
    for name in names:
        comp = components.get(name)
        wait_ports_free(name, [record.ports[k] for k in comp.ports])
        proc = spawn(name, comp.argv(st, bin_dir, record.ports), st.log_of(name), st.root)
        record.procs[name] = proc
        st.save(record)
        log(f"started {name} (pid {proc.pid})")


def wait_ready(st, name, proc, ports, timeout=None):
    """Wait until a component's health endpoint says ok; fail fast if it exits."""
    comp = components.get(name)
    timeout = comp.ready_s if timeout is None else timeout
    deadline = time.monotonic() + timeout
    logpath = st.log_of(name)
    detail = "not checked"
    while time.monotonic() < deadline:
        if not alive(proc):
            taken = lines_containing(logpath, "address already in use")
            if taken:
                raise PortTaken(name, f"{name} could not bind its port ({taken[-1][:300]})")
            raise Fail(f"{name} exited while starting: {last_error_line(logpath)} (log: {logpath})")
        ok, detail = comp.probe(st, ports)
        if ok:
            return
        time.sleep(0.2)
    raise Fail(f"{name} not healthy after {timeout} s ({detail}); last log line: {last_error_line(logpath)} (log: {logpath})")


def stop_components(procs, names=None, sig=signal.SIGTERM, grace=STOP_GRACE_S):
    """Stop the named components (default: all recorded) together, but those marked
    stop_last (etcd) after the rest: an apiserver told to stop while etcd vanishes under
    it hangs until SIGKILL."""
    names = [n for n in (names or list(procs)) if n in procs]
    first = [n for n in names if not components.stops_last(n)]
    last = [n for n in names if components.stops_last(n)]
    stop_processes([procs[n] for n in first], grace=grace, sig=sig)
    if last:
        stop_processes([procs[n] for n in last], grace=grace, sig=sig)


def write_kubeconfigs(st, api_port):
    write_atomic(st.kubeconfig, kubeconfig_text(st.pki, api_port, "admin"), 0o600)
    for user in COMPONENT_USERS:
        write_atomic(st.conf / f"{user}.kubeconfig", kubeconfig_text(st.pki, api_port, user), 0o600)


def boot(st, record, apiserver_port, t0):
    """Pick ports, write the kubeconfigs, start everything wave by wave and wait until
    the cluster is usable. A fixed `apiserver_port` (0: pick one) is used as given."""
    names = [n for n in components.all_port_names() if not (apiserver_port and n == "apiserver")]
    ports = free_ports(names, exclude={apiserver_port})
    if apiserver_port:
        ports["apiserver"] = apiserver_port
    record.ports = ports
    st.save(record)
    write_kubeconfigs(st, ports["apiserver"])

    for wave in components.waves():
        start_components(st, record, [c.name for c in wave])
        for comp in wave:
            wait_ready(st, comp.name, record.procs[comp.name], ports)
        for comp in wave:
            if comp.up_ready:
                comp.up_ready(st, record, lambda: time.monotonic() - t0)
    wait_usable(st.pki, st.logs, ports["apiserver"], record.nodes, CLUSTER_USABLE_S)


def restart(st, record, names, hard):
    """Stop the named components and start them again on the same ports, with the same
    certificates and etcd data; then wait until the cluster is usable."""
    t0 = time.monotonic()
    stop_components(record.procs, names, sig=signal.SIGKILL if hard else signal.SIGTERM)
    log(f"stopped {', '.join(names)} ({'SIGKILL' if hard else 'SIGTERM'}, {time.monotonic() - t0:.1f} s)")
    for name in names:
        comp = components.get(name)
        if comp.before_restart:
            comp.before_restart(st, record)
        start_components(st, record, [name])
        try:
            wait_ready(st, name, record.procs[name], record.ports)
        except PortTaken as e:
            raise Fail(f"{e}: another program took the port while {name} was down; `down` and `up` again")
    wait_usable(st.pki, st.logs, record.ports["apiserver"], record.nodes, CLUSTER_USABLE_S)
    log(f"restarted {', '.join(names)}; cluster usable again after {time.monotonic() - t0:.1f} s")


def teardown(st, keep=False, quiet=False):
    """Stop the watchdog (unless we are it), every component and any stray; then
    delete the folder, or with `keep` record that nothing runs."""
    record = ClusterRecord()
    if st.file.exists():
        try:
            record = st.load()
        except Fail:
            pass
    wd = record.watchdog
    if wd and wd.pid != os.getpid():
        stop_processes([wd], grace=3)
    node_error = None
    if real_node.enabled(st):
        # Before the control plane: the kubelet tears its pods down through the API.
        api_proc = record.procs.get("kube-apiserver")
        try:
            real_node.RealNode(st, record.ports.get("apiserver")).down(api_alive=alive(api_proc))
        except Fail as e:
            node_error = e
    stop_components(record.procs)
    left = strays(st.root, record.bin_dir)
    if left:
        stop_processes(left)
    if keep:
        record.procs, record.watchdog = {}, None
        st.save(record)
        if not quiet:
            log(f"stopped; state kept in {st.root}")
    else:
        st.remove()
        if not quiet:
            log(f"stopped and removed {st.root}")
    if node_error:
        raise node_error
