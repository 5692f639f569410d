"""Why the hub configurations turn Jupyter's kernel port cache off (KernelManager.cache_ports).

Every kernel on one machine picks free TCP ports when it starts. When a class starts
together, another process can take a port between the pick and the kernel's bind
("Address already in use"; `python3 tasks.py classroom` lost about one kernel in a hundred
that way, before the cache was off). A restart with new ports should then recover. With the
cache on (Jupyter's default on Linux) the restart reuses the same ports and fails again,
five times, and the kernel stays dead; with it off, the restart picks new ports.
"""

from __future__ import annotations

import pytest

jupyter_client = pytest.importorskip("jupyter_client")
from jupyter_client.manager import KernelManager  # noqa: E402


@pytest.mark.parametrize("cache_ports", [True, False])
def test_a_restart_with_new_ports_gets_new_ports_only_without_the_cache(cache_ports, tmp_path):
    km = KernelManager(kernel_name="python3", cache_ports=cache_ports,
                       connection_file=str(tmp_path / "kernel.json"))
    km.start_kernel()
    try:
        before = (km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port)
        km.restart_kernel(now=True, newports=True)  # what the automatic restarter does
        after = (km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port)
        if cache_ports:
            assert after == before, "with the cache, a restart keeps the (maybe taken) ports"
        else:
            assert not set(after) & set(before), "without it, a restart takes new ports"
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)  # and the kernel is up on them
        finally:
            client.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
