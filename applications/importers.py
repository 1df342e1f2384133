"""The published list of social investments (seed 004), read into the portal.

The list is a web page copied as text: a part "Pågående sociala investeringar" and
a part "Avslutade investeringar", each investment a block of lines::

    Med gemensamma krafter, Bengtsfors
    Samverkansparter: Bengtsfors kommun och Närhälsan Bengtsfors vårdcentral
    Syfte: …
    Målgrupp: …
    Tidsperiod: 2020-01-01 - 2022- 12- 31.
    Innehåll: …

Reading and writing are kept apart. ``parse_investments`` and the helpers above it
are pure functions from text to dataclasses that carry line numbers, so they are
tested without a database. ``investments_import`` writes what they read.

What an editor can expect (the command's help says the same):

- a block whose period cannot be read is imported *without* dates and reported; an
  investment already in the portal keeps the dates it has, so a period corrected by
  hand is not erased by a later import;
- a block without a title is skipped and reported, since the title is what an
  investment is recognised by from one import to the next;
- lines that belong to no block are reported; the short introduction under each
  part's heading and the page's header and footer are not;
- an investment that is no longer on the list is left as it is, never deleted.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Call, Municipality, Partnership, Region
from partnership.reference import SUB_REGIONS

from .models import Application, Partner, RunStatus, Source, Status

# The published list as it comes with the project (its source: applications/data/README.md).
PUBLISHED_INVESTMENTS = Path(__file__).resolve().parent / "data" / "sociala_investeringar.txt"

# --- reading ---------------------------------------------------------------------------

FIELD_LABELS = {
    "samverkansparter": "partners",
    "syfte": "purpose",
    "målgrupp": "target_group",
    "tidsperiod": "period",
    "innehåll": "content",
}
LABEL_NAMES = {key: label.capitalize() for label, key in FIELD_LABELS.items()}
FIELD_LINE = re.compile(r"^\s*(" + "|".join(FIELD_LABELS) + r")\s*:\s*(.*?)\s*$", re.IGNORECASE)
ONGOING_HEADING = re.compile(r"^\s*Pågående\b", re.IGNORECASE)
COMPLETED_HEADING = re.compile(r"^\s*Avslutade\b", re.IGNORECASE)
FOOTER = re.compile(r"^\s*Senast uppdaterad\b", re.IGNORECASE)
TITLE_MAX_LENGTH = Application._meta.get_field("title").max_length or 200
PARTNER_NAME_MAX_LENGTH = Partner._meta.get_field("name").max_length or 300
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
ALL_MUNICIPALITIES = [name for names in SUB_REGIONS.values() for name in names]


@dataclass(frozen=True)
class Problem:
    """A line that could not be read, or a block that was read only in part."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Rad {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedPartner:
    name: str
    principal: str  # "region", "municipality" or "" when the name does not say


@dataclass(frozen=True)
class ParsedInvestment:
    line: int  # the title's line
    title: str
    run_status: str
    partners_text: str = ""
    partners: tuple[ParsedPartner, ...] = ()
    purpose: str = ""
    target_group: str = ""
    period_text: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    content: str = ""
    period_read: bool = False  # False: no period, or one that could not be read


@dataclass
class ParseResult:
    investments: list[ParsedInvestment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# Dates as the page writes them: 2020-01-01, 20180401, 190101 (yymmdd, this century).
_DATE = r"\d{4}-\d{2}-\d{2}|\d{8}|\d{6}"
_PERIOD = re.compile(rf"^({_DATE})-({_DATE})$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


class PeriodError(ValueError):
    pass


def _date(text: str) -> datetime.date:
    digits = text.replace("-", "")
    if len(digits) == 6:
        digits = "20" + digits
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as error:
        raise PeriodError(f"{text} är inget datum") from error


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """Start and end from the page's many ways of writing a period.

    ``2020-01-01 - 2022- 12- 31.``, ``20180401 - 20210630``, ``190101-211231``,
    ``2018-01-01 – 2021-09-30`` and ``2018-01-01 till 2021-01-31`` all work; a period
    of years only (``2019–2021``) does not, rather than guessing the days.
    """
    compact = re.sub(r"\s+(?:till|t\.o\.m\.?|tom)\s+", "-", text.strip(), flags=re.IGNORECASE)
    compact = re.sub(r"\s+", "", compact.translate(_DASHES)).rstrip(".")
    match = _PERIOD.match(compact)
    if not match:
        raise PeriodError("okänt format")
    starts_on, ends_on = _date(match.group(1)), _date(match.group(2))
    if ends_on <= starts_on:
        raise PeriodError("slutdatum ligger före startdatum")
    return starts_on, ends_on


# Which side an organisation belongs to, read from its name. Order matters: a
# university is neither side, and "Närhälsan i Herrljunga kommun" is the region's.
_NEITHER = re.compile(r"högskola|universitet", re.IGNORECASE)
_REGION = re.compile(
    r"\b(?:VGR|BVC|MVC|BMM|BUP|BUM)\b|västra götalandsregionen|närhälsa|nu-sjukvård|capio|vårdcentral"
    r"|ungdomsmottagning|barnmedicin|ungdomsmedicin|barnavårdscentral|barnhälsovård|mödrahälsovård|mödravård"
    r"|barnmorskemottagning|psykiatri|sjukhus|sjukvård|primärvård|klinik|vård- och hälsoenhet",
    re.IGNORECASE,
)
_MUNICIPALITY = re.compile(
    r"\b(?:IFO|SDF)\b|kommun|\bstad\b|stadsdel|socialtjänst|förvaltning|skola|skolan|skolor|elevhälsa"
    r"|familjeomsorg|socialnämnd|fritid",
    re.IGNORECASE,
)


def principal_of(name: str) -> str:
    """The principal a partner's name points to: "region", "municipality" or "" when unsure."""
    if _NEITHER.search(name):
        return ""
    if _REGION.search(name):
        return "region"
    if _MUNICIPALITY.search(name):
        return "municipality"
    return ""


# Names written with "och" that are one unit, not two.
_ONE_UNIT = re.compile(r"\b(?:individ och familjeomsorg\w*|barn och unga|barn och ungdom\w*)", re.IGNORECASE)
_AND = re.compile(r"(?<!-)\s+(?:och|samt)\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[\w)])\.\s+(?=[A-ZÅÄÖ])")
_LEADING_WORDS = re.compile(r"^(?:och|samt|både|även)\s+", re.IGNORECASE)


def _outside_brackets(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split on ``pattern`` where it is not inside brackets or a protected name."""
    protected = [(m.start(), m.end()) for m in _ONE_UNIT.finditer(text)]
    depth, closed = 0, []
    for position, char in enumerate(text):
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth:
            closed.append(position)
    hidden = set(closed)
    parts, start = [], 0
    for match in pattern.finditer(text):
        if match.start() in hidden or any(a <= match.start() < b for a, b in protected):
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return parts


def _clean(name: str) -> str:
    name = name.strip().rstrip(".").strip()
    while _LEADING_WORDS.match(name):
        name = _LEADING_WORDS.sub("", name, count=1).strip()
    return name


def _is_place(name: str, places: Iterable[str]) -> bool:
    folded = name.casefold()
    return any(folded == place.casefold() for place in places)


def split_partners(text: str, *, places: Iterable[str] = ()) -> tuple[ParsedPartner, ...]:
    """The partners of a "Samverkansparter" line, split on commas, "och" and "samt".

    "Barn- och ungdomsmedicin", "Individ och familjeomsorgen" and anything in
    brackets stay whole. A sentence naming the project owner is not a partner. A
    place after the last comma ("…, Munkedal", "…, VGR") says where all of them
    are, so it is not a partner of its own; ``places`` are the names counted as
    places besides the municipalities of Västra Götaland.
    """
    known_places = [*ALL_MUNICIPALITIES, "VGR", "Västra Götaland", *SUB_REGIONS, *places]
    partners: list[ParsedPartner] = []
    seen: set[str] = set()
    for sentence in _SENTENCE.split(text.strip()):
        if re.search(r"\bprojektägare\b", sentence, re.IGNORECASE):
            continue
        segments = _outside_brackets(sentence, re.compile(r","))
        for position, segment in enumerate(segments):
            names = [_clean(name) for name in _outside_brackets(segment, _AND)]
            names = [name for name in names if name]
            is_last = position == len(segments) - 1
            if is_last and len(names) == 1 and position > 0 and _is_place(names[0], known_places):
                continue
            for name in names:
                if name.casefold() not in seen:
                    seen.add(name.casefold())
                    partners.append(ParsedPartner(name=name, principal=principal_of(name)))
    return tuple(partners)


def _municipality_pattern(name: str) -> re.Pattern[str]:
    # "Dals-Ed" is also written "Dals Ed"; a genitive s ("Trollhättans stad", "Dals Eds
    # kommun") belongs to the name. Case matters: "Mark" and "Vara" are also words.
    words = r"[-\s]".join(re.escape(part) for part in re.split(r"[-\s]", name))
    return re.compile(rf"(?<![\w-]){words}s?(?![\w-])")


def find_municipalities(text: str, names: Iterable[str]) -> list[str]:
    """The municipalities of ``names`` that ``text`` mentions, in the order of ``names``."""
    return [name for name in names if _municipality_pattern(name).search(text)]


def place_in_title(title: str) -> str:
    """The place after the title's last comma or full stop: "Norra Hisingen" in
    "Norra Hisingens barnteam. Norra Hisingen"."""
    parts = re.split(r",\s+|\.\s+", title)
    return parts[-1].strip() if len(parts) > 1 else ""


def _title(line: str) -> str:
    title = " ".join(line.split())
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


@dataclass
class _Block:
    line: int
    title: str
    run_status: str
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    last: str | None = None


def _finish(block: _Block, result: ParseResult) -> None:
    fields = block.fields
    missing = [LABEL_NAMES[key] for key in FIELD_LABELS.values() if key not in fields]
    if missing:
        result.problems.append(Problem(block.line, f"”{block.title}” saknar {', '.join(missing)}; resten importeras."))
    starts_on = ends_on = None
    period_read = False
    if "period" in fields:
        try:
            starts_on, ends_on = parse_period(fields["period"])
            period_read = True
        except PeriodError as error:
            result.problems.append(
                Problem(
                    block.lines["period"],
                    f"tidsperioden ”{fields['period']}” går inte att läsa ({error}); "
                    f"”{block.title}” importeras utan datum.",
                )
            )
    place = place_in_title(block.title)
    result.investments.append(
        ParsedInvestment(
            line=block.line,
            title=block.title,
            run_status=block.run_status,
            partners_text=fields.get("partners", ""),
            partners=split_partners(fields.get("partners", ""), places=[place] if place else []),
            purpose=fields.get("purpose", ""),
            target_group=fields.get("target_group", ""),
            period_text=fields.get("period", ""),
            starts_on=starts_on,
            ends_on=ends_on,
            content=fields.get("content", ""),
            period_read=period_read,
        )
    )


def parse_investments(text: str) -> ParseResult:
    """Every investment on the page, with the problems met on the way."""
    result = ParseResult()
    lines = text.splitlines()
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1)]
    run_status: str | None = None
    block: _Block | None = None
    skipping_from: int | None = None  # the line of a block without a title being skipped
    at_part_start = False  # the introduction under a part's heading is not a block

    def next_text(index: int) -> str | None:
        for _number, line in numbered[index + 1 :]:
            if line:
                return line
        return None

    def close() -> None:
        nonlocal block
        if block is not None:
            _finish(block, result)
        block = None

    for index, (number, line) in enumerate(numbered):
        if not line:
            continue
        if ONGOING_HEADING.match(line) or COMPLETED_HEADING.match(line):
            close()
            run_status = RunStatus.ONGOING if ONGOING_HEADING.match(line) else RunStatus.COMPLETED
            skipping_from, at_part_start = None, True
            continue
        if run_status is None:
            continue  # the page's header, before the first part
        if FOOTER.match(line):
            close()
            run_status = None
            continue
        field_match = FIELD_LINE.match(line)
        if field_match:
            at_part_start = False
            key, value = FIELD_LABELS[field_match.group(1).casefold()], field_match.group(2)
            if block is None or key in block.fields:
                close()
                if skipping_from is None:
                    skipping_from = number
                    result.problems.append(
                        Problem(number, "en investering utan rubrik (namn) hoppas över, till nästa rubrik.")
                    )
                continue
            block.fields[key], block.lines[key], block.last = value, number, key
            continue
        # A line of text: the title of the next block, or more of the field above it.
        following = next_text(index)
        following_field = FIELD_LINE.match(following) if following else None
        starts_block = following_field is not None and (
            block is None
            or FIELD_LABELS[following_field.group(1).casefold()] in block.fields
            or FIELD_LABELS[following_field.group(1).casefold()] == "partners"
            or "content" in block.fields
        )
        if starts_block:
            close()
            skipping_from, at_part_start = None, False
            title = _title(line)
            if len(title) > TITLE_MAX_LENGTH:
                result.problems.append(
                    Problem(number, f"rubriken är längre än {TITLE_MAX_LENGTH} tecken; blocket hoppas över.")
                )
                skipping_from = number
                continue
            block = _Block(line=number, title=title, run_status=run_status)
            continue
        if block is not None and block.last is not None:
            block.fields[block.last] += "\n\n" + line
            continue
        if skipping_from is not None:
            continue  # part of the block already reported
        if at_part_start:
            at_part_start = False
            continue  # the part's introduction: its first line of text
        result.problems.append(Problem(number, f"raden hör inte till någon investering: ”{line[:60]}”."))
    close()
    _report_repeated_titles(result)
    return result


def _report_repeated_titles(result: ParseResult) -> None:
    first: dict[str, int] = {}
    kept = []
    for investment in result.investments:
        if investment.title in first:
            result.problems.append(
                Problem(
                    investment.line,
                    f"”{investment.title}” finns redan på rad {first[investment.title]}; blocket hoppas över.",
                )
            )
            continue
        first[investment.title] = investment.line
        kept.append(investment)
    result.investments = kept


# --- writing ---------------------------------------------------------------------------

PARTNERSHIP_NAME = "Västra Götalandsregionens sociala investeringsmedel"
CALL_NAME = "Publicerade sociala investeringar (import)"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ongoing: int = 0
    completed: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_call() -> Call:
    """The region-wide partnership and the call that imported investments belong to."""
    region, _created = Region.objects.get_or_create(name="Västra Götalandsregionen", defaults={"short_name": "VGR"})
    partnership, _created = Partnership.objects.get_or_create(
        name=PARTNERSHIP_NAME,
        defaults={
            "short_name": "VGR SIM",
            "region": region,
            "sub_region": None,
            "target_age_min": 0,
            "target_age_max": 15,
        },
    )
    # The region has funded social investments since 2015 (seed 004); the call is an archive
    # of decisions already made: it closed long ago, has no budget, and is no open call or
    # budget line anywhere (``Call.objects`` leaves archives out).
    call, _created = Call.with_archives.get_or_create(
        partnership=partnership,
        name=CALL_NAME,
        defaults={
            "is_archive": True,
            "description": "Sociala investeringar som Regionutvecklingsnämnden har beslutat om sedan 2015, "
            "importerade från den publicerade förteckningen.",
            "target_age_min": 0,
            "target_age_max": 15,
            "opens_on": datetime.date(2015, 1, 1),
            "deadline": datetime.datetime(2015, 1, 1, 12, 0, tzinfo=STOCKHOLM),
            "steering_group_meeting_on": datetime.date(2015, 1, 1),
            "run_meeting_on": datetime.date(2015, 1, 1),
            "budget": 0,
            "max_duration_months": 36,
        },
    )
    if not call.is_archive:
        call.is_archive = True
        call.save(update_fields=["is_archive"])
    return call


def _save_investment(
    parsed: ParsedInvestment, *, call: Call, municipalities: dict[str, Municipality], report: ImportReport
) -> None:
    values = {
        "call": call,
        "status": Status.APPROVED,
        "run_status": parsed.run_status,
        "purpose": parsed.purpose,
        "target_group": parsed.target_group,
        "content": parsed.content,
    }
    application = (
        Application.objects.filter(source=Source.IMPORT, title=parsed.title).prefetch_related("partners").first()
    )
    if parsed.period_read or application is None:
        values |= {"starts_on": parsed.starts_on, "ends_on": parsed.ends_on}
    named = find_municipalities(f"{parsed.title}\n{parsed.partners_text}", municipalities)
    municipality_ids = {municipalities[name].pk for name in named}
    partners = [(p.name, p.principal) for p in parsed.partners]
    for name, _principal in partners:
        if len(name) > PARTNER_NAME_MAX_LENGTH:
            report.problems.append(Problem(parsed.line, f"samverkansparten ”{name[:40]}…” har ett för långt namn."))
    partners = [(name, principal) for name, principal in partners if len(name) <= PARTNER_NAME_MAX_LENGTH]

    created = application is None
    if application is None:
        application = Application(source=Source.IMPORT, title=parsed.title, **values)
        changed = True
        old_municipalities: set[int] = set()
        old_partners: list[tuple[str, str]] = []
    else:
        changed = any(getattr(application, name) != value for name, value in values.items())
        for name, value in values.items():
            setattr(application, name, value)
        old_municipalities = set(application.municipalities.values_list("pk", flat=True))
        old_partners = [(p.name, p.principal) for p in application.partners.all() if p.unit_id is None]
    try:
        application.full_clean()
    except ValidationError as error:
        messages = "; ".join(error.messages)
        report.problems.append(Problem(parsed.line, f"”{parsed.title}” kan inte sparas: {messages}"))
        return
    if changed:
        application.save()
    if municipality_ids != old_municipalities:
        application.municipalities.set(municipality_ids)
        changed = True
    if partners != old_partners:
        application.partners.filter(unit__isnull=True).delete()
        Partner.objects.bulk_create(
            [Partner(application=application, name=name, principal=principal) for name, principal in partners]
        )
        changed = True
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1
    if parsed.run_status == RunStatus.ONGOING:
        report.ongoing += 1
    else:
        report.completed += 1


@transaction.atomic(durable=True)
def investments_import(*, text: str) -> ImportReport:
    """Store every investment of the published list as a decided application.

    An investment is recognised by its title among earlier imports and updated in
    place; one that is already as the list says is left untouched, so a second run
    changes nothing. Blocks that cannot be read are reported, never stop the import.
    """
    parsed = parse_investments(text)
    report = ImportReport(problems=list(parsed.problems))
    call = import_call()
    municipalities = {m.name: m for m in Municipality.objects.order_by("name")}
    for investment in parsed.investments:
        _save_investment(investment, call=call, municipalities=municipalities, report=report)
    report.problems.sort(key=lambda problem: problem.line)
    return report
