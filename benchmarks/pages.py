"""How fast is every page a person uses, on a large data set, on this machine?

It builds the data set of ``benchmarks.pages_data`` (N applications in every state across the two
demo partnerships, calls over ten years, steering-group meetings with their votes, one very large
upcoming meeting, RUN's cases and decisions) on a PostgreSQL database of its own, starts gunicorn
with 2 sync workers and the portal's own settings (DEBUG off) on a free port, logs in as each role
(a session made as a login makes it) and drives each page with ``wrk``. It prints a markdown table:
requests/s, p50, p95 and errors per page, the ratio to ``/healthz`` and to the logged-in baseline
(a page that renders only ``base.html``: *Lösenordet är bytt*), all measured in the same run, and
the number of queries each page makes at a small N (the applications built through the services,
before the bulk copies) and at N, counted in-process with Django's test client.

Run it with ``scripts/bench-pages [--applications N] [--seconds S] [--connections C] [--reuse]``;
``--reuse`` measures again on the database an earlier run left (the small-N column is then empty).
pytest never collects it (tests/test_bench_pages.py runs it at a tiny N).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.background_work import BenchmarkError, postgres

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "simportal_bench_pages"
WORKERS = 2
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK-RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, "
    .. "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""


@dataclass(frozen=True)
class Page:
    name: str
    persona: str | None  # a username, or None for a visitor who is not logged in
    url: str
    connections: int | None = None  # fewer than the run's (the exports take seconds each)
    size: str = ""  # how large what it shows is, where that changes with the data set


@dataclass
class Result:
    page: Page
    rate: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    errors: int = 0
    queries_small: int | None = None
    queries_large: int | None = None
    notes: list[str] = field(default_factory=list)


def environment(database: str, secret: str) -> dict[str, str]:
    """What the in-process part (building, counting) and gunicorn share: the database and the key
    the sessions are checked with."""
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": secret,
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "memorymail://",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }


def pages() -> list[Page]:
    """Every page measured, found on the data set as it is now."""
    from applications.models import Application, Status
    from applications.sections import SECTIONS
    from decisions.models import Decision, RunCase, RunMeeting
    from partnership.models import Call, Municipality, Part, PriorityArea
    from reviews.models import Meeting, Minutes
    from tests.conftest import PERSONAS, REGION_PERSONAS, Demo
    from tests.factories import group_leader

    demo = Demo()
    who = PERSONAS
    call = Call.objects.filter(name__startswith="SIM spår 2 – ansökningsomgång").order_by("-deadline").first()
    of_call = Application.objects.filter(call=call).order_by("pk")
    submitted = of_call.filter(status=Status.SUBMITTED).first()
    draft = of_call.filter(status=Status.DRAFT).first()
    meeting = (
        Meeting.objects.filter(steering_group=demo.steering_group(), published_at__isnull=False, cancelled_at=None)
        .order_by("-starts_at", "-pk")
        .first()
    )
    minutes = (
        Minutes.objects.filter(meeting__steering_group=demo.steering_group()).order_by("-meeting__starts_at").first()
    )
    run_meeting = RunMeeting.objects.exclude(cases=None).order_by("-held_on").first()
    case = RunCase.objects.filter(run_meeting=run_meeting).order_by("pk").first()
    approved = Decision.objects.filter(outcome="approved").order_by("-pk").first()
    investment = approved.case.application if approved else Application.objects.filter(source="import").first()
    part = Part.objects.filter(partnership=call.partnership).order_by("number").first()
    municipality = Municipality.objects.get(name="Uddevalla")
    area = PriorityArea.objects.filter(call=call).order_by("position", "pk").first()
    inbox = "/ansokningar/inkorg/"
    return [
        Page("/healthz", None, "/healthz"),
        Page("baseline: Lösenordet är bytt (base.html only)", who["project_leader"], "/konto/losenord/byt/klart/"),
        *(Page(f"start page: {persona}", who[persona], "/") for persona in who),
        Page("start page: project_leader (region-wide)", REGION_PERSONAS["project_leader"], "/"),
        Page("inbox", who["project_leader"], inbox),
        Page("inbox: state submitted", who["project_leader"], f"{inbox}?status=submitted"),
        Page("inbox: state withdrawn", who["project_leader"], f"{inbox}?status=withdrawn"),
        Page("inbox: call", who["project_leader"], f"{inbox}?call={call.pk}"),
        Page("inbox: part", who["project_leader"], f"{inbox}?part={part.pk}"),
        Page("inbox: municipality", who["project_leader"], f"{inbox}?municipality={municipality.pk}"),
        Page("inbox: amount from 100 000 kr", who["project_leader"], f"{inbox}?min_amount=100000"),
        Page("inbox: amount to 500 000 kr", who["project_leader"], f"{inbox}?max_amount=500000"),
        Page("inbox: priority area", who["project_leader"], f"{inbox}?priority_area={area.pk}"),
        Page("inbox: search 'språkstöd'", who["project_leader"], f"{inbox}?q=spr%C3%A5kst%C3%B6d"),
        Page("inbox: search, no match", who["project_leader"], f"{inbox}?q=zzxqy"),
        Page("inbox: sorted by amount", who["project_leader"], f"{inbox}?sort=-requested"),
        Page("inbox: sorted by state", who["project_leader"], f"{inbox}?sort=status"),
        Page("inbox: page 2", who["project_leader"], f"{inbox}?page=2"),
        Page("inbox export CSV", who["project_leader"], f"{inbox}export/?format=csv", connections=2),
        Page("inbox export XLSX", who["project_leader"], f"{inbox}export/?format=xlsx", connections=2),
        Page("application (project leader)", who["project_leader"], f"/ansokningar/{submitted.pk}/"),
        Page(
            "application (group leader)",
            group_leader(submitted.working_group).username,
            f"/ansokningar/{submitted.pk}/",
        ),
        *(
            Page(
                f"draft section: {spec.key}",
                group_leader(draft.working_group).username,
                f"/ansokningar/{draft.pk}/avsnitt/{spec.key}/",
            )
            for spec in SECTIONS
            if spec.key != "attachments"  # the section is the attachments page
        ),
        Page("draft: attachments", group_leader(draft.working_group).username, f"/ansokningar/{draft.pk}/bilagor/"),
        Page("steering-group meetings", who["steering_member"], "/styrgrupp/moten/"),
        Page(
            "upcoming meeting (member)",
            who["steering_member"],
            f"/styrgrupp/moten/{meeting.pk}/",
            size=f"{meeting.items.count()} items",
        ),
        Page(
            "its agenda (project leader)",
            who["project_leader"],
            f"/styrgrupp/moten/{meeting.pk}/dagordning/",
            size=f"{meeting.items.count()} items",
        ),
        Page("minutes", who["steering_member"], f"/styrgrupp/protokoll/{minutes.pk}/"),
        Page("RUN's meetings", who["secretariat"], "/run/"),
        Page(
            "RUN's case list",
            who["secretariat"],
            f"/run/sammantraden/{run_meeting.pk}/",
            size=f"{run_meeting.cases.count()} cases",
        ),
        Page("a RUN case", who["secretariat"], f"/run/arenden/{case.pk}/"),
        Page("the budget ledger", who["secretariat"], "/run/budget/"),
        Page("notifications", who["project_leader"], "/aviseringar/"),
        Page("public portfolio", None, "/investeringar/"),
        Page("an investment", None, f"/investeringar/{investment.pk}/"),
        Page("Vem är vem", who["member"], "/vem-ar-vem/"),
        Page("calls", who["leader"], "/utlysningar/"),
        Page("a call", who["leader"], f"/utlysningar/{call.pk}/"),
    ]


def sessions(personas: set[str]) -> dict[str, str]:
    """A session cookie per username, made as a login makes it (``Client.force_login``)."""
    from django.conf import settings
    from django.test import Client

    from partnership.models import User

    cookies = {}
    for username in personas:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def query_counts(listed: list[Page]) -> dict[str, tuple[int, int]]:
    """(number of queries, status) of one request to each page, in-process, after one to warm up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partnership.models import User

    counts = {}
    users = {}
    for page in listed:
        client = Client()
        if page.persona:
            users.setdefault(page.persona, User.objects.get(username=page.persona))
            client.force_login(users[page.persona])
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.url)
                if response.streaming:
                    b"".join(response.streaming_content)
        counts[page.name] = (len(queries), response.status_code)
    return counts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "simportal.wsgi:application",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn, fixed arguments
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at start: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server_stop(server)
    raise BenchmarkError("gunicorn did not answer /healthz within a minute")


def server_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def warm(port: int, page: Page, cookie: str | None) -> int:
    """One request per worker, so that no measurement pays for a first render; the last status."""
    status = 0
    for _ in range(WORKERS):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{page.url}")
        if cookie:
            request.add_header("Cookie", f"sessionid={cookie}")
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
    return status


def drive(port: int, page: Page, cookie: str | None, *, seconds: int, connections: int, script: Path) -> Result:
    chosen = min(connections, page.connections or connections)
    command = [
        "wrk",
        "-t",
        str(min(2, chosen)),
        "-c",
        str(chosen),
        "-d",
        f"{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(script),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    command.append(f"http://127.0.0.1:{port}{page.url}")
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 180)  # noqa: S603
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK-RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise BenchmarkError(f"wrk failed on {page.url}: {done.stderr.strip() or done.stdout.strip()}")
    measured = json.loads(line.removeprefix("WRK-RESULT "))
    errors = sum(measured[k] for k in ("connect", "read", "write", "status", "timeout"))
    result = Result(
        page,
        rate=measured["requests"] / (measured["duration_us"] / 1e6),
        p50=measured["p50_us"] / 1000,
        p95=measured["p95_us"] / 1000,
        errors=errors,
    )
    if chosen != connections:
        result.notes.append(f"{chosen} connections")
    return result


def milliseconds(value: float) -> str:
    return f"{value:,.0f} ms".replace(",", " ") if value >= 10 else f"{value:.1f} ms"


def table(results: list[Result], *, applications: int, small: int | None, seconds: int, connections: int) -> str:
    health = next(r for r in results if r.page.url == "/healthz")
    baseline = next(r for r in results if r.page.name.startswith("baseline"))
    lines = [
        f"Pages, {applications} applications, PostgreSQL, gunicorn {WORKERS} sync workers, "
        f"wrk {connections} connections, {seconds:g} s a page",
        "",
        f"| page | req/s | p50 | p95 | errors | ÷ /healthz | ÷ baseline | queries at {small or '–'} "
        f"| queries at {applications} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        notes = [r.page.size, *r.notes] if r.page.size else r.notes
        name = r.page.name + (f" ({', '.join(notes)})" if notes else "")
        small_queries = "–" if r.queries_small is None else str(r.queries_small)
        lines.append(
            f"| {name} | {r.rate:.1f} | {milliseconds(r.p50)} | {milliseconds(r.p95)} | {r.errors} "
            f"| {r.rate / health.rate:.3f} | {r.rate / baseline.rate:.2f} | {small_queries} | {r.queries_large} |"
        )
    return "\n".join(lines)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench-pages", description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000, help="applications (default 10000)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk's time on each page, whole seconds (default 10)")
    parser.add_argument("--connections", type=int, default=20, help="wrk's open connections (default 20)")
    parser.add_argument("--reuse", action="store_true", help="measure on the database an earlier run left")
    parser.add_argument("--database", default=DATABASE_NAME, help=f"the database (default {DATABASE_NAME})")
    parser.add_argument(
        "--shapes", type=int, default=56, help="applications built through the services in Fyrbodal (default 56)"
    )
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this text")
    options = parser.parse_args(argv)
    if options.applications < 1 or options.seconds <= 0 or options.connections < 1:
        parser.error("--applications, --seconds and --connections must be positive")
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    if not shutil.which("wrk"):
        print("bench-pages: wrk is missing (Debian: apt-get install wrk; scripts/system-packages)", file=sys.stderr)
        return 1
    secret = secrets.token_urlsafe(40)
    shared = environment(options.database, secret)
    os.environ.update(shared)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # in-process: fast password hashing when building
    os.environ.pop("REDIS_URL", None)  # the services' background work runs in-process while building
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    server = None
    try:
        import django

        if not options.reuse:
            postgres("dropdb", "--if-exists", "--force", options.database)
            postgres("createdb", options.database)
        django.setup()
        from django.core.management import call_command

        from applications.models import Application
        from benchmarks import pages_data

        small_counts: dict[str, tuple[int, int]] = {}
        small = None
        if not options.reuse:
            call_command("migrate", interactive=False, verbosity=0)
            print("building the applications through the services", file=sys.stderr)
            with pages_data.pdfs_stood_in():
                shapes = pages_data.shapes_build(options.shapes)
                pages_data.large_meeting_build()
                small = Application.objects.exclude(source="import").count()
                small_counts = query_counts(pages())
                print(f"copying up to {options.applications} applications", file=sys.stderr)
                pages_data.grow(shapes, options.applications)
                pages_data.large_meeting_build()
        count = Application.objects.exclude(source="import").count()
        listed = [p for p in pages() if options.only in p.name or p.url == "/healthz" or p.name.startswith("baseline")]
        large_counts = query_counts(listed)
        cookies = sessions({p.persona for p in listed if p.persona})
        from django.db import connections

        connections.close_all()

        static = work / "static"
        server_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(work)),
            **shared,
            "DJANGO_SETTINGS_MODULE": "simportal.settings",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(static),
        }
        print("collecting the static files", file=sys.stderr)
        subprocess.run(  # noqa: S603 - the project's own manage.py, fixed arguments
            [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=server_env,
            check=True,
        )
        port = free_port()
        server = gunicorn_start(server_env, port, work / "gunicorn.log")
        script = work / "report.lua"
        script.write_text(WRK_SCRIPT)
        results = []
        for page in listed:
            cookie = cookies.get(page.persona) if page.persona else None
            status = warm(port, page, cookie)
            print(f"  {page.name}: {page.url}", file=sys.stderr)
            result = drive(port, page, cookie, seconds=options.seconds, connections=options.connections, script=script)
            if status != 200:
                result.notes.append(f"answered {status}")
                result.errors = max(result.errors, 1)
            queries, in_process = large_counts[page.name]
            if in_process != 200:
                result.notes.append(f"in-process {in_process}")
            result.queries_large = queries
            if page.name in small_counts:
                result.queries_small = small_counts[page.name][0]
            results.append(result)
    except BenchmarkError as error:
        print(f"bench-pages: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server_stop(server)
        shutil.rmtree(work, ignore_errors=True)
    print(table(results, applications=count, small=small, seconds=options.seconds, connections=options.connections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
