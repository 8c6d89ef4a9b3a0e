"""The Label Studio round trip, against a real server started on 127.0.0.1 for this test session."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from stance import config
from stance.data import load_annotations, validate
from stance.labelstudio import LABEL_CONFIG, import_export, pull, push, rows_from_export

pytestmark = pytest.mark.labelstudio

TOKEN = "0123456789abcdef0123456789abcdef01234567"
SERVER = Path(os.environ.get("STANCE_LABEL_STUDIO_BIN", config.REPO_DIR / ".venv-ls" / "bin" / "label-studio"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """A real Label Studio server with a throwaway data folder, a preset user and token."""
    if not SERVER.exists():
        pytest.fail(f"{SERVER} is missing: 'make test' installs Label Studio into .venv-ls")
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="stance-ls-")
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": data_dir,
        "LABEL_STUDIO_USERNAME": "annotator@example.com",
        "LABEL_STUDIO_PASSWORD": "a-long-throwaway-password",
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
    }
    log = open(Path(data_dir) / "server.log", "wb")
    process = subprocess.Popen(
        [str(SERVER), "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port),
         "--internal-host", "127.0.0.1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("Label Studio did not start: " + (Path(data_dir) / "server.log").read_text()[-2000:])
        time.sleep(1)
    try:
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def client(server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=server, api_key=TOKEN)


def cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "stance", *args], capture_output=True, text=True, env=env)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def gold_seed_labels() -> dict[tuple[int, int, int], tuple[str, str, str]]:
    """(sentence_start, mention_start, mention_end) -> (country, label, role) from the seed annotation."""
    seed = load_annotations().query("source == 'seed'")
    return {(r.sentence_start, r.mention_start, r.mention_end): (r.country, r.label, r.role)
            for r in seed.itertuples()}


def annotate_as_a_person(client, project_id: int, gold: dict, *, cancel: int) -> int:
    """Correct each task's suggestion to the gold labels and submit it, but cancel (skip) the task
    ``cancel``; return the mentions submitted."""
    submitted = 0
    for task in client.tasks.list(project=project_id):
        if task.id == cancel:
            client.annotations.create(id=task.id, result=[], was_cancelled=True)
            continue
        data = task.data
        result = []
        for (sentence_start, start, end), (country, label, role) in gold.items():
            if sentence_start != data["sentence_start"]:
                continue
            region = f"r{start}"
            span = {"start": start, "end": end}
            result += [
                {"id": region, "from_name": "stance", "to_name": "text", "type": "labels",
                 "value": {**span, "text": data["text"][start:end], "labels": [label]}},
                {"id": region, "from_name": "country", "to_name": "text", "type": "textarea",
                 "value": {**span, "text": [country]}},
                {"id": region, "from_name": "role", "to_name": "text", "type": "choices",
                 "value": {**span, "choices": [role]}},
            ]
            submitted += 1
        if result:
            client.annotations.create(id=task.id, result=result)
    return submitted


def test_round_trip_push_annotate_pull(server, client, trained_model, annotations_copy):
    env = {"LABEL_STUDIO_URL": server, "LABEL_STUDIO_API_KEY": TOKEN}
    os.environ.update(env)
    try:
        first = push([str(config.SEED_ARTICLE)], project="seed round trip", order="uncertainty",
                     model=trained_model)
        assert first.created > 10 and first.skipped == 0
        again = push([str(config.SEED_ARTICLE)], project="seed round trip", model=trained_model)
        assert again.created == 0 and again.skipped == first.created

        tasks = list(client.tasks.list(project=first.project_id))
        assert len(tasks) == first.created
        task = tasks[0]
        assert {"article_id", "event_id", "date", "language", "sentence_start", "sentence_end"} <= set(task.data)
        assert task.data["date"] == "2024-11-20" and task.data["language"] == "fr"
        predictions = {p.task: p for p in client.predictions.list(project=first.project_id)}
        assert set(predictions) == {t.id for t in tasks}
        scores = [predictions[t.id].score for t in sorted(tasks, key=lambda t: t.id)]
        assert scores == sorted(scores), "uncertainty order: least sure first"
        assert all(p.model_version.startswith("stance-") and p.result for p in predictions.values())

        gold = gold_seed_labels()
        # skip a sentence whose mentions all carry 'none', as an annotator unsure of it would
        cancelled_task = next(t for t in tasks if all(
            label == "none" for key, (_, label, _) in gold.items() if key[0] == t.data["sentence_start"]))
        submitted = annotate_as_a_person(client, first.project_id, gold, cancel=cancelled_task.id)
        assert 0 < submitted < len(gold)

        conversion, merged = pull(project="seed round trip", annotations_dir=annotations_copy)
        assert merged.added == submitted and not merged.conflicts
        assert conversion.dropped >= 1
        rows = load_annotations(annotations_copy).query("source == 'labelstudio'")
        assert len(rows) == submitted
        labels = {(r.sentence_start, r.mention_start, r.mention_end): (r.country, r.label, r.role)
                  for r in rows.itertuples()}
        assert all(gold[key] == value for key, value in labels.items())
        assert not any(key[0] == cancelled_task.data["sentence_start"] for key in labels)
        assert {"ESP": "closed", "DEU": "limited", "TUR": "opposed"}.items() <= {
            c: lab for c, lab, _ in labels.values() if lab != "none"}.items()
        assert validate(annotations_copy) == []
        check = cli("data", "validate", "--annotations", str(annotations_copy))
        assert check.returncode == 0, check.stderr

        before = snapshot(annotations_copy)
        conversion, merged = pull(project="seed round trip", annotations_dir=annotations_copy)
        assert merged.added == 0 and merged.unchanged == submitted
        assert snapshot(annotations_copy) == before
    finally:
        for key in env:
            os.environ.pop(key, None)


def test_project_config_is_accepted_by_the_server(client):
    project = client.projects.create(title="config check", label_config=LABEL_CONFIG)
    assert project.id


@pytest.mark.parametrize("case", ["server down", "wrong token", "unknown project"])
def test_failures_are_one_line_and_leave_annotations_untouched(server, annotations_copy, case):
    url, token, project = server, TOKEN, "seed round trip"
    if case == "server down":
        url = f"http://127.0.0.1:{free_port()}"
    elif case == "wrong token":
        token = "f" * 40
    else:
        project = "no such project"
    before = snapshot(annotations_copy)
    result = cli("annotate", "pull", "--project", project, "--annotations", str(annotations_copy),
                 env_extra={"LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": token})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    expected = {"server down": "cannot reach Label Studio", "wrong token": "refused the API key",
                "unknown project": "no project named 'no such project'"}[case]
    assert expected in result.stderr
    assert snapshot(annotations_copy) == before


def test_push_to_a_server_that_is_down_is_one_line(tmp_path):
    result = cli("annotate", "push", "--project", "x", str(config.SEED_ARTICLE),
                 env_extra={"LABEL_STUDIO_URL": f"http://127.0.0.1:{free_port()}", "LABEL_STUDIO_API_KEY": TOKEN})
    assert result.returncode == 2 and "cannot reach Label Studio" in result.stderr


# --------------------------------------------------------------------------- exports, no server


def export_task(task_id: int, votes: dict[str, tuple[str, str]], *, cancelled: tuple[str, ...] = ()) -> dict:
    text = "Spain closed its embassy in Kyiv."
    annotations = []
    for who, (label, country) in votes.items():
        annotations.append({
            "completed_by": {"email": who}, "was_cancelled": who in cancelled,
            "result": [
                {"id": "a", "from_name": "stance", "to_name": "text", "type": "labels",
                 "value": {"start": 0, "end": 5, "text": "Spain", "labels": [label]}},
                {"id": "a", "from_name": "country", "to_name": "text", "type": "textarea",
                 "value": {"start": 0, "end": 5, "text": [country]}},
            ],
        })
    return {"id": task_id, "data": {"text": text, "article_id": f"ls-test-{task_id}", "event_id": "ls-test",
                                    "date": "2022-02-14", "language": "en", "sentence_start": 0,
                                    "sentence_end": len(text), "article_text": text},
            "annotations": annotations}


def test_export_conflicts_agreement_and_cancelled():
    tasks = [
        export_task(1, {"a@x": ("closed", "ESP"), "b@x": ("closed", "ESP")}),
        export_task(2, {"a@x": ("closed", "ESP"), "b@x": ("open", "ESP")}),
        export_task(3, {"a@x": ("open", "ESP"), "b@x": ("open", "ESP")}),
        export_task(4, {"a@x": ("limited", "ESP"), "b@x": ("limited", "ESP")}, cancelled=("b@x",)),
    ]
    conversion = rows_from_export(tasks)
    assert [r["article_id"] for r in conversion.rows] == ["ls-test-1", "ls-test-3", "ls-test-4"]
    assert conversion.rows[0]["annotator"] == "a@x+b@x"
    assert len(conversion.conflicts) == 1 and "task 2" in conversion.conflicts[0]
    assert conversion.dropped == 1
    assert set(conversion.agreement) >= {"overall", "closed", "open"}
    assert conversion.agreement["overall"] < 1


def test_import_merges_once_and_reports_malformed_exports(annotations_copy, tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([export_task(1, {"a@x": ("closed", "ESP")})]), encoding="utf-8")
    result = cli("annotate", "import", str(export), "--annotations", str(annotations_copy))
    assert result.returncode == 0, result.stderr
    assert "1 row(s) added" in result.stdout
    assert validate(annotations_copy) == []
    before = snapshot(annotations_copy)
    assert "0 row(s) added, 1 already there" in cli(
        "annotate", "import", str(export), "--annotations", str(annotations_copy)).stdout
    export.write_text(json.dumps([export_task(1, {"a@x": ("open", "ESP")})]), encoding="utf-8")
    conversion, merged = import_export(export, annotations_dir=annotations_copy)
    assert merged.added == 0 and "kept the stored row" in merged.conflicts[0]
    assert snapshot(annotations_copy) == before

    for content, message in (("[{\"id\": 1,", "malformed JSON"), ("{\"a\": 1}", "is a list of tasks"),
                             (json.dumps([export_task(1, {"a@x": ("shut", "ESP")})]), "label 'shut'")):
        export.write_text(content, encoding="utf-8")
        result = cli("annotate", "import", str(export), "--annotations", str(annotations_copy))
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert snapshot(annotations_copy) == before
