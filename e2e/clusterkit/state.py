"""The state folder of one cluster and its cluster.json, as typed records.

cluster.json is read by tools outside this package (tests/two-clusters reads
ports.<name>; people read it by hand), so its format is fixed: the keys below, written
with indent=2 and sorted keys. Keys this version does not know are kept as read and
written back, so a file from a newer or older launcher survives a save."""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from .errors import Fail
from .lock import acquire

STATE_MARKER = ".compose-operator-e2e"  # only folders carrying it are ever deleted
STATE_FILE = "cluster.json"
LOCK_FILE = ".lock"


@dataclass
class ProcRecord:
    """One process: PID plus start time (clock ticks since boot, /proc/PID/stat field
    22). `start` is None only if it could not be read right after spawning (the
    process was already gone)."""
    pid: int
    start: Optional[int]

    def to_json(self):
        return {"pid": self.pid, "start": self.start}

    @classmethod
    def from_json(cls, obj):
        if not obj:
            return None
        return cls(int(obj["pid"]), obj.get("start"))


@dataclass
class ClusterRecord:
    """What cluster.json holds: where the binaries are, how many nodes, the ports per
    name (see components.py for which component owns which), the PIDs, the owner and
    its watchdog (None when the cluster lives until `down`)."""
    bin_dir: Optional[str] = None
    nodes: int = 0
    created: str = ""
    owner: Optional[ProcRecord] = None
    watchdog: Optional[ProcRecord] = None
    ports: Dict[str, int] = field(default_factory=dict)
    procs: Dict[str, ProcRecord] = field(default_factory=dict)
    extra: Dict[str, Any] = field(default_factory=dict)  # unknown keys, kept as read

    KNOWN = ("bin_dir", "nodes", "created", "owner", "watchdog", "ports", "procs")

    def to_json(self):
        out = dict(self.extra)
        out.update({
            "bin_dir": self.bin_dir, "nodes": self.nodes, "created": self.created,
            "owner": self.owner.to_json() if self.owner else None,
            "watchdog": self.watchdog.to_json() if self.watchdog else None,
            "ports": dict(self.ports),
            "procs": {name: rec.to_json() for name, rec in self.procs.items()},
        })
        return out

    def dumps(self):
        return json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, obj):
        """Missing keys take their defaults: a half-written record (an `up` killed early)
        must still be readable by `down`."""
        if not isinstance(obj, dict):
            raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
        procs = {}
        for name, rec in (obj.get("procs") or {}).items():
            parsed = ProcRecord.from_json(rec)
            if parsed:
                procs[name] = parsed
        return cls(bin_dir=obj.get("bin_dir"), nodes=int(obj.get("nodes") or 0),
                   created=obj.get("created") or "",
                   owner=ProcRecord.from_json(obj.get("owner")),
                   watchdog=ProcRecord.from_json(obj.get("watchdog")),
                   ports={k: int(v) for k, v in (obj.get("ports") or {}).items()},
                   procs=procs,
                   extra={k: v for k, v in obj.items() if k not in cls.KNOWN})

    @classmethod
    def loads(cls, text):
        return cls.from_json(json.loads(text))


def write_atomic(path, text, mode=0o644):
    """Readers never see a half-written file: write aside, then rename over."""
    tmp = Path(f"{path}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


class StateDir:
    """The folder holding one cluster: PKI, configs, etcd data, logs and cluster.json."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.pki = self.root / "pki"
        self.conf = self.root / "config"
        self.logs = self.root / "logs"
        self.etcd_data = self.root / "etcd-data"
        self.kubeconfig = self.root / "kubeconfig"
        self.file = self.root / STATE_FILE
        self.marker = self.root / STATE_MARKER
        self.lock_file = self.root / LOCK_FILE

    def log_of(self, component):
        return self.logs / f"{component}.log"

    def is_cluster(self):
        return self.marker.is_file()

    def load(self):
        try:
            return ClusterRecord.loads(self.file.read_text())
        except (OSError, ValueError, TypeError, KeyError) as e:
            raise Fail(f"{self.root} holds no readable {STATE_FILE} ({e}); was `up` run on it?")

    def save(self, record):
        write_atomic(self.file, record.dumps())

    def lock(self, verb, timeout=None):
        """Serializes up/down/restart/watchdog on one cluster (see lock.py). Held until
        the returned fd is closed or the process exits."""
        return acquire(self.lock_file, holder=verb, what=str(self.root), timeout=timeout)

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def resolve_state(arg, environ=os.environ):
    """down/status/restart accept the state folder or the kubeconfig inside it, or
    E2E_CLUSTER_DIR when no argument is given."""
    arg = arg or environ.get("E2E_CLUSTER_DIR")
    if not arg:
        raise Fail("no cluster given: pass the state folder (or the kubeconfig `up` printed) or set E2E_CLUSTER_DIR")
    p = Path(arg)
    if p.is_file():
        p = p.parent
    return StateDir(p)


def new_state_dir(arg, environ=os.environ):
    """A fresh folder for `up`: the given one (must be empty or new) or a temp one,
    marked as ours so that `down` may delete it."""
    if arg:
        root = Path(arg)
        if root.exists() and any(root.iterdir()):
            if (root / STATE_MARKER).exists():
                raise Fail(f"{root} already holds a cluster: run `e2e/cluster down {root}` first")
            raise Fail(f"{root} is not empty: give an empty or new folder to --state / E2E_CLUSTER_DIR")
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="compose-operator-e2e-", dir=environ.get("TMPDIR") or "/tmp"))
    st = StateDir(root)
    st.marker.write_text("state folder of e2e/cluster; `e2e/cluster down` deletes it\n")
    return st
