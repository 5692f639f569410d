"""Test folders that run only when asked for (tests/browser, tests/hub, tests/site).

``pytest tests`` (and ``python3 tasks.py test``) must stay fast, so these folders' test
files are collected only when the folder, or a file in it, is named on the command line,
or when their environment variable is set to 1/yes/true. A folder's conftest.py says::

    pytest_ignore_collect = unless_requested(HERE, "GDCOURSE_HUB")
"""

from __future__ import annotations

import os
from pathlib import Path


def requested(config, folder: Path, variable: str) -> bool:
    """True when ``folder`` was asked for: named on the command line, or ``variable`` set."""
    if os.environ.get(variable, "").lower() in ("1", "yes", "true"):
        return True
    for arg in config.invocation_params.args:
        arg = str(arg).split("::")[0]
        if not arg or arg.startswith("-"):
            continue
        path = (Path(config.invocation_params.dir) / arg).resolve()
        if path == folder or folder in path.parents:
            return True
    return False


def unless_requested(folder: Path, variable: str):
    """A ``pytest_ignore_collect`` hook that skips ``folder``'s test files unless asked for."""

    def pytest_ignore_collect(collection_path, config):
        if collection_path.suffix == ".py" and folder in collection_path.parents:
            if not requested(config, folder, variable):
                return True
        return None

    return pytest_ignore_collect
