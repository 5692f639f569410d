"""One student cannot reach another student's server or files with their own credentials.

Two students, ann and ben, each with a running server, a kernel and a saved notebook.
With ann's own token (or her browser session) every way into ben's server is refused
with 403 by the server or by the hub, and ben's notebook is the same afterwards.

What this covers: the hub's and the servers' access control (tokens, OAuth, scopes). All
servers of this local test hub run as one Unix user (SimpleLocalProcessSpawner), so code
in ann's *kernel* could still open ben's files; on a real hub, separate Unix users
(The Littlest JupyterHub) or separate containers (Zero to JupyterHub) keep kernels
apart. notebooks/README.md says so.
"""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
import requests
import websocket

import hubkit
from conftest import make_hub

NOTEBOOK = "notes.ipynb"
SECRET = "ben's work, nobody else's"


def notebook_with(text):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "markdown", "id": "c1", "metadata": {}, "source": text}]}


@pytest.fixture(scope="module")
def two_students(hub_requirements):
    hub = make_hub()
    try:
        hub.start()
        students = {}
        for name in ("ann", "ben"):
            s = hub.student(name)
            s.login()
            s.request_token()
            s.start_server()
            s.save_notebook(NOTEBOOK, notebook_with(f"{name}'s notes" if name == "ann" else SECRET))
            students[name] = s
        kernel = students["ben"].open_kernel(NOTEBOOK)
        kernel.close()
        yield hub, students["ann"], students["ben"], kernel.id
    finally:
        hub.shutdown()
        shutil.rmtree(hub.work, ignore_errors=True)


def test_each_student_reaches_their_own_server(two_students):
    hub, ann, ben, _ = two_students
    for s in (ann, ben):
        assert s.server_api("GET", "/contents").status_code == 200
    assert "ben's work" in str(ben.get_notebook(NOTEBOOK))


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/contents"),
    ("GET", f"/api/contents/{NOTEBOOK}"),
    ("PUT", "/api/contents/stolen.ipynb"),
    ("DELETE", f"/api/contents/{NOTEBOOK}"),
    ("GET", "/api/kernels"),
    ("POST", "/api/sessions"),
    ("GET", f"/files/{NOTEBOOK}"),
    ("GET", "/api/terminals"),
])
def test_anns_token_is_refused_by_bens_server(two_students, method, path):
    hub, ann, ben, _ = two_students
    body = {"type": "notebook", "content": notebook_with("ann was here")} if method == "PUT" else None
    r = requests.request(method, f"{hub.url}/user/ben{path}", json=body, timeout=30,
                         headers=ann.headers(), allow_redirects=False)
    assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
    assert SECRET not in r.text


def test_anns_token_cannot_open_bens_kernel(two_students):
    hub, ann, ben, kernel_id = two_students
    url = hub.url.replace("http://", "ws://") + f"/user/ben/api/kernels/{kernel_id}/channels"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, header=[f"Authorization: token {ann.token}"], timeout=30)
    assert refused.value.status_code == 403


def test_anns_token_cannot_act_on_ben_at_the_hub(two_students):
    hub, ann, ben, _ = two_students
    for method, path in [("GET", "/users/ben"), ("POST", "/users/ben/server"),
                         ("DELETE", "/users/ben/server"), ("POST", "/users/ben/tokens"),
                         ("GET", "/users/ben/tokens")]:
        r = ann.hub_api(method, path)
        # The hub answers 404 where even saying "ben exists" is more than ann may know.
        assert r.status_code in (403, 404), (method, path, r.status_code)
    assert ben.hub_api("GET", "/users/ben").json()["servers"][""]["ready"]


def test_anns_browser_session_is_refused_by_bens_server(two_students):
    hub, ann, ben, _ = two_students
    r = ann.web.get(f"{hub.url}/user/ben/lab", timeout=30)  # follows the OAuth redirects
    assert r.status_code == 403, (r.status_code, r.url)
    assert SECRET not in r.text


def test_ann_cannot_climb_out_of_her_own_folder(two_students):
    hub, ann, ben, _ = two_students
    for path in ("../ben/" + NOTEBOOK, "..%2Fben%2F" + NOTEBOOK, "%2E%2E/ben/" + NOTEBOOK):
        r = requests.get(f"{hub.url}/user/ann/api/contents/{path}", headers=ann.headers(),
                         timeout=30)
        assert r.status_code in (400, 403, 404), (path, r.status_code)
        assert SECRET not in r.text
        r = requests.get(f"{hub.url}/user/ann/files/{path}", headers=ann.headers(), timeout=30)
        assert r.status_code in (400, 403, 404), (path, r.status_code)
        assert SECRET not in r.text


def test_no_token_no_entry(two_students):
    hub, ann, ben, _ = two_students
    r = requests.get(f"{hub.url}/user/ben/api/contents/{NOTEBOOK}", timeout=30)
    assert r.status_code == 403
    r = requests.get(f"{hub.url}/user/ben/api/contents/{NOTEBOOK}", timeout=30,
                     headers={"Authorization": "token " + "0" * 32})
    assert r.status_code == 403


def test_bens_notebook_is_untouched(two_students):
    hub, ann, ben, _ = two_students
    assert ben.get_notebook(NOTEBOOK)["cells"][0]["source"] == SECRET
    names = {item["name"] for item in ben.server_api("GET", "/contents").json()["content"]}
    assert "stolen.ipynb" not in names
