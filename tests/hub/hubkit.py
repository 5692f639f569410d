"""A real JupyterHub on 127.0.0.1 for the course, and students who use it as a browser would.

Used by ``python3 tasks.py classroom`` (``classroom.py``) and by the tests in this folder.

* :class:`Hub` writes a ``jupyterhub_config.py`` into a work folder and runs JupyterHub with
  its proxy (``configurable-http-proxy`` from npm), the test authenticator
  (``DummyAuthenticator`` with one shared password), ``SimpleLocalProcessSpawner`` (each
  student's server runs in their own home folder, ``<work>/home/<name>``) and
  ``jupyterhub-idle-culler`` as a hub service. Everything it starts carries one marker in
  its environment (``GDCOURSE_CLASSROOM=<run id>``): :meth:`Hub.stop` and
  :func:`kill_marked` end exactly those processes, by pid, and nothing else.
* :class:`Student` logs in through the real login form, asks the hub for a token the way
  the token page does, starts a server, follows an nbgitpuller link and runs the pull the
  way nbgitpuller's page does, and talks to the server's REST API (contents, sessions).
* :class:`Kernel` is a front end on the kernel's websocket (``/api/kernels/<id>/channels``):
  it executes cells, collects their outputs as nbformat outputs, keeps the widget models
  the kernel opened (``comm_open``), and sends a widget update as JupyterLab's widget
  manager does (``comm_msg`` with ``method: "update"``).
* :func:`student_processes` and friends read memory and CPU from ``/proc`` (Linux).

Every wait here is bounded in time; no loop runs without a deadline.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket  # websocket-client, a dependency of jupyter_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MARKER = "GDCOURSE_CLASSROOM"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class HubError(RuntimeError):
    """A step of a student's session did not work; the message says which and why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command(venv: Path = ROOT / ".venv") -> Path:
    """Where ``tasks.py`` installs configurable-http-proxy (npm, into .venv/node)."""
    return venv / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


# --------------------------------------------------------------------------- the course
def publish_course(dest: Path, source: Path = ROOT, branch: str = "main") -> str:
    """A bare clone of the committed course at ``dest``: the 'remote' students pull from.

    Only what is committed travels (as with a real remote). Returns the commit.
    """
    subprocess.run(["git", "init", "--quiet", "--bare", str(dest)], check=True)
    subprocess.run(["git", "push", "--quiet", str(dest), f"HEAD:refs/heads/{branch}"],
                   cwd=source, check=True, capture_output=True)
    subprocess.run(["git", "symbolic-ref", "HEAD", f"refs/heads/{branch}"], cwd=dest,
                   check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, check=True,
                          capture_output=True, text=True).stdout.strip()
    return head


# --------------------------------------------------------------------------- the hub
CONFIG = '''\
# Written by tests/hub/hubkit.py for one local test run; not a production configuration.
import sys
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = "sqlite:///{work}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{work}/jupyterhub.pid"
# A hub restart must not stop the students' servers (as on TLJH and Zero to JupyterHub).
c.JupyterHub.cleanup_servers = {cleanup_servers!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = {spawner!r}
c.SimpleLocalProcessSpawner.home_dir_template = "{work}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {server_args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {start_timeout}
c.Spawner.http_timeout = {start_timeout}
c.Spawner.environment = {environment!r}
c.JupyterHub.services = [
    {{"name": "classroom", "api_token": {service_token!r}}},
    {{"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                                        "--timeout={cull_timeout}", "--cull-every={cull_every}"]}},
]
c.JupyterHub.load_roles = [
    {{"name": "classroom", "services": ["classroom"],
     "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens", "list:users"]}},
    {{"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}},
]
'''


@dataclass
class Hub:
    """JupyterHub on 127.0.0.1 with its proxy, in ``work`` (kept between start and stop).

    ``mplconfig`` is a matplotlib config folder with the font cache built in, shared by
    every server the way the course's user image shares its own (deploy/image/Dockerfile).
    """

    work: Path
    python: Path = ROOT / ".venv" / "bin" / "python"
    proxy: Path = field(default_factory=proxy_command)
    cull_timeout: int = 3600
    cull_every: int = 300
    start_timeout: int = 180
    #: Every kernel on one machine picks free TCP ports when it starts, and two kernels
    #: starting at the same moment can pick the same one ("Address already in use"; seen
    #: here in about one kernel of a hundred when a class started together). With Jupyter's
    #: default (KernelManager.cache_ports True) the automatic restart reuses the taken
    #: ports, fails five times and leaves the kernel dead; without the cache it picks new
    #: ports and the kernel comes up. deploy/tljh/setup.sh turns the cache off too.
    cache_kernel_ports: bool = False
    #: True (root only): every student is a Unix user of their own with a private home,
    #: started by LocalProcessSpawner, as on The Littlest JupyterHub; add them with
    #: :meth:`add_system_user`, and :meth:`shutdown` deletes them again. False: one Unix user
    #: for all (SimpleLocalProcessSpawner), which changes nothing on the machine.
    system_users: bool = False
    run_id: str = field(default_factory=lambda: secrets.token_hex(6))
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    service_token: str = field(default_factory=lambda: secrets.token_hex(32))
    proc: subprocess.Popen | None = None

    def __post_init__(self):
        self.work = Path(self.work).resolve()
        (self.work / "home").mkdir(parents=True, exist_ok=True)
        self.port, self.hub_port, self.proxy_api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mplconfig = self.work / "mplconfig"
        self.log_path = self.work / "jupyterhub.log"
        self._proxy_token = secrets.token_hex(32)

    # ----------------------------------------------------------------- lifecycle
    def environment(self) -> dict[str, str]:
        shared = {} if self.system_users else {"MPLCONFIGDIR": str(self.mplconfig)}
        return {
            MARKER: self.run_id,
            **shared,
            # The course's matrices are tiny; a second BLAS thread only waits for a core.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
        }

    def write_config(self) -> Path:
        singleuser = self.python.parent / "jupyterhub-singleuser"
        root = getattr(os, "geteuid", lambda: 1)() == 0
        text = CONFIG.format(
            port=self.port, hub_port=self.hub_port, proxy_api_port=self.proxy_api_port,
            proxy=str(self.proxy), proxy_token=self._proxy_token, work=self.work,
            cleanup_servers=False, password=self.password, singleuser=str(singleuser),
            spawner="localprocess" if self.system_users else "simple",
            # Jupyter refuses to run as root without this (containers, CI as root).
            server_args=[f"--KernelManager.cache_ports={self.cache_kernel_ports}"]
            + (["--ServerApp.allow_root=True"] if root and not self.system_users else []),
            start_timeout=self.start_timeout, environment=self.environment(),
            service_token=self.service_token, cull_timeout=self.cull_timeout,
            cull_every=self.cull_every)
        path = self.work / "jupyterhub_config.py"
        path.write_text(text)
        return path

    def warm_font_cache(self) -> None:
        self.mplconfig.mkdir(exist_ok=True)
        env = {**os.environ, "MPLCONFIGDIR": str(self.mplconfig)}
        subprocess.run([str(self.python), "-c", "import matplotlib.font_manager"], env=env,
                       check=True, timeout=300, capture_output=True)

    def start(self, timeout: float = 120) -> None:
        if not self.proxy.exists():
            raise HubError(f"no configurable-http-proxy at {self.proxy} "
                           "(python3 tasks.py classroom installs it)")
        if not self.mplconfig.exists():
            self.warm_font_cache()
        config = self.write_config()
        env = {**os.environ, **self.environment()}
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.python), "-m", "jupyterhub", "-f", str(config)], cwd=self.work, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"JupyterHub exited with code {self.proc.returncode}; "
                               f"log: {self.log_tail()}")
            try:
                if requests.get(self.url + "/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise HubError(f"JupyterHub did not answer within {timeout:.0f} s; log: {self.log_tail()}")

    def stop(self, timeout: float = 30) -> None:
        """Stop the hub (and with it the proxy); the students' servers keep running."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # JupyterHub shuts down cleanly on it
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def shutdown(self) -> list[int]:
        """Stop the hub, then every process this run started (servers, kernels, proxy);
        then delete the Unix users it added."""
        try:
            self.stop()
        finally:
            pids = kill_marked(self.run_id)
            for name in getattr(self, "_users", []):
                subprocess.run(["userdel", name], capture_output=True, timeout=60)
            self._users = []
            return pids

    def add_system_user(self, name: str) -> Path:
        """A Unix user for a student, home ``<work>/home/<name>`` (mode 0700, as TLJH makes
        homes private), with matplotlib's font cache copied in from a skeleton folder, as
        deploy/tljh/setup.sh has TLJH copy it from /etc/skel. Returns the home."""
        if not self.system_users or os.geteuid() != 0:
            raise HubError("system users need Hub(system_users=True) and root")
        if not self.mplconfig.exists():
            self.warm_font_cache()
        skel = self.work / "skel"
        if not skel.exists():
            (skel / ".cache").mkdir(parents=True)
            subprocess.run(["cp", "-r", str(self.mplconfig), str(skel / ".cache" / "matplotlib")],
                           check=True)
        for folder in (self.work.parent, self.work, self.work / "home"):
            folder.chmod(folder.stat().st_mode | 0o011)  # others may pass through, not list
        home = self.work / "home" / name
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--skel", str(skel),
                        "--shell", "/bin/bash", "--user-group", name],
                       check=True, capture_output=True, timeout=60)
        self._users = [*getattr(self, "_users", []), name]
        home.chmod(0o700)
        return home

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # ----------------------------------------------------------------- admin side
    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.service_token}"}
        return requests.request(method, self.url + "/hub/api" + path, headers=headers,
                                timeout=kwargs.pop("timeout", 30), **kwargs)

    def server_pid(self, name: str) -> int | None:
        r = self.api("GET", f"/users/{name}")
        if r.status_code != 200:
            return None
        server = r.json().get("servers", {}).get("", {})
        return (server.get("state") or {}).get("pid")

    def student(self, name: str) -> "Student":
        return Student(self, name)


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def marked_pids(run_id: str) -> list[int]:
    """The pids of the processes whose environment carries this run's marker."""
    needle = f"{MARKER}={run_id}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def kill_marked(run_id: str, grace: float = 30) -> list[int]:
    """SIGTERM every marked process, SIGKILL those left after ``grace`` s; their pids.

    Servers stop their kernels when asked to stop; thirty of them on a busy machine take
    longer than a few seconds. After the SIGKILL, wait (10 s at most) until they are gone.
    """
    pids = marked_pids(run_id)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and marked_pids(run_id):
        time.sleep(0.5)
    for pid in marked_pids(run_id):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and marked_pids(run_id):
        time.sleep(0.2)
    return pids


# --------------------------------------------------------------------------- /proc
def _environ(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            items = f.read().split(b"\0")
    except OSError:
        return {}
    return dict(i.decode(errors="replace").split("=", 1) for i in items if b"=" in i)


def student_processes(run_id: str, name: str) -> list[int]:
    """The student's server and kernel processes (marker and JUPYTERHUB_USER)."""
    return [pid for pid in marked_pids(run_id) if _environ(pid).get("JUPYTERHUB_USER") == name]


def memory(pid: int) -> dict[str, float]:
    """MB: resident now (rss), peak resident (hwm), proportional share (pss)."""
    out = {"rss": 0.0, "hwm": 0.0, "pss": 0.0}
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["hwm"] = int(line.split()[1]) / 1024
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                out["pss"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (its own, not its children's)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / CLK_TCK


def is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return False


# --------------------------------------------------------------------------- a student
class Student:
    """One learner: a browser session (cookies) on the hub, and a token for the APIs."""

    def __init__(self, hub: Hub, name: str, timeout: float = 60):
        self.hub, self.name, self.timeout = hub, name, timeout
        self.web = requests.Session()  # the browser: cookies, redirects
        self.token: str | None = None
        self.server = f"{hub.url}/user/{name}"

    # ----------------------------------------------------------------- hub
    def login(self, password: str | None = None) -> None:
        """Through the login form, as a browser: GET it, POST it with its _xsrf field."""
        page = self.web.get(self.hub.url + "/hub/login", timeout=self.timeout)
        found = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        if page.status_code != 200 or not found:
            raise HubError(f"login page: HTTP {page.status_code}, no _xsrf field")
        r = self.web.post(self.hub.url + "/hub/login?next=%2Fhub%2Fhome",
                          data={"username": self.name, "password": password or self.hub.password,
                                "_xsrf": found.group(1)},
                          allow_redirects=False, timeout=self.timeout)
        if r.status_code != 302 or "jupyterhub-session-id" not in self.web.cookies:
            raise HubError(f"login as {self.name}: HTTP {r.status_code} (expected 302 with a "
                           "session cookie)")

    def _xsrf_headers(self) -> dict[str, str]:
        xsrf = self.web.cookies.get("_xsrf", path="/hub/") or self.web.cookies.get("_xsrf")
        return {"X-XSRFToken": xsrf} if xsrf else {}

    def request_token(self) -> str:
        """A token of one's own, as the hub's token page makes it (cookie + XSRF header)."""
        self.web.get(self.hub.url + "/hub/token", timeout=self.timeout)  # sets _xsrf
        r = self.web.post(f"{self.hub.url}/hub/api/users/{self.name}/tokens",
                          json={"note": "classroom", "expires_in": 3 * 3600},
                          headers={**self._xsrf_headers(), "Referer": self.hub.url + "/hub/token"},
                          timeout=self.timeout)
        if r.status_code != 201:
            raise HubError(f"token for {self.name}: HTTP {r.status_code} {r.text[:200]}")
        self.token = r.json()["token"]
        return self.token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.hub.url}/hub/api{path}", headers=self.headers(),
                                timeout=kwargs.pop("timeout", self.timeout), **kwargs)

    def start_server(self, timeout: float = 240) -> float:
        """Ask for a server and wait until it is ready; the seconds it took."""
        t0 = time.monotonic()
        r = self.hub_api("POST", f"/users/{self.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"start server: HTTP {r.status_code} {r.text[:200]}")
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            r = self.hub_api("GET", f"/users/{self.name}")
            server = r.json().get("servers", {}).get("", {}) if r.status_code == 200 else {}
            if server.get("ready"):
                return time.monotonic() - t0
            if r.status_code == 200 and not server.get("pending") and not server:
                raise HubError("the server stopped while starting; hub log: "
                               + self.hub.log_tail(10))
            time.sleep(0.5)
        raise HubError(f"server not ready within {timeout:.0f} s")

    def stop_server(self, timeout: float = 60) -> None:
        r = self.hub_api("DELETE", f"/users/{self.name}/server")
        if r.status_code not in (202, 204, 400):
            raise HubError(f"stop server: HTTP {r.status_code}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.hub_api("GET", f"/users/{self.name}")
            if r.status_code == 200 and not r.json().get("servers"):
                return
            time.sleep(0.5)
        raise HubError(f"server still running {timeout:.0f} s after the stop")

    # ----------------------------------------------------------------- nbgitpuller
    def follow_pull_link(self, link: str, timeout: float = 180) -> str:
        """Open an nbgitpuller link as a browser does, and do what its page's script does.

        The link (``/hub/user-redirect/git-pull?...``) goes through the hub to the
        student's server, which logs the browser in with OAuth and serves nbgitpuller's
        page. Its script reads the ``data-*`` attributes of the page, streams
        ``git-pull/api`` (server-sent events) until ``finished``, then opens the page the
        link names. Returns that page's URL.
        """
        page = self.web.get(link, timeout=self.timeout)
        if page.status_code != 200 or "data-targetpath" not in page.text:
            raise HubError(f"pull link: HTTP {page.status_code} at {page.url} "
                           "(no nbgitpuller page)")
        data = {k: urllib.parse.unquote(v)
                for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', page.text)}
        params = {"_xsrf": data.get("xsrf", ""), "repo": data["repo"],
                  "targetpath": data["targetpath"]}
        for key in ("depth", "branch", "backup"):
            if key in data:
                params[key] = data[key]
        base = data["base-url"]
        api = f"{self.hub.url}{base}git-pull/api?{urllib.parse.urlencode(params)}"
        phase, output = None, []
        with self.web.get(api, stream=True, timeout=(self.timeout, timeout)) as events:
            if events.status_code != 200:
                raise HubError(f"git-pull/api: HTTP {events.status_code}")
            deadline = time.monotonic() + timeout
            for line in events.iter_lines(decode_unicode=True):
                if time.monotonic() > deadline:
                    raise HubError(f"git-pull did not finish within {timeout:.0f} s")
                if not line or not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                phase = event.get("phase")
                output.append(event.get("output") or event.get("message") or "")
                if phase in ("finished", "error"):
                    break
        if phase != "finished":
            raise HubError(f"git-pull ended with phase {phase!r}: {''.join(output)[-500:]}")
        target = f"{self.hub.url}{base}{data['path']}"
        landing = self.web.get(target, timeout=self.timeout)
        if landing.status_code != 200:
            raise HubError(f"after the pull, {target}: HTTP {landing.status_code}")
        return target

    # ----------------------------------------------------------------- server APIs
    def server_api(self, method: str, path: str, token: str | None = None,
                   **kwargs) -> requests.Response:
        """A request to the student's own server (or, with ``user=``, someone else's)."""
        user = kwargs.pop("user", self.name)
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.hub.url}/user/{user}/api{path}",
                                headers=headers, timeout=kwargs.pop("timeout", self.timeout),
                                **kwargs)

    def get_notebook(self, path: str) -> dict:
        r = self.server_api("GET", "/contents/" + urllib.parse.quote(path),
                            params={"content": 1, "type": "notebook"})
        if r.status_code != 200:
            raise HubError(f"GET {path}: HTTP {r.status_code}")
        return r.json()["content"]

    def save_notebook(self, path: str, notebook: dict) -> dict:
        r = self.server_api("PUT", "/contents/" + urllib.parse.quote(path),
                            json={"type": "notebook", "format": "json", "content": notebook})
        if r.status_code not in (200, 201):
            raise HubError(f"save {path}: HTTP {r.status_code} {r.text[:200]}")
        return r.json()

    def open_kernel(self, path: str, timeout: float = 120) -> "Kernel":
        """A session for the notebook (as JupyterLab opens one) and its kernel's websocket."""
        r = self.server_api("POST", "/sessions", json={
            "path": path, "name": Path(path).name, "type": "notebook",
            "kernel": {"name": "python3"}}, timeout=timeout)
        if r.status_code != 201:
            raise HubError(f"new session for {path}: HTTP {r.status_code} {r.text[:200]}")
        session = r.json()
        kernel = Kernel(self, session["kernel"]["id"], session["id"])
        kernel.connect(timeout)
        return kernel


# --------------------------------------------------------------------------- the kernel
def _unpack_binary(frame: bytes) -> dict:
    """A binary websocket frame of Jupyter's default protocol: offsets, JSON, buffers."""
    nbufs = struct.unpack("!I", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4:4 * (nbufs + 1)])) + [len(frame)]
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(nbufs)]
    msg = json.loads(parts[0])
    msg["buffers"] = parts[1:]
    return msg


class Kernel:
    """A front end on one kernel's websocket: execute, collect outputs, talk to widgets."""

    def __init__(self, student: Student, kernel_id: str, session_id: str):
        self.student, self.id, self.session_id = student, kernel_id, session_id
        self.ws: websocket.WebSocket | None = None
        self.client_session = uuid.uuid4().hex
        self.comms: dict[str, dict] = {}  # comm_id -> {"state": ..., "buffers": ...}
        self.comm_updates: list[dict] = []  # comm_msg messages, in order
        self.reconnects = 0  # websockets the server closed while the kernel was starting

    def connect(self, timeout: float, attempts: int = 3) -> None:
        """Open the websocket and wait for the kernel; reconnect if the server drops it.

        JupyterLab reconnects a kernel's websocket that closes (it shows "Kernel
        connecting"); so does this, at most ``attempts`` times within ``timeout``.
        """
        url = (self.student.server.replace("http://", "ws://")
               + f"/api/kernels/{self.id}/channels?session_id={self.client_session}")
        deadline = time.monotonic() + timeout
        for attempt in range(1, attempts + 1):
            remaining = max(1.0, deadline - time.monotonic())
            try:
                self.ws = websocket.create_connection(
                    url, header=[f"Authorization: token {self.student.token}"],
                    timeout=remaining)
                self.wait_ready(remaining)
                return
            except (websocket.WebSocketConnectionClosedException, ConnectionError) as exc:
                self.close()
                self.reconnects += 1
                if attempt == attempts or time.monotonic() >= deadline:
                    raise HubError(f"the kernel's websocket closed {attempt} times: {exc}") from exc
                time.sleep(1)

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            finally:
                self.ws = None

    def _message(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "version": "5.3",
                       "session": self.client_session, "username": self.student.name,
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": [],
        }

    def _send(self, msg: dict) -> str:
        self.ws.send(json.dumps(msg))
        return msg["header"]["msg_id"]

    def _recv(self, deadline: float) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise HubError("the kernel did not answer in time")
        self.ws.settimeout(remaining)
        try:
            opcode, data = self.ws.recv_data()
        except websocket.WebSocketTimeoutException:
            raise HubError("the kernel did not answer in time") from None
        if opcode == websocket.ABNF.OPCODE_BINARY:
            msg = _unpack_binary(data)
        else:
            msg = json.loads(data)
            msg.setdefault("buffers", [])
        self._track_comms(msg)
        return msg

    def _track_comms(self, msg: dict) -> None:
        kind = msg.get("msg_type") or msg["header"]["msg_type"]
        content = msg.get("content", {})
        if kind == "comm_open":
            data = content.get("data", {})
            self.comms[content["comm_id"]] = {
                "state": dict(data.get("state", {})),
                "buffers": _buffers_by_path(data.get("buffer_paths", []), msg["buffers"]),
                "opened_by": msg.get("parent_header", {}).get("msg_id")}
        elif kind == "comm_msg":
            self.comm_updates.append(msg)
            comm = self.comms.get(content.get("comm_id"))
            data = content.get("data", {})
            if comm is not None and data.get("method") in ("update", "echo_update"):
                comm["state"].update(data.get("state", {}))
                comm["buffers"].update(_buffers_by_path(data.get("buffer_paths", []),
                                                        msg["buffers"]))

    def wait_ready(self, timeout: float) -> None:
        """kernel_info until it answers (the kernel may still be starting)."""
        deadline = time.monotonic() + timeout
        while True:
            msg_id = self._send(self._message("kernel_info_request", {}))
            try:
                step = min(deadline, time.monotonic() + 10)
                while True:
                    msg = self._recv(step)
                    if (msg.get("channel") == "shell"
                            and msg["parent_header"].get("msg_id") == msg_id):
                        return
            except HubError:
                if time.monotonic() >= deadline:
                    raise HubError(f"the kernel gave no kernel_info within {timeout:.0f} s")

    def _until_idle(self, msg_id: str, timeout: float) -> tuple[list[dict], dict | None]:
        """iopub messages caused by ``msg_id`` until its 'idle', and its shell reply."""
        deadline = time.monotonic() + timeout
        messages, reply, idle = [], None, False
        while not (idle and reply is not None):
            msg = self._recv(deadline)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg.get("channel") == "shell":
                reply = msg
            elif msg.get("channel") == "iopub":
                messages.append(msg)
                if msg["header"]["msg_type"] == "status" and \
                        msg["content"]["execution_state"] == "idle":
                    idle = True
        return messages, reply

    def execute(self, code: str, timeout: float = 120) -> tuple[list[dict], dict]:
        """Run one cell; its nbformat outputs and the reply's content."""
        msg = self._message("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        messages, reply = self._until_idle(self._send(msg), timeout)
        return [o for o in map(_nbformat_output, messages) if o], reply["content"]

    def update_widget(self, comm_id: str, state: dict, timeout: float = 60,
                      until: Callable[[list[dict]], bool] | None = None) -> list[dict]:
        """Send what a front end sends when the learner moves a control; the kernel's answer.

        The messages returned are the comm messages the kernel sent while handling it
        (the echo of the new value, and the explorer's redrawn figure). The kernel is idle
        again once it has *taken* the change; an explorer draws a change that comes from a
        front end on a thread of its own ("latest wins", gdcourse/widgets/_base.py), so its
        figure may come after that: ``until(messages)`` says when what is awaited is there
        (at most ``timeout`` seconds in all).
        """
        before = len(self.comm_updates)
        msg = self._message("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}})
        msg_id = self._send(msg)
        deadline = time.monotonic() + timeout
        idle = False
        while time.monotonic() < deadline:
            if idle and (until is None or until(self.comm_updates[before:])):
                return self.comm_updates[before:]
            try:
                msg = self._recv(deadline)
            except HubError:
                if idle:  # taken, but what was awaited never came: the caller says so
                    return self.comm_updates[before:]
                raise
            if (msg.get("channel") == "iopub" and msg["header"]["msg_type"] == "status"
                    and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"]["execution_state"] == "idle"):
                idle = True
        if idle:
            return self.comm_updates[before:]
        raise HubError("no answer to the widget update in time")


def _buffers_by_path(paths: list, buffers: list) -> dict:
    return {"/".join(map(str, p)): bytes(b) for p, b in zip(paths, buffers)}


def _nbformat_output(msg: dict) -> dict | None:
    kind, content = msg["header"]["msg_type"], msg["content"]
    if kind == "stream":
        return {"output_type": "stream", "name": content["name"], "text": content["text"]}
    if kind in ("display_data", "execute_result"):
        out = {"output_type": kind, "data": content["data"],
               "metadata": content.get("metadata", {})}
        if kind == "execute_result":
            out["execution_count"] = content.get("execution_count")
        return out
    if kind == "error":
        return {"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                "traceback": content["traceback"]}
    return None
