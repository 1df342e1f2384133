"""The page benchmark (``scripts/bench-pages``) runs end to end at a tiny N: it builds its data,
starts gunicorn, drives every page with wrk and prints the table, with no errors and the same
number of queries on each page at the two sizes it counts at."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.postgres


def test_the_benchmark_prints_every_page_without_errors_and_constant_queries():
    if not shutil.which("wrk"):
        pytest.skip("needs wrk (scripts/system-packages installs it)")
    database = os.environ.get("BENCH_PAGES_DATABASE") or (
        "simportal_bench_pages_test" + os.environ.get("PYTEST_XDIST_WORKER", "")
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    command = [
        str(ROOT / "scripts/bench-pages"),
        "--applications",
        "40",
        "--shapes",
        "7",
        "--seconds",
        "1",
        "--connections",
        "4",
        "--database",
        database,
    ]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    finally:
        subprocess.run(  # noqa: S603
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database],  # noqa: S607
            capture_output=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-4000:]

    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and not line.startswith("| page ")]
    names = {row.split(" | ")[0].removeprefix("| ") for row in rows}
    for expected in (
        "/healthz",
        "baseline: Lösenordet är bytt (base.html only)",
        "start page: project_leader",
        "start page: secretariat",
        "inbox",
        "inbox: search 'språkstöd'",
        "inbox: page 2",
        "inbox export CSV (2 connections)",
        "inbox export XLSX (2 connections)",
        "application (project leader)",
        "draft section: budget",
        "the budget ledger",
        "public portfolio",
        "Vem är vem",
        "calls",
    ):
        assert expected in names, f"{expected!r} missing from the table:\n{done.stdout}"
    assert any(name.startswith("upcoming meeting (member)") for name in names)
    assert any(name.startswith("RUN's case list") for name in names)
    assert len(rows) >= 50
    header = next(line for line in done.stdout.splitlines() if line.startswith("| page "))
    small, large = (int(n) for n in re.findall(r"queries at (\d+)", header))
    assert small < large
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        name, errors, at_small, at_large = cells[0], cells[4], cells[7], cells[8]
        assert errors == "0", f"{name} had errors:\n{done.stdout}"
        assert at_small == at_large, f"{name} makes {at_small} queries at {small} and {at_large} at {large}"
