"""Views parse input, call a selector or a service and render: a query written in a view
decides its joins (and so its query count) away from the selectors, and a write there skips
the service's transaction. This test reads every view module's source and names each
``.objects.`` it finds, as ``file:line``."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGER = re.compile(r"\.objects\.")


def view_modules() -> list[Path]:
    """Every ``views.py`` and ``views_*.py`` of the project's apps."""
    found = set()
    for pattern in ("*/views.py", "*/views_*.py"):
        found.update(path for path in ROOT.glob(pattern) if not path.parent.name.startswith("."))
    return sorted(found)


def orm_calls(source: str, filename: str) -> list[str]:
    return [f"{filename}:{number}" for number, line in enumerate(source.splitlines(), 1) if MANAGER.search(line)]


def test_it_finds_the_view_modules():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}
    assert {"applications/views.py", "simportal/views.py", "reviews/views.py", "decisions/views.py"} <= names


def test_it_names_a_manager_call_with_its_line():
    source = "def view(request):\n    return Body.objects.filter(pk=1)\n"
    assert orm_calls(source, "x/views.py") == ["x/views.py:2"]


def test_it_finds_no_orm_call_in_a_view():
    found = []
    for path in view_modules():
        found += orm_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "ORM calls in views (move them to selectors or services):\n" + "\n".join(found)
