"""A throw-away Kubernetes cluster for the operator's end-to-end tests.

    cluster up [--state DIR] [--nodes N] [--owner-pid PID] [--apiserver-port P]
    cluster status  [DIR|KUBECONFIG]
    cluster restart [DIR|KUBECONFIG] [COMPONENT ...] [--hard]
    cluster down    [DIR|KUBECONFIG] [--keep]

`up` runs etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (which
plays the kubelet of N fake nodes) on 127.0.0.1, with TLS everywhere, client-certificate
authentication, Node+RBAC authorization and the default admission plugins (PodSecurity,
ServiceAccount, ...). It prints the admin kubeconfig path as the last line of stdout; that
file lives in the cluster's state folder, so the other verbs accept either path.
Everything else (progress, errors) goes to stderr.

We run our own launcher instead of kwokctl so that we own every flag and the lifetime of
every process: each component runs in its own session (process group), and a small
watchdog tears the cluster down when the process that owns it (by default the caller of
`up`) disappears, so a crashed test leaves nothing behind.

This module is the command line: argparse and one function per verb. The verbs' output
is parsed by the e2e tests, scripts/demo and bench/*: keep it as it is.
"""

import argparse
import os
import shutil
import signal
import sys
import time

from . import components, real_node, volume_provisioner
from .binaries import CLIENT_BINARIES, find_binaries, kwok_config_text
from .errors import Fail, PortTaken, log
from .lifecycle import boot, restart, stop_components, teardown
from .lock import timeout_from_env
from .pki import LEAVES, make_pki
from .ports import port_is_free
from .processes import alive, default_owner, record_of, rss_kib, stop_processes
from .settings import DEFAULT_NODES
from .state import STATE_MARKER, ClusterRecord, new_state_dir, resolve_state
from .watchdog import run_watchdog, start_watchdog

PORT_RETRIES = 3                      # another program may grab a port we picked


def keep_state(environ=os.environ):
    return environ.get("E2E_KEEP_STATE") == "1"


def cmd_up(args):
    t0 = time.monotonic()
    if args.nodes < 1:
        raise Fail("--nodes must be at least 1")
    if args.apiserver_port and not port_is_free(args.apiserver_port):
        raise Fail(f"port 127.0.0.1:{args.apiserver_port} is already taken: choose another --apiserver-port or omit it to get a free one")
    owner = None
    owner_pid = default_owner() if args.owner_pid is None else args.owner_pid
    if owner_pid > 1:
        owner = record_of(owner_pid)
        if owner is None:
            raise Fail(f"owner process {owner_pid} does not exist: pass a live --owner-pid, or 0 for none")
    bin_dir, stages = find_binaries(args.bin_dir, [c.binary for c in components.COMPONENTS] + list(CLIENT_BINARIES))
    st = new_state_dir(args.state or os.environ.get("E2E_CLUSTER_DIR"))
    for d in (st.conf, st.logs):
        d.mkdir()
    lockfd = st.lock("up")
    record = ClusterRecord(bin_dir=str(bin_dir), nodes=args.nodes, owner=owner,
                           created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    st.save(record)
    log(f"state folder {st.root}")

    def on_signal(signum, _frame):
        raise Fail(f"interrupted by signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    try:
        # The watchdog comes first: if our owner dies during `up`, it cleans up too.
        if record.owner:
            record.watchdog = start_watchdog(st, record.owner)
            st.save(record)
        if args.real_node:
            node_bin, node_images = real_node.find_inputs()
            # Before anything starts: a second real node on this machine fails at once.
            real_node.RealNode(st, None).claim()
            real_node.enable(st)
        make_pki(st.pki, real_node.pki_leaves(LEAVES) if args.real_node else LEAVES)
        log(f"PKI ready ({time.monotonic() - t0:.1f} s)")
        (st.conf / "kwok.yaml").write_text(kwok_config_text(stages))
        for attempt in range(1, PORT_RETRIES + 1):
            try:
                boot(st, record, args.apiserver_port, t0)
                break
            except PortTaken as e:
                if args.apiserver_port and e.component == "kube-apiserver":
                    raise Fail(f"{e}: --apiserver-port {args.apiserver_port} was taken meanwhile; choose another")
                if attempt == PORT_RETRIES:
                    raise Fail(f"{e}: another program took the port; run `up` again")
                log(f"{e}; retrying with other ports")
                stop_components(record.procs)
                record.procs = {}
                st.save(record)
                shutil.rmtree(st.etcd_data, ignore_errors=True)
        if args.real_node:
            real_node.RealNode(st, record.ports["apiserver"], node_bin, node_images).up()
    except BaseException as e:
        # Leave no process behind; keep the folder so its logs can be read.
        try:
            if record.watchdog:
                stop_processes([record.watchdog], grace=3)
            if real_node.enabled(st):
                real_node.RealNode(st, record.ports.get("apiserver")).down(
                    api_alive=alive(record.procs.get("kube-apiserver")))
        except Fail as node_error:
            log(f"warning: {node_error}")
        try:
            stop_components(record.procs)
        except Fail:
            pass
        record.procs, record.watchdog = {}, None
        st.save(record)
        os.close(lockfd)
        if isinstance(e, KeyboardInterrupt):
            raise Fail(f"interrupted; processes stopped, logs kept in {st.logs} (remove with `e2e/cluster down {st.root}`)")
        if isinstance(e, Fail):
            raise Fail(f"{e} [logs kept in {st.logs}; remove with `e2e/cluster down {st.root}`]")
        raise
    os.close(lockfd)
    rss = sum(rss_kib(p.pid) for p in record.procs.values()) // 1024
    node = " and a real node" if args.real_node else ""
    log(f"cluster ready in {time.monotonic() - t0:.1f} s: API https://127.0.0.1:{record.ports['apiserver']}, "
        f"{args.nodes} nodes{node}, {rss} MiB RSS")
    print(st.kubeconfig, flush=True)


def cmd_down(args):
    st = resolve_state(args.target)
    if not st.root.exists():
        log(f"{st.root} does not exist: nothing to stop")
        return
    if not st.is_cluster():
        raise Fail(f"{st.root} is not a cluster state folder (no {STATE_MARKER}); refusing to delete it")
    try:
        st.lock("down")
    except FileNotFoundError:  # the watchdog removed it just now
        log(f"{st.root} is gone: nothing to stop")
        return
    teardown(st, keep=args.keep or keep_state())


def cmd_provisioner(args):
    """Hidden verb, run by the real node: its local-path volume provisioner."""
    st = resolve_state(args.root)
    volume_provisioner.run(st.root, st.load().ports["apiserver"])


def cmd_watchdog(args):
    """Hidden verb, run by watchdog.start_watchdog()."""
    run_watchdog(args.root, args.owner_pid, args.owner_start, keep=keep_state())


def status_line(name, rec, running, ok, rss, detail):
    return (f"{name:24} pid {rec.pid if rec else '-':>7}  {'running' if running else 'STOPPED':8} "
            f"{'healthy' if ok else 'UNHEALTHY':10} {rss:5} MiB  {detail if not ok else ''}").rstrip()


def cmd_status(args):
    st = resolve_state(args.target)
    if not st.is_cluster():
        raise Fail(f"{st.root} is not a cluster state folder")
    record = st.load()
    healthy = True
    print(f"state       {st.root}")
    print(f"kubeconfig  {st.kubeconfig}")
    print(f"ports       " + " ".join(f"{k}={v}" for k, v in sorted(record.ports.items())))
    total = 0
    for comp in components.COMPONENTS:
        rec = record.procs.get(comp.name)
        running = alive(rec)
        ok, detail = comp.probe(st, record.ports) if running else (False, "-")
        rss = rss_kib(rec.pid) // 1024 if running else 0
        total += rss
        healthy &= running and ok
        print(status_line(comp.name, rec, running, ok, rss, detail))
    if real_node.enabled(st):
        node = real_node.RealNode(st, record.ports.get("apiserver"))
        node_record = node.load() if node.exists() else real_node.NodeRecord(ports={})
        for name in real_node.NODE_COMPONENTS:
            rec = node_record.procs.get(name)
            running, detail = node.health(name, node_record)
            ok = running and detail == "ok"
            rss = rss_kib(rec.pid) // 1024 if running else 0
            total += rss
            healthy &= ok
            print(status_line(name, rec, running, ok, rss, detail))
    wd, owner = record.watchdog, record.owner
    if owner:
        print(f"{'watchdog':24} pid {wd.pid if wd else '-':>7}  {'running' if alive(wd) else 'STOPPED':8} "
              f"owner pid {owner.pid} {'alive' if alive(owner) else 'GONE'}")
    else:
        print(f"{'watchdog':24} none (cluster lives until `down`)")
    print(f"total RSS   {total} MiB")
    if not healthy:
        raise Fail("cluster is not healthy (see the table above)")


def cmd_restart(args):
    st = resolve_state(args.target)
    if not st.is_cluster():
        raise Fail(f"{st.root} is not a cluster state folder")
    node_names = [n for n in args.components if n in real_node.NODE_COMPONENTS]
    if node_names and not real_node.enabled(st):
        raise Fail(f"{node_names[0]} runs only on a real node (`up --real-node`)")
    plane = [n for n in args.components if n not in real_node.NODE_COMPONENTS]
    names = components.select(plane) if plane or not node_names else []
    st.lock("restart")
    if names:
        restart(st, st.load(), names, args.hard)
    if node_names:
        real_node.RealNode(st, st.load().ports["apiserver"]).restart(node_names, args.hard)
        log(f"restarted {', '.join(node_names)}; {real_node.nc.NODE_NAME} Ready again")


def parser():
    ap = argparse.ArgumentParser(prog="e2e/cluster", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="verb", required=True, metavar="{up,down,status,restart}")

    up = sub.add_parser("up", help="start a cluster; prints the kubeconfig path last")
    up.add_argument("--state", help="empty or new state folder (default: E2E_CLUSTER_DIR or a fresh temp folder)")
    up.add_argument("--nodes", type=int, default=DEFAULT_NODES, help=f"fake nodes (default {DEFAULT_NODES})")
    up.add_argument("--owner-pid", type=int, default=None,
                    help="tear down when this process ends (default: the caller of up, past any subshell; 0 = never)")
    up.add_argument("--apiserver-port", type=int, default=0, help="fixed API port (default: a free one)")
    up.add_argument("--bin-dir", help="folder with the binaries (default: E2E_BIN_DIR or e2e/build-toolchain)")
    up.add_argument("--real-node", action="store_true",
                    help="add a real node (containerd, kubelet, kube-proxy, CoreDNS, kube-router; root only, "
                         "one per machine); binaries and images from E2E_NODE_BIN_DIR and E2E_NODE_IMAGES_DIR "
                         "or e2e/build-node-toolchain and e2e/node/build-images")

    for verb, helptext in (("down", "stop every process and delete the state folder"),
                           ("status", "show each component; non-zero exit if unhealthy"),
                           ("restart", "restart kube-apiserver (or the given components), keeping etcd data")):
        p = sub.add_parser(verb, help=helptext)
        p.add_argument("target", nargs="?", help="state folder or its kubeconfig (default: E2E_CLUSTER_DIR)")
        if verb == "down":
            p.add_argument("--keep", action="store_true", help="stop processes but keep the folder (logs)")
        if verb == "restart":
            p.add_argument("components", nargs="*",
                           help="kube-apiserver (default), any of " + ", ".join(components.NAMES) + ", control-plane, or all")
            p.add_argument("--hard", action="store_true", help="SIGKILL instead of SIGTERM (a crash)")

    prov = sub.add_parser("_provisioner")  # internal
    prov.add_argument("root")
    wd = sub.add_parser("_watchdog")  # internal
    wd.add_argument("root")
    wd.add_argument("owner_pid", type=int)
    wd.add_argument("owner_start", type=int)
    return ap


def restart_targets(target, comps):
    """`restart DIR comp...`: argparse fills `target` first, so in `restart comp...` (no
    DIR) the first component lands there. Returns (target, components)."""
    if target in components.NAMES + list(components.GROUPS) + real_node.NODE_COMPONENTS:
        return None, [target] + list(comps)
    return target, list(comps)


VERBS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "restart": cmd_restart,
         "_watchdog": cmd_watchdog, "_provisioner": cmd_provisioner}


def main(argv=None):
    args = parser().parse_args(argv)
    if args.verb == "restart":
        args.target, args.components = restart_targets(args.target, args.components)
    try:
        if args.verb in ("up", "down", "restart"):
            timeout_from_env()  # a bad value fails before `up` makes a folder
        VERBS[args.verb](args)
    except Fail as e:
        log(f"error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
