"""One name for each state everywhere: the state an application is in when it is sent back
is *Återförvisad för komplettering*, and the act is *Återförvisa för komplettering*, in the
model's labels, the workflow's buttons, the notifications and every page."""

from pathlib import Path

from django.utils import translation

from applications.models import Status
from applications.workflow import TRANSITIONS
from notifications.catalogue import EVENTS

ROOT = Path(__file__).resolve().parents[2]
# The names the same state and act had before; none may come back.
RETIRED = ("Åter för komplettering", "Begär komplettering", "Komplettera ansökan:", "Återförvisa till arbetsgruppen")
SEARCHED = ("templates", "applications", "reviews", "decisions", "notifications", "partnership", "simportal")


def test_every_state_has_a_label_of_its_own():
    for language in ("sv", "en"):
        with translation.override(language):
            labels = [str(label) for label in Status.labels]
            assert len(labels) == len(set(labels)), labels


def test_the_returned_state_and_the_act_have_one_name():
    with translation.override("sv"):
        assert Status.RETURNED.label == "Återförvisad för komplettering"
        into_returned = [t for t in TRANSITIONS.values() if t.target == Status.RETURNED]
        assert {str(t.label) for t in into_returned} == {"Återförvisa för komplettering"}
        assert str(EVENTS["returned"].label) == str(Status.RETURNED.label)


def test_no_page_or_message_uses_a_retired_name():
    found = []
    for folder in SEARCHED:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}: {name}" for name in RETIRED if name in text]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found += [f"README.md: {name}" for name in RETIRED if name in readme]
    assert found == []
