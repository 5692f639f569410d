"""jupyterhub-idle-culler, run by the hub as a service (as deploy/ configures it), stops a
server nobody uses. Here with a timeout of 10 s instead of the configs' hour."""

from __future__ import annotations

import shutil
import time

from conftest import make_hub


def test_an_idle_server_is_culled(hub_requirements):
    hub = make_hub(cull_timeout=10, cull_every=5)
    try:
        hub.start()
        s = hub.student("idle")
        s.login()
        s.request_token()
        s.start_server()
        pid = hub.server_pid("idle")
        assert pid
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if not s.hub_api("GET", "/users/idle").json()["servers"]:
                break
            time.sleep(2)
        else:
            raise AssertionError("the idle server was still running after 180 s")
        # The server's process is gone too, not only the hub's record of it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break
            except FileNotFoundError:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"process {pid} of the culled server still runs")
    finally:
        hub.shutdown()
        shutil.rmtree(hub.work, ignore_errors=True)
