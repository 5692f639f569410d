"""With a Unix user per student (as on The Littlest JupyterHub), one student's *kernel*
cannot read another student's files either.

The test hub of test_isolation.py runs every server as one Unix user, so there only the
hub's and the servers' access control separates students. Here (root only) each student
is a Unix user of their own with a private home (0700, as TLJH makes them), started by
LocalProcessSpawner: code that ann runs in her kernel cannot open ben's notebook, list
his home or write into it. The users are deleted again at the end.
"""

from __future__ import annotations

import os
import shutil
import secrets

import pytest

from conftest import make_hub
from test_isolation import SECRET, notebook_with


@pytest.fixture(scope="module")
def two_unix_students(hub_requirements):
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to make a Unix user per student")
    hub = make_hub(system_users=True)
    tag = secrets.token_hex(3)
    names = {"ann": f"gdc{tag}ann", "ben": f"gdc{tag}ben"}
    try:
        homes = {who: hub.add_system_user(name) for who, name in names.items()}
        hub.start()
        students = {}
        for who, name in names.items():
            s = hub.student(name)
            s.login()
            s.request_token()
            s.start_server()
            s.save_notebook("notes.ipynb", notebook_with(SECRET if who == "ben" else "mine"))
            students[who] = s
        kernel = students["ann"].open_kernel("notes.ipynb")
        yield hub, students, homes, kernel
        kernel.close()
    finally:
        hub.shutdown()
        shutil.rmtree(hub.work, ignore_errors=True)


def run(kernel, code):
    outputs, reply = kernel.execute(code)
    assert reply["status"] == "ok", reply
    return "".join(o.get("text", "") for o in outputs).strip()


def test_each_server_runs_as_its_students_own_user(two_unix_students):
    hub, students, homes, kernel = two_unix_students
    assert run(kernel, "import getpass; print(getpass.getuser())") == students["ann"].name
    assert oct(homes["ben"].stat().st_mode & 0o777) == "0o700"
    assert (homes["ben"] / "notes.ipynb").stat().st_uid != (homes["ann"] / "notes.ipynb").stat().st_uid


def test_anns_kernel_cannot_read_list_or_write_bens_home(two_unix_students):
    hub, students, homes, kernel = two_unix_students
    ben = homes["ben"]
    for code in (f"open({str(ben / 'notes.ipynb')!r}).read()",
                 f"import os; os.listdir({str(ben)!r})",
                 f"open({str(ben / 'planted.py')!r}, 'w').write('x')"):
        out = run(kernel, f"try:\n    {code}\n    print('REACHED')\n"
                          f"except PermissionError:\n    print('refused')")
        assert out == "refused", code
    assert not (ben / "planted.py").exists()


def test_the_font_cache_came_with_the_new_home(two_unix_students):
    hub, students, homes, kernel = two_unix_students
    out = run(kernel, "import matplotlib, os; print(matplotlib.get_cachedir())")
    assert out == str(homes["ann"] / ".cache" / "matplotlib")
    assert any(p.name.startswith("fontlist") for p in (homes["ann"] / ".cache" / "matplotlib").iterdir())
