#!/usr/bin/env bash
# The course on The Littlest JupyterHub (TLJH): one server, up to about a hundred learners.
#
# On a fresh Ubuntu server (22.04 or 24.04), as root, from a clone of the course:
#
#   git clone <the course's repository> gdcourse
#   sudo bash gdcourse/deploy/tljh/setup.sh --admin <your name> --hub-url https://<server>
#
# It installs TLJH if it is not there yet (its bootstrap script, from tljh.jupyter.org),
# installs the course's package from this clone into TLJH's user environment (which
# already has JupyterLab, ipywidgets and nbgitpuller), builds matplotlib's font cache
# for every user TLJH creates from now on, sets the per-learner limits and the idle culler
# (TLJH runs jupyterhub-idle-culler), and prints the nbgitpuller link to hand out.
# Run it again after `git pull` to update the package: it changes only what differs.
#
# Limits: measured with `python3 tasks.py classroom` (notebooks/README.md, "How big a
# hub"): a learner's server and kernels peak at 0.4 GB with one chapter open, 0.7 GB with
# the lab plan's three, so 1G leaves 40 % headroom; one core per learner at most, so one
# learner's run cannot slow the rest down.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
course="$(cd "$here/../.." && pwd)"
admin=""
hub_url=""
memory="1G"
cpu="1"
cull_timeout="3600"   # seconds without activity before a server is stopped
cull_every="300"

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo "options: --admin NAME (first install) --hub-url URL --memory 1G --cpu 1 --cull-timeout 3600"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --admin) admin="$2"; shift 2 ;;
        --hub-url) hub_url="$2"; shift 2 ;;
        --memory) memory="$2"; shift 2 ;;
        --cpu) cpu="$2"; shift 2 ;;
        --cull-timeout) cull_timeout="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    echo "run this as root (sudo bash $0 ...)" >&2
    exit 1
fi
if [ ! -f "$course/pyproject.toml" ] || [ ! -f "$course/course/course.toml" ]; then
    echo "run this from a clone of the course (no pyproject.toml in $course)" >&2
    exit 1
fi

prefix="${TLJH_INSTALL_PREFIX:-/opt/tljh}"
user_env="$prefix/user"

# 1. TLJH itself, once.
if [ ! -x "$user_env/bin/python" ]; then
    if [ -z "$admin" ]; then
        echo "TLJH is not installed yet: give the first admin with --admin NAME" >&2
        exit 2
    fi
    curl -fsSL https://tljh.jupyter.org/bootstrap.py | python3 - --admin "$admin"
fi

# 2. The course's package, from this clone, into the users' environment.
"$user_env/bin/python" -m pip install --no-cache-dir --upgrade "$course"

# 3. matplotlib's font cache for every user TLJH creates from now on (it copies
#    /etc/skel into each new home), so no learner's first figure waits for it.
install -d -m 0755 /etc/skel/.cache/matplotlib
MPLCONFIGDIR=/etc/skel/.cache/matplotlib "$user_env/bin/python" -c "import matplotlib.font_manager"
chmod -R a+rX /etc/skel/.cache

# 4. Kernels on one machine pick free TCP ports as they start; when a class starts together,
#    two can pick the same one. Without the port cache a kernel's automatic restart takes
#    new ports and recovers (with it, it retries the taken ones and dies; seen in
#    `python3 tasks.py classroom`).
install -d "$user_env/etc/jupyter/jupyter_server_config.d"
cat > "$user_env/etc/jupyter/jupyter_server_config.d/gdcourse.json" <<'JSON'
{"KernelManager": {"cache_ports": false}}
JSON

# 5. One BLAS thread per kernel (the course's matrices are tiny; benchmarks/README.md).
install -d "$prefix/config/jupyterhub_config.d"
cat > "$prefix/config/jupyterhub_config.d/gdcourse.py" <<'PY'
# Written by gdcourse's deploy/tljh/setup.sh.
c.Spawner.environment.update(
    {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
PY

# 6. Limits per learner and the idle culler, then reload the hub (running servers go on).
tljh-config set limits.memory "$memory"
tljh-config set limits.cpu "$cpu"
tljh-config set user_environment.default_app jupyterlab
tljh-config set services.cull.enabled true
tljh-config set services.cull.timeout "$cull_timeout"
tljh-config set services.cull.every "$cull_every"
tljh-config set services.cull.users false
tljh-config reload hub

"$user_env/bin/python" -m gdcourse.doctor || true

# 7. The link to hand out (repository, branch and first page from course/course.toml).
echo
if [ -n "$hub_url" ]; then
    echo "The link for your learners:"
    python3 "$course/tasks.py" pull-link --hub "$hub_url"
else
    echo "The link for your learners: python3 $course/tasks.py pull-link --hub https://<this server>"
fi
