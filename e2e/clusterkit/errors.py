"""How failures reach the user: one line on stderr, prefixed like every other message.

Every expected failure raises Fail; cli.main() prints it as `cluster: error: ...` and
exits 1. The e2e tests (tests/bad-paths) insist on exactly one line, so messages must
name what failed and what to do, and never carry a traceback."""

import sys

PROG = "cluster"


class Fail(Exception):
    """An error reported to the user as one line."""


class PortTaken(Fail):
    """A component could not bind a port we picked; `up` retries with fresh ports."""

    def __init__(self, component, msg):
        super().__init__(msg)
        self.component = component


def log(msg):
    """Progress and errors go to stderr: stdout carries only what callers parse."""
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)
