"""``manage.py import_investments``: the published list of social investments (seed 004)
into the portal, and the pure functions that read it."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from applications.importers import (
    CALL_NAME,
    PARTNERSHIP_NAME,
    PUBLISHED_INVESTMENTS,
    PeriodError,
    find_municipalities,
    parse_investments,
    parse_period,
    principal_of,
    split_partners,
)
from applications.models import Application, RunStatus, Source, Status
from partnership.models import Call, Municipality, Region, SubRegion
from partnership.reference import ensure_reference_data

# The published list of investments (the project's seed 004), kept with the tests.
SEED = PUBLISHED_INVESTMENTS

BROKEN = """\
Pågående sociala investeringar

Regionutvecklingsnämnden har sedan 2015 finansierat följande sociala investeringar.

Språkstöd i förskolan, Uddevalla

Samverkansparter: Uddevalla kommun och BVC Dalaberg
Syfte: Fler barn ska ha ett åldersadekvat språk.
Målgrupp: Barn 1-5 år
Tidsperiod: 2024-01-01 - 2026-12-31
Innehåll: Språkombud i varje förskola.

Familjecentral i Lysekil

Samverkansparter: Lysekils kommun och Närhälsan Lysekil
Syfte: Tidigt stöd till föräldrar.
Målgrupp: Familjer med barn 0-6 år
Tidsperiod: våren 2019 och framåt
Innehåll: En familjecentral med BVC, MVC och socialtjänst.

Samverkansparter: Någon kommun och någon vårdcentral
Syfte: Ett block som saknar rubrik.
Tidsperiod: 2020-01-01 - 2021-12-31

Avslutade investeringar

Läxhjälp med mera
Tidsperiod: 2015-01-01 - 2014-12-31

Tidig upptäckt, Munkedal
Samverkansparter: Närhälsan Munkedal och socialtjänsten i Munkedals kommun
Syfte: Fånga upp barn tidigt.
Målgrupp: 2,5-åringar
Tidsperiod: 170101-191231
Innehåll: Gemensamma 2,5-årsbesök.
"""


@pytest.fixture
def reference_data(db):
    ensure_reference_data(Region, SubRegion, Municipality)


def run(path_or_text, tmp_path=None):
    """Run the command on the seed file or on a text; (stdout, stderr)."""
    if tmp_path is not None:
        path = tmp_path / "investeringar.txt"
        path.write_text(path_or_text, encoding="utf-8")
    else:
        path = path_or_text
    out, err = io.StringIO(), io.StringIO()
    call_command("import_investments", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def imported(title: str) -> Application:
    return Application.objects.get(source=Source.IMPORT, title=title)


def partners_of(application: Application) -> list[tuple[str, str]]:
    return [(p.name, p.principal) for p in application.partners.order_by("pk")]


# --- the seed file --------------------------------------------------------------------


def test_it_imports_every_investment_of_the_published_list(reference_data):
    out, err = run(SEED)

    investments = Application.objects.filter(source=Source.IMPORT)
    assert investments.count() == 23
    assert investments.filter(run_status=RunStatus.ONGOING).count() == 14
    assert investments.filter(run_status=RunStatus.COMPLETED).count() == 9
    assert set(investments.values_list("status", flat=True)) == {Status.APPROVED}
    assert not investments.filter(working_group__isnull=False).exists()
    assert "23 nya, 0 uppdaterade, 0 oförändrade; 14 pågående, 9 avslutade; 0 problem" in out
    assert err == ""


def test_it_puts_imported_investments_in_a_region_wide_call(reference_data):
    run(SEED)

    call = Call.with_archives.get(name=CALL_NAME)
    assert call.partnership.name == PARTNERSHIP_NAME
    assert call.partnership.short_name == "VGR SIM"
    assert call.partnership.region.name == "Västra Götalandsregionen"
    assert call.partnership.sub_region is None
    assert (call.partnership.target_age_min, call.partnership.target_age_max) == (0, 15)
    assert (call.budget, call.max_duration_months) == (0, 36)
    assert call.opens_on.year == 2015
    assert not call.is_open()
    assert set(Application.objects.filter(source=Source.IMPORT).values_list("call", flat=True)) == {call.pk}


def test_it_reads_a_municipality_written_in_the_genitive_and_partners_of_both_principals(reference_data):
    run(SEED)

    investment = imported("Ökad skolnärvaro, Öckerö kommun")
    assert list(investment.municipalities.values_list("name", flat=True)) == ["Öckerö"]
    assert partners_of(investment) == [
        ("Barn- och utvecklingsförvaltningen", "municipality"),
        ("socialtjänsten i Öckerö kommun", "municipality"),
        ("Närhälsan", "region"),
        ("Barnmedicin", "region"),
    ]
    assert (investment.starts_on, investment.ends_on) == (datetime.date(2020, 3, 1), datetime.date(2022, 12, 31))
    assert investment.run_status == RunStatus.ONGOING
    assert investment.purpose.startswith("Investeringen syftar till att skapa hållbara rutiner")
    assert investment.target_group.startswith("Elever i grundskolan med problematisk skolfrånvaro")
    assert investment.content.endswith("för arbetet med att främja elevernas närvaro.")


def test_it_reads_a_city_a_private_provider_and_a_period_in_two_sentences(reference_data):
    run(SEED)

    investment = imported("Tillsammans för barnen, Trollhättan")
    assert list(investment.municipalities.values_list("name", flat=True)) == ["Trollhättan"]
    assert partners_of(investment) == [
        ("Socialtjänsten i Trollhättans stad", "municipality"),
        ("Capio Hjortmossen Barnavårdscentral", "region"),
        ("Familjecentrum", ""),
        ("mödrahälsovården Trollhättan", "region"),
        ("Kunskapscentrum för jämlik vård", ""),
        ("Högskolan Väst", ""),
    ]
    assert (investment.starts_on, investment.ends_on) == (datetime.date(2018, 2, 1), datetime.date(2021, 1, 31))


def test_it_reads_a_completed_investment_with_six_digit_dates(reference_data):
    run(SEED)

    investment = imported("Team Bagera")
    assert investment.run_status == RunStatus.COMPLETED
    assert list(investment.municipalities.values_list("name", flat=True)) == ["Grästorp"]
    assert (investment.starts_on, investment.ends_on) == (datetime.date(2017, 1, 1), datetime.date(2019, 12, 31))
    assert ("Capio primärvård BVC", "region") in partners_of(investment)
    assert ("Team Agera (Grästorps kommun/skola)", "municipality") in partners_of(investment)


def test_it_matches_dals_ed_written_with_a_space_and_drops_the_title_s_full_stop(reference_data):
    run(SEED)

    investment = imported("Bygga broar för barn, Dals Eds kommun")
    assert list(investment.municipalities.values_list("name", flat=True)) == ["Dals-Ed"]
    assert ("Individ och familjeomsorgen IFO", "municipality") in partners_of(investment)
    assert (investment.starts_on, investment.ends_on) == (datetime.date(2019, 1, 1), datetime.date(2021, 12, 31))


def test_it_changes_nothing_when_run_twice(reference_data):
    run(SEED)
    before = {
        a.pk: (a.updated_at, a.history.count(), tuple(a.partners.values_list("pk", flat=True)))
        for a in Application.objects.filter(source=Source.IMPORT)
    }

    out, err = run(SEED)

    after = {
        a.pk: (a.updated_at, a.history.count(), tuple(a.partners.values_list("pk", flat=True)))
        for a in Application.objects.filter(source=Source.IMPORT)
    }
    assert after == before
    assert "0 nya, 0 uppdaterade, 23 oförändrade; 14 pågående, 9 avslutade; 0 problem" in out
    assert err == ""
    assert Call.with_archives.filter(name=CALL_NAME).count() == 1


def test_it_updates_an_investment_in_place_when_the_list_changes(reference_data, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    run(text, tmp_path)
    investment = imported("Team Bagera")

    out, _err = run(text.replace("Alla föräldrar med barn 0 till 6 år i kommunen.", "Alla föräldrar."), tmp_path)

    assert "0 nya, 1 uppdaterade, 22 oförändrade" in out
    investment.refresh_from_db()
    assert investment.target_group == "Alla föräldrar."
    assert Application.objects.filter(source=Source.IMPORT).count() == 23


# --- a file with broken blocks ----------------------------------------------------------


def test_it_imports_the_good_blocks_and_reports_the_bad_lines(reference_data, tmp_path):
    out, err = run(BROKEN, tmp_path)

    titles = set(Application.objects.filter(source=Source.IMPORT).values_list("title", flat=True))
    assert titles == {"Språkstöd i förskolan, Uddevalla", "Familjecentral i Lysekil", "Läxhjälp med mera",
                      "Tidig upptäckt, Munkedal"}  # fmt: skip
    lines = err.splitlines()
    assert lines[0].startswith("Rad 18: tidsperioden ”våren 2019 och framåt” går inte att läsa")
    assert lines[1].startswith("Rad 21: en investering utan rubrik")
    assert lines[2].startswith("Rad 27: ”Läxhjälp med mera” saknar Samverkansparter, Syfte, Målgrupp, Innehåll")
    assert lines[3].startswith("Rad 28: tidsperioden ”2015-01-01 - 2014-12-31” går inte att läsa")
    assert len(lines) == 4
    assert "4 nya, 0 uppdaterade, 0 oförändrade; 2 pågående, 2 avslutade; 4 problem" in out


def test_it_imports_a_block_with_an_unreadable_period_without_dates(reference_data, tmp_path):
    run(BROKEN, tmp_path)

    investment = imported("Familjecentral i Lysekil")
    assert (investment.starts_on, investment.ends_on) == (None, None)
    assert list(investment.municipalities.values_list("name", flat=True)) == ["Lysekil"]
    assert investment.content == "En familjecentral med BVC, MVC och socialtjänst."


def test_it_keeps_the_dates_an_editor_set_when_the_period_cannot_be_read(reference_data, tmp_path):
    run(BROKEN, tmp_path)
    Application.objects.filter(title="Familjecentral i Lysekil").update(
        starts_on=datetime.date(2019, 3, 1), ends_on=datetime.date(2021, 2, 28)
    )

    run(BROKEN, tmp_path)

    investment = imported("Familjecentral i Lysekil")
    assert (investment.starts_on, investment.ends_on) == (datetime.date(2019, 3, 1), datetime.date(2021, 2, 28))


def test_it_refuses_a_file_it_cannot_open(reference_data, tmp_path):
    with pytest.raises(CommandError, match="går inte att läsa"):
        run(tmp_path / "finns-inte.txt")


# --- the pure functions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "starts_on", "ends_on"),
    [
        ("2020-01-01 - 2022- 12- 31.", datetime.date(2020, 1, 1), datetime.date(2022, 12, 31)),
        ("2020-03-01  - 2022-12-31", datetime.date(2020, 3, 1), datetime.date(2022, 12, 31)),
        ("20180401 - 20210630", datetime.date(2018, 4, 1), datetime.date(2021, 6, 30)),
        ("2018-01-01 – 2021-09-30", datetime.date(2018, 1, 1), datetime.date(2021, 9, 30)),
        ("190101-211231", datetime.date(2019, 1, 1), datetime.date(2021, 12, 31)),
        ("170101–180630", datetime.date(2017, 1, 1), datetime.date(2018, 6, 30)),
        ("2018-05-11 - 2021-01-01 ", datetime.date(2018, 5, 11), datetime.date(2021, 1, 1)),
        ("2018-02-01 till 2021-01-31", datetime.date(2018, 2, 1), datetime.date(2021, 1, 31)),
    ],
)
def test_it_reads_the_periods_as_the_page_writes_them(text, starts_on, ends_on):
    assert parse_period(text) == (starts_on, ends_on)


@pytest.mark.parametrize("text", ["våren 2019", "2019–2021", "2019-02-30 - 2020-01-01", "2021-01-01 - 2020-01-01", ""])
def test_it_refuses_a_period_it_would_have_to_guess(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_it_splits_partners_but_keeps_names_with_och_whole():
    partners = split_partners(
        "Härryda kommun (skola och socialtjänst) och Barn- och ungdomsmedicin (BUM). "
        "Härryda kommun/Utvecklings-och stödenheten är projektägare."
    )
    assert [(p.name, p.principal) for p in partners] == [
        ("Härryda kommun (skola och socialtjänst)", "municipality"),
        ("Barn- och ungdomsmedicin (BUM)", "region"),
    ]


def test_it_does_not_take_a_closing_place_for_a_partner():
    partners = split_partners("Elevhälsan, Närhälsans vårdcentral samt Bleketsskolan och Häggvallskolan, Tjörn.")
    assert [p.name for p in partners] == ["Elevhälsan", "Närhälsans vårdcentral", "Bleketsskolan", "Häggvallskolan"]


@pytest.mark.parametrize(
    ("name", "principal"),
    [
        ("Närhälsan i Herrljunga kommun", "region"),
        ("NU-sjukvården Barn- och ungdomspsykiatriska öv-mott Dalslands sjukhus", "region"),
        ("ungdomsmottagningen i Tidaholm", "region"),
        ("Västra Götalandsregionen", "region"),
        ("Göteborgs Stad", "municipality"),
        ("SDF Majorna-Linné", "municipality"),
        ("kommunala förskolan i Dals Ed", "municipality"),
        ("Högskolan Väst", ""),
        ("Göteborgsregionen (GR)", ""),
    ],
)
def test_it_tells_the_principal_from_the_name(name, principal):
    assert principal_of(name) == principal


def test_it_finds_municipalities_in_their_genitive_forms():
    names = ["Dals-Ed", "Göteborg", "Mark", "Trollhättan", "Vara", "Öckerö"]
    assert find_municipalities("Socialtjänsten i Trollhättans stad", names) == ["Trollhättan"]
    assert find_municipalities("Ökad skolnärvaro, Öckerö kommun", names) == ["Öckerö"]
    assert find_municipalities("FOKUS nämnden Dals Eds kommun", names) == ["Dals-Ed"]
    assert find_municipalities("Göteborgsregionen (GR), mark och vara", names) == []


def test_it_reads_blocks_with_their_line_numbers_and_the_part_they_are_in():
    result = parse_investments(SEED.read_text(encoding="utf-8"))

    assert result.problems == []
    assert len(result.investments) == 23
    first, last = result.investments[0], result.investments[-1]
    assert (first.line, first.title, first.run_status) == (8, "Med gemensamma krafter, Bengtsfors", "ongoing")
    assert (last.title, last.run_status) == ("HELA - Holistiskt Engagerat Lärande för Alla", "completed")
    assert sum(1 for i in result.investments if i.run_status == "ongoing") == 14


def test_it_keeps_a_field_that_runs_over_several_lines():
    result = parse_investments(
        "Avslutade investeringar\n\nTitel\nSamverkansparter: A kommun och BVC\nSyfte: S\nMålgrupp: M\n"
        "Tidsperiod: 190101-211231\nInnehåll: Första stycket.\nAndra stycket.\n\nSenast uppdaterad: 2017-03-08\n"
    )

    assert result.problems == []
    assert result.investments[0].content == "Första stycket.\n\nAndra stycket."


def test_it_reports_a_line_that_belongs_to_no_investment():
    result = parse_investments(
        "Pågående sociala investeringar\n\nInledning.\n\nTitel\nSamverkansparter: A kommun\n"
        "Syfte: S\nMålgrupp: M\nTidsperiod: 190101-211231\nInnehåll: I\n\nAvslutade investeringar\n"
        "Inledning om avslutade.\n\nEn lös rad.\n\nEn till.\n"
    )

    assert [(p.line, p.message[:30]) for p in result.problems] == [
        (15, "raden hör inte till någon inve"),
        (17, "raden hör inte till någon inve"),
    ]
