"""The machine-wide changes a real node makes, and how each is undone: interfaces holding
the node's address and the stand-in for the internet, the sysctls the node needs or the
kubelet changes, the CNI bridge, and the netfilter chains and sets that the kubelet, CNI,
kube-proxy and kube-router leave behind. `down` must leave the machine as it found it, so
every change is recorded in the node's state before it is made."""

import json
import subprocess
from pathlib import Path

from . import node_config as nc
from .errors import Fail

# What the node needs: forwarding between the bridge and the host, and bridged traffic
# through netfilter so that policies also hold between pods on the same bridge.
SYSCTLS_SET = {
    "net.ipv4.ip_forward": "1",
    "net.bridge.bridge-nf-call-iptables": "1",
    "net.bridge.bridge-nf-call-ip6tables": "1",
}
# What the kubelet and kube-proxy change on their own (../shared/docs/real-node.md).
SYSCTLS_TOUCHED = ["vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops",
                   "net.ipv4.conf.all.route_localnet"]

# Chains left by the kubelet, the CNI plugins and kube-router in iptables' tables.
CHAIN_PREFIXES = ("KUBE-", "CNI-", "KUBE-ROUTER-")
IPSET_PREFIXES = ("KUBE-", "kube-router")
# kube-proxy's nftables mode keeps everything in these tables.
NFT_TABLES = [("ip", "kube-proxy"), ("ip6", "kube-proxy")]


def run(*argv, check=True, quiet=False):
    res = subprocess.run(list(argv), capture_output=True, text=True)
    if check and res.returncode != 0:
        raise Fail(f"{' '.join(argv)}: {res.stderr.strip() or res.stdout.strip()}")
    return res.stdout


def sysctl_path(name: str) -> Path:
    return Path("/proc/sys") / name.replace(".", "/")


def read_sysctls(names) -> dict:
    return {n: sysctl_path(n).read_text().strip() for n in names if sysctl_path(n).exists()}


def write_sysctls(values: dict):
    for name, value in values.items():
        try:
            sysctl_path(name).write_text(value + "\n")
        except OSError:
            pass  # read-only in this environment: nothing was changed, nothing to restore


def record_and_set_sysctls(record: Path):
    """Saves the values before any change, once per node: a second `up` after a crash must
    not record the changed values as the originals."""
    if not record.exists():
        record.write_text(json.dumps(read_sysctls(list(SYSCTLS_SET) + SYSCTLS_TOUCHED)))
    if not sysctl_path("net.bridge.bridge-nf-call-iptables").exists():
        run("modprobe", "br_netfilter", check=False)
    write_sysctls(SYSCTLS_SET)


def restore_sysctls(record: Path):
    if record.exists():
        write_sysctls(json.loads(record.read_text()))


def link_exists(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def add_address_holder(name: str, address: str):
    """An interface that only holds an address. A port-less bridge, because this kernel has
    no dummy driver (and no modules to load one); like a dummy, it reaches nothing."""
    if not link_exists(name):
        run("ip", "link", "add", name, "type", "bridge")
    run("ip", "addr", "replace", f"{address}/32", "dev", name)
    run("ip", "link", "set", name, "up")


def delete_link(name: str):
    if link_exists(name):
        run("ip", "link", "delete", name, check=False)


def setup():
    add_address_holder(nc.NODE_IFACE, nc.NODE_IP)
    add_address_holder(nc.OUTSIDE_IFACE, nc.OUTSIDE_IP)


def chains_in(rules: str) -> list:
    """The user chains that `iptables -S` output declares."""
    return [line.split()[1] for line in rules.splitlines() if line.startswith("-N ")]


def ours(chains) -> list:
    return [c for c in chains if c.startswith(CHAIN_PREFIXES)]


def jumps_into(rules: str, chains) -> list:
    """The rules (as -D arguments) that jump into any of `chains`: they go before the chains."""
    out = []
    for line in rules.splitlines():
        parts = line.split()
        if parts[:1] == ["-A"] and "-j" in parts and parts.index("-j") + 1 < len(parts) \
                and parts[parts.index("-j") + 1] in chains:
            out.append(parts[1:])
    return out


def iptables_chains(tool: str, table: str):
    return chains_in(run(tool, "-t", table, "-S", check=False))


def flush_chains(tool: str):
    """Removes the rules jumping into our chains, then the chains."""
    for table in ("filter", "nat", "mangle", "raw"):
        rules = run(tool, "-t", table, "-S", check=False)
        mine = ours(chains_in(rules))
        if not mine:
            continue
        for rule in jumps_into(rules, mine):
            run(tool, "-t", table, "-D", *rule, check=False)
        for chain in mine:
            run(tool, "-t", table, "-F", chain, check=False)
        for chain in mine:
            run(tool, "-t", table, "-X", chain, check=False)


def teardown_netfilter():
    for tool in ("iptables", "ip6tables"):
        flush_chains(tool)
    for family, table in NFT_TABLES:
        run("nft", "delete", "table", family, table, check=False)
    for name in run("ipset", "list", "-n", check=False).split():
        if name.startswith(IPSET_PREFIXES):
            run("ipset", "destroy", name, check=False)


def nft_tables():
    out = run("nft", "list", "tables", check=False)
    return sorted(line.strip() for line in out.splitlines() if line.startswith("table "))


def teardown(nft_tables_before=None):
    """Best effort and idempotent. With the tables that existed before the node started,
    the ones made since (iptables-nft makes a table per iptables table it touches) go too."""
    teardown_netfilter()
    if nft_tables_before is not None:
        for table in set(nft_tables()) - set(nft_tables_before):
            _, family, name = table.split()
            run("nft", "delete", "table", family, name, check=False)
    for name in (nc.BRIDGE, nc.NODE_IFACE, nc.OUTSIDE_IFACE):
        delete_link(name)


def leftovers() -> list:
    """What a clean machine must not have; `down` and the tests check it is empty."""
    found = [f"link {n}" for n in (nc.BRIDGE, nc.NODE_IFACE, nc.OUTSIDE_IFACE) if link_exists(n)]
    for tool in ("iptables", "ip6tables"):
        for table in ("filter", "nat", "mangle", "raw"):
            found += [f"{tool} {table} chain {c}" for c in ours(iptables_chains(tool, table))]
    for family, table in NFT_TABLES:
        if run("nft", "list", "table", family, table, check=False).strip():
            found.append(f"nft table {family} {table}")
    found += [f"ipset {n}" for n in run("ipset", "list", "-n", check=False).split()
              if n.startswith(IPSET_PREFIXES)]
    for hierarchy in Path("/sys/fs/cgroup").iterdir() if Path("/sys/fs/cgroup").exists() else []:
        for sub in (hierarchy / "kubepods", hierarchy / "kubepods.slice"):
            if sub.exists():
                found.append(f"cgroup {sub}")
    return found
