"""The toolchain: the folder with our binaries (built by e2e/build-toolchain) and the
kwok stage files beside it."""

import os
import subprocess
from pathlib import Path

from .errors import Fail, log
from .settings import E2E_DIR

# Stage files from kwok's kustomize/stage tree (copied by build-toolchain): the "fast"
# node and pod stages (nodes Ready at once, pods Ready at once, Job pods Succeeded,
# deleted pods gone) plus lease heartbeats and kwok's simulated volume provisioner
# (a PVC of the kwok-volume class gets a matching PV and binds).
KWOK_STAGES = (
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
    "volume/fast/pvc-provision.yaml",
    "volume/fast/pv-bind.yaml",
    "volume/fast/pvc-delete.yaml",
    "volume/fast/pv-delete.yaml",
)

# Not a component, but the tests and `status` users need it from the same folder.
CLIENT_BINARIES = ("kubectl",)


def ask_build_toolchain():
    """The bin/ folder that e2e/build-toolchain prints last (it builds on a cold cache)."""
    log("no E2E_BIN_DIR: asking e2e/build-toolchain for the binaries (a cold build takes 10-20 min)")
    try:
        r = subprocess.run([str(E2E_DIR / "build-toolchain")], stdout=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, text=True)
    except OSError as e:
        raise Fail(f"cannot run e2e/build-toolchain: {e}")
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    if r.returncode != 0 or not lines:
        raise Fail("e2e/build-toolchain failed (its error is the line above); fix that and run again")
    return lines[-1].strip()


def find_binaries(explicit, binaries, stage_files=KWOK_STAGES, environ=os.environ):
    """(bin_dir, stages_dir): --bin-dir, E2E_BIN_DIR, or build-toolchain; checked to hold
    every name in `binaries` (executable) and every stage file."""
    bin_dir = explicit or environ.get("E2E_BIN_DIR") or ask_build_toolchain()
    bin_dir = Path(bin_dir).resolve()
    top = bin_dir.parent
    # build-toolchain builds into NAME.partial.PID and writes .complete last, after the
    # rename: a folder without it is an interrupted or running build.
    if ".partial." in top.name or ((top / "stages").is_dir() and not (top / ".complete").is_file()):
        raise Fail(f"{top} is a half-built toolchain (no .complete marker): run e2e/build-toolchain again")
    missing = [b for b in binaries if not os.access(bin_dir / b, os.X_OK)]
    if missing:
        raise Fail(f"{bin_dir} lacks {', '.join(missing)}: point E2E_BIN_DIR at the bin/ folder printed by e2e/build-toolchain")
    stages = Path(environ.get("E2E_STAGES_DIR") or top / "stages")
    absent = [s for s in stage_files if not (stages / s).is_file()]
    if absent:
        raise Fail(f"kwok stage files missing under {stages} ({absent[0]} ...): set E2E_STAGES_DIR to kwok's kustomize/stage folder or rerun e2e/build-toolchain")
    return bin_dir, stages


def kwok_config_text(stages, stage_files=KWOK_STAGES):
    """kwok's --config: the stage files as one multi-document YAML stream."""
    return "".join("---\n" + (stages / s).read_text().rstrip() + "\n" for s in stage_files)
