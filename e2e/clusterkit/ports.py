"""Loopback ports for the components.

Ports are picked at random among the free ones *below* the kernel's ephemeral range.
Ports from bind(0) lie inside that range, which the kernel also hands out as the source
port of outgoing connections: while a component is down for a `restart`, any client's
connect() may take its port and the component cannot listen again. Ports below the
range are never given out that way. The pick is random, so concurrent clusters rarely
clash, and `up` retries when they do."""

import random
import socket
import time
from pathlib import Path

from .errors import Fail

PORT_POOL_START = 20000               # ports are picked in [this, ephemeral range start)
PORT_POOL_MIN = 2000                  # smaller pool than this: let the kernel pick
PORT_PICK_TRIES = 50
PORT_RELEASE_S = 10                   # a stopped component's port must be free by then


def ephemeral_range(path="/proc/sys/net/ipv4/ip_local_port_range"):
    try:
        lo, hi = map(int, Path(path).read_text().split())
        return lo, hi
    except (OSError, ValueError):
        return 32768, 60999  # Linux default


def port_pool(ephemeral_lo):
    """The ports to pick from; empty (= let the kernel pick) when an unusual kernel
    setting leaves too few below the ephemeral range."""
    if ephemeral_lo - PORT_POOL_START >= PORT_POOL_MIN:
        return range(PORT_POOL_START, ephemeral_lo)
    return range(0)


def kernel_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port, reuse=True):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # reuse=True as Go's listeners do: a port held only by closed connections
        # (TIME_WAIT, e.g. just after `down`) is free for them, so it is free for us.
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(names, pool, is_free, exclude=(), rng=None, kernel_pick=kernel_port):
    """One distinct port per name from `pool` (or the kernel's pick if it is empty),
    none in `exclude`, each passing is_free(port). Pure but for its arguments."""
    rng = rng or random.SystemRandom()
    ports = {}
    for name in names:
        for _ in range(PORT_PICK_TRIES):
            port = rng.choice(pool) if pool else kernel_pick()
            if port not in ports.values() and port not in exclude and is_free(port):
                ports[name] = port
                break
        else:
            raise Fail(f"found no free loopback port for {name} after {PORT_PICK_TRIES} tries; is the machine out of ports?")
    return ports


def free_ports(names, exclude=()):
    """One free loopback port per name, below the kernel's ephemeral range. Checked
    without SO_REUSEADDR, stricter than wait_ports_free(): a fresh cluster avoids even
    ports that closed connections still hold (TIME_WAIT)."""
    lo, _ = ephemeral_range()
    return pick_ports(names, port_pool(lo), lambda p: port_is_free(p, reuse=False), exclude)


def wait_ports_free(owner, ports, timeout=PORT_RELEASE_S, is_free=port_is_free):
    """Before a (re)start: the old process's sockets may outlive it for a moment."""
    deadline = time.monotonic() + timeout
    while not all(is_free(p) for p in ports):
        if time.monotonic() > deadline:
            busy = [str(p) for p in ports if not is_free(p)]
            raise Fail(f"port {', '.join(busy)} of {owner} is still taken {timeout} s after it stopped "
                       f"(another program took it?); `down` and `up` again")
        time.sleep(0.1)
