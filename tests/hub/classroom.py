"""A class on a real JupyterHub on this machine: N students at once, as in a lab session.

    python3 tasks.py classroom --students 10 [--chapter 03_learning_rate] [--json FILE]
    python3 tasks.py classroom --students 5 --chapter 00_welcome,03_learning_rate,05_momentum_adaptive

It starts JupyterHub (tests/hub/hubkit.py: DummyAuthenticator with a password,
SimpleLocalProcessSpawner, a home folder per student, the idle culler) on 127.0.0.1,
publishes the committed course as a local git repository, and lets every student, all at
the same time (one thread each):

1. log in through the login form, and get a token as the hub's token page does;
2. start a server and wait until it is ready;
3. open the course's nbgitpuller link (made by tasks.py's ``pull_link`` from
   course/course.toml, pointed at the local repository) and run the pull as its page does;
4. open the student version of the chapter in a kernel and run it top to bottom through
   the server's REST and websocket APIs (the chapter time: first cell sent to last reply);
5. move an explorer's slider by sending the widget message a front end sends, and check
   that the figure changed (a new PNG arrives for the explorer's Image widget);
6. do an exercise: put the solved version of its cell in (from the pulled
   notebooks/solutions), run it and its check, and expect "passed";
7. save the notebook, with its outputs, through the contents API, and read it back.

With several chapters (``--chapter A,B,C``, the 90-minute lab plan of notebooks/README.md
for instance) each student does 4-7 for each in turn, and leaves every kernel running,
as learners who close a tab without shutting its kernel down do.

Then it reads each student's memory (server + kernel) from /proc, stops everything it
started (always, also on Ctrl+C or a failure) and prints, last:

    classroom: N students, F failures, M MB per student, T s median chapter time, P s p95

M is the mean over students of the peak resident memory (VmHWM) of their server and
kernel processes added up: what a per-student memory limit must allow. The lines above
it give the proportional share (PSS, what N students add up to on one machine), the CPU
seconds of each kernel for the chapter, and the machine's load while it ran.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hubkit  # noqa: E402
from hubkit import ROOT, Hub, HubError  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
VIEW = "application/vnd.jupyter.widget-view+json"
SLIDERS = {"FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"}


def load_tasks():
    spec = importlib.util.spec_from_file_location("gdcourse_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --------------------------------------------------------------------------- one student
def exercise_cells(cells):
    """(index of the exercise cell, index of its check cell, function name), first one.

    The check is in a later cell or, in some chapters, at the end of the exercise's cell.
    """
    for i, cell in enumerate(cells):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and "raise NotImplementedError" in src \
                and src.startswith("def "):
            name = src.split("(", 1)[0][4:].strip()
            for j in range(i, len(cells)):
                if f"check_{name}(" in "".join(cells[j]["source"]):
                    return i, j, name
    raise HubError("the chapter has no exercise with a check")


def solved_source(solutions, name):
    for cell in solutions["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and src.startswith(f"def {name}("):
            return src
    raise HubError(f"no solved cell for {name} in the solutions")


def new_slider_value(state):
    """A value a learner could pick: halfway from the current value to the far end."""
    lo, hi, value, step = state["min"], state["max"], state["value"], state.get("step") or 1
    if state["_model_name"] == "FloatLogSliderModel":
        import math
        base = state.get("base", 10)
        exponent = math.log(value, base)
        target = (exponent + (hi if hi - exponent > exponent - lo else lo)) / 2
        return base ** (lo + round((target - lo) / step) * step)
    target = (value + (hi if hi - value > value - lo else lo)) / 2
    new = lo + round((target - lo) / step) * step
    return int(new) if state["_model_name"] == "IntSliderModel" else float(new)


def shown_models(kernel, root):
    """The widget models a front end renders for the view of ``root``: it and its children."""
    seen, todo = [], [root]
    while todo:
        cid = todo.pop(0)
        if cid in seen or cid not in kernel.comms:
            continue
        seen.append(cid)
        for value in kernel.comms[cid]["state"].values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith("IPY_MODEL_"):
                    todo.append(item[len("IPY_MODEL_"):])
    return seen


def widget_views(outputs):
    return [o["data"][VIEW]["model_id"] for o in outputs
            if o["output_type"] in ("display_data", "execute_result") and VIEW in o["data"]]


def move_an_explorer(kernel, cells):
    """Move the first slider of the first live explorer; seconds until its new figure came.

    A live explorer shows an Image and a slider and no Run button (a heavy explorer
    redraws only when Run is pressed).
    """
    for cell in cells:
        for root in widget_views(cell.get("outputs", [])):
            models = {cid: kernel.comms[cid] for cid in shown_models(kernel, root)}
            names = {cid: c["state"].get("_model_name") for cid, c in models.items()}
            images = [cid for cid, name in names.items() if name == "ImageModel"]
            sliders = [cid for cid, name in names.items() if name in SLIDERS]
            has_run = any(names[cid] == "ButtonModel" and c["state"].get("description") == "Run"
                          for cid, c in models.items())
            if images and sliders and not has_run:
                break
        else:
            continue
        break
    else:
        raise HubError("no live explorer (an Image and a slider, no Run button) in the chapter")
    image, slider = images[0], sliders[0]
    before = kernel.comms[image]["buffers"].get("value", b"")
    value = new_slider_value(kernel.comms[slider]["state"])
    t0 = time.monotonic()

    def pictures_in(replies):
        return [m for m in replies if m["content"]["comm_id"] == image
                and ["value"] in m["content"]["data"].get("buffer_paths", [])]

    replies = kernel.update_widget(slider, {"value": value}, until=pictures_in)
    seconds = time.monotonic() - t0
    pictures = pictures_in(replies)
    if not pictures:
        raise HubError(f"moved {kernel.comms[slider]['state'].get('description')!r} to "
                       f"{value}: no new figure came")
    after = bytes(pictures[-1]["buffers"][0])
    if not after.startswith(PNG) or after == before:
        raise HubError("the explorer sent a figure, but not a new PNG")
    return seconds


def work_through(hub, student, folder, chapter, explorer_required):
    """One chapter: run it top to bottom, move an explorer, do an exercise, save. A dict.

    The kernel is left running when the next chapter starts, as it is when a learner
    closes a tab without shutting its kernel down.
    """
    run = {"chapter": chapter}
    step = f"{chapter}: run the chapter"
    try:
        path = f"{folder}/notebooks/{chapter}.ipynb"
        notebook = student.get_notebook(path)
        known = set(hubkit.student_processes(hub.run_id, student.name))
        kernel = student.open_kernel(path)
        try:
            kernel_pids = [p for p in hubkit.student_processes(hub.run_id, student.name)
                           if p not in known and hubkit.is_kernel(p)]
            cpu0 = sum(map(hubkit.cpu_seconds, kernel_pids))
            t0 = time.monotonic()
            for i, cell in enumerate(notebook["cells"]):
                if cell["cell_type"] != "code":
                    continue
                outputs, reply = kernel.execute("".join(cell["source"]), timeout=300)
                cell["outputs"], cell["execution_count"] = outputs, reply.get("execution_count")
                if reply["status"] != "ok":
                    raise HubError(f"cell {i}: {reply.get('ename')}: {reply.get('evalue')}")
            run["chapter_s"] = time.monotonic() - t0
            run["chapter_cpu_s"] = sum(map(hubkit.cpu_seconds, kernel_pids)) - cpu0
            run["reconnects"] = kernel.reconnects

            step = f"{chapter}: move an explorer"
            try:
                run["explorer_s"] = move_an_explorer(kernel, notebook["cells"])
            except HubError as exc:
                if explorer_required or "no live explorer" not in str(exc):
                    raise
                run["explorer"] = "none live in this chapter"

            step = f"{chapter}: do an exercise"
            ex, check, fname = exercise_cells(notebook["cells"])
            solutions = student.get_notebook(f"{folder}/notebooks/solutions/{chapter}.ipynb")
            notebook["cells"][ex]["source"] = solved_source(solutions, fname)
            for i in dict.fromkeys((ex, check)):  # once, where both are one cell
                outputs, reply = kernel.execute("".join(notebook["cells"][i]["source"]))
                notebook["cells"][i]["outputs"] = outputs
                notebook["cells"][i]["execution_count"] = reply.get("execution_count")
            shown = " ".join(o.get("data", {}).get("text/plain", "")
                             for o in notebook["cells"][check]["outputs"])
            if "✔ Passed" not in shown:  # what the learner reads (CheckResult's display)
                raise HubError(f"check_{fname} did not pass: {shown[:300]}")
            run["exercise"] = fname
        finally:
            kernel.close()

        step = f"{chapter}: save the notebook"
        student.save_notebook(path, notebook)
        saved = student.get_notebook(path)
        if "".join(saved["cells"][ex]["source"]) != "".join(notebook["cells"][ex]["source"]) \
                or not saved["cells"][check]["outputs"]:
            raise HubError("the notebook read back is not the one saved")
    except HubError as exc:
        raise HubError(f"{step}: {exc}") from exc
    except Exception as exc:
        raise RuntimeError(f"{step}: {exc!r}") from exc
    return run


def run_student(hub, name, link, folder, chapters, result, explorer_required=True):
    """The whole session of one student; fills ``result`` as it goes."""
    step = "login"
    result["chapters"], result["runs"] = list(chapters), []
    try:
        student = hub.student(name)
        t0 = time.monotonic()
        student.login()
        student.request_token()
        result["login_s"] = time.monotonic() - t0
        step = "start server"
        result["server_start_s"] = student.start_server()
        step = "pull (nbgitpuller)"
        t0 = time.monotonic()
        student.follow_pull_link(link)
        result["pull_s"] = time.monotonic() - t0
        step = "work"
        for chapter in chapters:
            result["runs"].append(work_through(hub, student, folder, chapter, explorer_required))
        if not any("explorer_s" in run for run in result["runs"]):
            raise HubError("no explorer was moved in any of the chapters")
        result["ok"] = True
    except Exception as exc:  # one student's failure must not stop the class
        result["ok"] = False
        result["failure"] = f"{step}: {exc}" if step != "work" else str(exc)
        if not isinstance(exc, HubError):
            result["traceback"] = traceback.format_exc(limit=5)


# --------------------------------------------------------------------------- the class
def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 tasks.py classroom", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--chapter", default="03_learning_rate",
                        help="the notebook every student works through (default: the lab "
                             "plan's first); several, comma-separated: each student works "
                             "through them in turn, leaving each kernel running; 'all': "
                             "student i takes chapter i mod 8. With more than one chapter, a "
                             "chapter without a live explorer skips that step")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds the whole class may take (default 1800)")
    parser.add_argument("--cache-kernel-ports", action="store_true",
                        help="Jupyter's default, which deploy/tljh turns off: a kernel whose "
                             "port another kernel took at the same moment never recovers")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (homes, hub log) and print its path")
    options = parser.parse_args(argv)
    if not 1 <= options.students <= 200:
        parser.error("--students must be between 1 and 200")
    chapters = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    wanted = [] if options.chapter == "all" else options.chapter.split(",")
    if set(wanted) - set(chapters):
        parser.error(f"no notebooks/{sorted(set(wanted) - set(chapters))[0]}.ipynb")

    # A stop from outside (tasks.py passes Ctrl+C on as SIGTERM, CI's time limit) must run
    # the clean-up below like any other exit.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="gdcourse-classroom-"))
    tasks = load_tasks()
    config = tasks.read_course_config()
    remote = work / "remote" / config["repository"].rstrip("/").split("/")[-1]
    commit = hubkit.publish_course(remote, branch=config["branch"])
    hub = Hub(work / "hub", cache_kernel_ports=options.cache_kernel_ports)
    names = [f"student{i:03d}" for i in range(1, options.students + 1)]
    chapter_of = {name: [chapters[i % len(chapters)]] if options.chapter == "all" else wanted
                  for i, name in enumerate(names)}
    links = {c: tasks.pull_link(hub.url, str(remote), config["branch"], f"notebooks/{c}.ipynb")
             for c in chapters}
    results = {name: {"name": name} for name in names}
    load0, busy0, t_start = os.getloadavg(), hubkit.machine_busy_seconds(), time.monotonic()
    avail0 = _mem_available()
    print(f"classroom: {options.students} students, chapter {options.chapter}, course at "
          f"{commit[:10]}, hub at {hub.url} (work folder {work})", flush=True)
    ours_cpu, hub_mb, avail1, left = 0.0, float("nan"), float("nan"), []
    try:
        hub.start()
        threads = [threading.Thread(target=run_student, daemon=True,
                                    args=(hub, name, links[chapter_of[name][0]], remote.name,
                                          chapter_of[name], results[name],
                                          len(chapter_of[name]) == 1 and options.chapter != "all"))
                   for name in names]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + options.timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for name, thread in zip(names, threads):
            if thread.is_alive():
                results[name].update(ok=False, failure=f"not done after {options.timeout:.0f} s")
        # Everyone's servers are still up: memory now, and each process's peak.
        avail1 = _mem_available()
        for name in names:
            mem = [hubkit.memory(p) for p in hubkit.student_processes(hub.run_id, name)]
            results[name].update({f"{k}_mb": sum(m[k] for m in mem) for k in ("rss", "hwm", "pss")})
        others = [p for p in hubkit.marked_pids(hub.run_id)
                  if not hubkit._environ(p).get("JUPYTERHUB_USER")]
        hub_mb = sum(hubkit.memory(p)["rss"] for p in others + [hub.proc.pid])
        ours_cpu = sum(map(hubkit.cpu_seconds, hubkit.marked_pids(hub.run_id) + [hub.proc.pid]))
    finally:
        wall = time.monotonic() - t_start
        busy = hubkit.machine_busy_seconds() - busy0
        load1 = os.getloadavg()
        hub.shutdown()
        left = hubkit.marked_pids(hub.run_id)
        try:  # kernels the servers had to restart (a crash, a port taken at start)
            restarts = hub.log_path.read_text(errors="replace").count("restarting kernel")
        except OSError:
            restarts = 0
        if not (options.keep or left or any(not r.get("ok") for r in results.values())):
            import shutil
            shutil.rmtree(work, ignore_errors=True)
        else:
            options.keep = True  # the hub's log (in it) tells what went wrong

    return report(options, results, wall=wall, busy=busy, ours_cpu=ours_cpu, load=(load0, load1),
                  hub_mb=hub_mb, avail=(avail0, avail1), left=left, work=work, commit=commit,
                  restarts=restarts)


def _mem_available():
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(options, results, *, wall, busy, ours_cpu, load, hub_mb, avail, left, work, commit,
           restarts=0):
    n = options.students
    rows = list(results.values())
    failed = [r for r in rows if not r.get("ok")]
    runs = [run for r in rows for run in r.get("runs", [])]

    def stat(key, fn=statistics.median, among=rows):
        values = [r[key] for r in among if key in r]
        return fn(values) if values else float("nan")

    for r in failed:
        print(f"  FAILED {r['name']}: {r.get('failure')}", flush=True)
        if r.get("traceback"):
            print("    " + r["traceback"].replace("\n", "\n    "))
    cores = os.cpu_count() or 1
    print(f"  steps (median / max s): login {stat('login_s'):.1f} / {stat('login_s', max):.1f}, "
          f"server start {stat('server_start_s'):.1f} / {stat('server_start_s', max):.1f}, "
          f"pull {stat('pull_s'):.1f} / {stat('pull_s', max):.1f}, explorer redraw "
          f"{stat('explorer_s', among=runs):.2f} / {stat('explorer_s', max, runs):.2f}; "
          f"kernel websockets reconnected: {sum(run.get('reconnects', 0) for run in runs)}, "
          f"kernels restarted by their server: {restarts}")
    for chapter in sorted({run["chapter"] for run in runs}):
        mine = [run for run in runs if run["chapter"] == chapter and "chapter_s" in run]
        if mine:
            print(f"  chapter {chapter}: {len(mine)} runs, wall median "
                  f"{stat('chapter_s', among=mine):.1f} s, p95 "
                  f"{percentile([r['chapter_s'] for r in mine], 0.95):.1f} s, max "
                  f"{stat('chapter_s', max, mine):.1f} s; kernel CPU per run median "
                  f"{stat('chapter_cpu_s', among=mine):.2f} s (max "
                  f"{stat('chapter_cpu_s', max, mine):.2f} s)")
    print(f"  memory per student (server + kernels): peak RSS mean "
          f"{stat('hwm_mb', statistics.mean):.0f} MB (max {stat('hwm_mb', max):.0f}), RSS now mean "
          f"{stat('rss_mb', statistics.mean):.0f} MB, PSS mean {stat('pss_mb', statistics.mean):.0f}"
          f" MB (all students: {sum(r.get('pss_mb', 0) for r in rows):.0f} MB); hub + proxy + "
          f"culler {hub_mb:.0f} MB")
    print(f"  machine: {cores} cores; load average {load[0][0]:.1f} at the start, "
          f"{load[1][0]:.1f} at the end; in {wall:.0f} s it was busy "
          f"{busy:.0f} CPU s, {ours_cpu:.0f} of them this class's "
          f"(other work: {max(0.0, busy - ours_cpu) / wall:.2f} cores on average)")
    if left:
        print(f"  WARNING: {len(left)} process(es) still running after the stop: {left}")
    if options.keep:
        print(f"  work folder kept: {work}")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps({
            "students": n, "chapter": options.chapter, "commit": commit, "cores": cores,
            "wall_s": wall, "busy_cpu_s": busy, "class_cpu_s": ours_cpu, "load": load,
            "hub_mb": hub_mb, "mem_available_mb": avail, "kernel_restarts": restarts,
            "results": rows}, indent=1))
    mean_mb = stat("hwm_mb", statistics.mean)
    times = [run["chapter_s"] for run in runs if "chapter_s" in run]
    print(f"classroom: {n} students, {len(failed) + (1 if left else 0)} failures, "
          f"{mean_mb:.0f} MB per student, {statistics.median(times) if times else float('nan'):.1f} s "
          f"median chapter time, {percentile(times, 0.95):.1f} s p95", flush=True)
    return 1 if failed or left else 0


if __name__ == "__main__":
    sys.exit(main())
