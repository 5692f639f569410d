"""No lost work: after a hub restart every student's saved notebook is still there.

Three students pull the course with its nbgitpuller link, change a chapter and save it.
Then the hub restarts twice: once while their servers run (as when an administrator
reloads the hub's configuration mid-lab: the servers and kernels carry on, and the same
tokens work), and once after every server was stopped (the next morning: students log in
again, start a server, find their notebook). Clicking the pull link again keeps the
students' changes (nbgitpuller merges; it never overwrites the learner's edits).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import make_hub

NAMES = ("amy", "bob", "cat")
CHAPTER = "gdcourse/notebooks/03_learning_rate.ipynb"


def mark(name):
    return f"{name}'s own note: the largest stable rate is 2/λmax"


@pytest.fixture(scope="module")
def class_with_saved_work(hub_requirements, course_remote, tasks):
    hub = make_hub()
    try:
        hub.start()
        link = tasks.pull_link(hub.url, str(course_remote), "main",
                               "notebooks/03_learning_rate.ipynb")
        students = {}
        for name in NAMES:
            s = hub.student(name)
            s.login()
            s.request_token()
            s.start_server()
            s.follow_pull_link(link)
            notebook = s.get_notebook(CHAPTER)
            notebook["cells"].append({"cell_type": "markdown", "id": f"mine-{name}",
                                      "metadata": {}, "source": mark(name)})
            s.save_notebook(CHAPTER, notebook)
            students[name] = s
        kernel = students["amy"].open_kernel(CHAPTER)
        kernel.execute("remembered = 6 * 7")
        kernel.close()
        yield hub, students, link, kernel.id
    finally:
        hub.shutdown()
        shutil.rmtree(hub.work, ignore_errors=True)


def saved_mark(student):
    return student.get_notebook(CHAPTER)["cells"][-1]["source"]


def test_servers_kernels_and_work_survive_a_hub_restart(class_with_saved_work):
    hub, students, link, kernel_id = class_with_saved_work
    pids = {name: hub.server_pid(name) for name in NAMES}
    hub.restart()
    for name, s in students.items():
        server = s.hub_api("GET", f"/users/{name}").json()["servers"][""]
        assert server["ready"], name
        assert hub.server_pid(name) == pids[name], "the server was not restarted"
        assert saved_mark(s) == mark(name)
    kernel = students["amy"].server_api("GET", f"/kernels/{kernel_id}")
    assert kernel.status_code == 200
    from hubkit import Kernel
    k = Kernel(students["amy"], kernel_id, "")
    k.connect(60)
    try:
        outputs, reply = k.execute("print(remembered)")
    finally:
        k.close()
    assert reply["status"] == "ok" and outputs[0]["text"].strip() == "42"


def test_work_survives_stopped_servers_and_a_hub_restart(class_with_saved_work):
    hub, students, link, _ = class_with_saved_work
    for s in students.values():
        s.stop_server()
    hub.restart()
    for name in NAMES:
        s = hub.student(name)  # a new browser: log in again, start again
        s.login()
        s.request_token()
        s.start_server()
        assert saved_mark(s) == mark(name)
        students[name] = s


def test_pulling_again_keeps_the_students_changes(class_with_saved_work):
    hub, students, link, _ = class_with_saved_work
    for name, s in students.items():
        s.follow_pull_link(link)
        assert saved_mark(s) == mark(name)
