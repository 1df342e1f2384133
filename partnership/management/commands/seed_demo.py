"""Build the real structure of SIM spår 2 in Fyrbodal, and beside it a region-wide
partnership (SIM Västra Götaland, ages 0–15, in Borås and Göteborg), with one demo login per role.

Both shapes of partnership, one sub-region's and the whole region's, are always in the demo.
RUN, its secretariat and Koncernkontoret are the region's and serve both.

Idempotent: running it again changes nothing. With DEBUG off it builds the
structure and the people, but refuses to give anyone a known password.
"""

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from partnership.models import (
    Body,
    BodyKind,
    Call,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Part,
    Partnership,
    Principal,
    PriorityArea,
    Region,
    SubRegion,
    Unit,
    UnitKind,
    User,
)
from partnership.reference import FYRBODAL_MUNICIPALITIES, ensure_letterhead, ensure_reference_data

DEMO_PASSWORD = "sim-demo-2026"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
START = datetime.date(2017, 6, 19)  # the project plan was adopted by the steering group
WG_APPOINTED = datetime.date(2017, 8, 28)

FYRBODAL = FYRBODAL_MUNICIPALITIES
PARTS = [
    (
        1,
        "Del I – start av insatser",
        "Insatser startas utifrån den inledande kartläggningen.",
        ["Uddevalla", "Färgelanda", "Mellerud"],
    ),
    (
        2,
        "Del II – kartläggning och insatser",
        "Verksamhetsnära kartläggning först, därefter insatser.",
        ["Trollhättan", "Lysekil", "Munkedal"],
    ),
    (
        3,
        "Del III – spridning och implementering",
        "Övriga kommuner följer arbetet genom dialogmöten och kan införa insatser som visar resultat.",
        [m for m in FYRBODAL if m not in {"Uddevalla", "Färgelanda", "Mellerud", "Trollhättan", "Lysekil", "Munkedal"}],
    ),
]
WORKING_GROUP_MUNICIPALITIES = ["Uddevalla", "Färgelanda", "Mellerud", "Trollhättan", "Lysekil", "Munkedal"]

REGION_UNITS = [
    (
        "NU-sjukvården",
        [
            ("BUP NU-sjukvården", UnitKind.BUP, "Trollhättan"),
            ("Barn- och ungdomsmedicin NU-sjukvården", UnitKind.BUM, "Uddevalla"),
            ("Logopedmottagningen NU-sjukvården", UnitKind.SPEECH_THERAPY, "Uddevalla"),
            ("Mödrahälsovården NU-sjukvården", UnitKind.MVC, "Trollhättan"),
        ],
    ),
    (
        "Närhälsan",
        [
            ("Närhälsan Dalaberg vårdcentral", UnitKind.PRIMARY_CARE, "Uddevalla"),
            ("Närhälsan Dalaberg barnavårdscentral", UnitKind.BVC, "Uddevalla"),
            ("Närhälsan Färgelanda vårdcentral", UnitKind.PRIMARY_CARE, "Färgelanda"),
            ("Närhälsan Mellerud barnavårdscentral", UnitKind.BVC, "Mellerud"),
            ("Närhälsan Lysekil barnavårdscentral", UnitKind.BVC, "Lysekil"),
            ("Närhälsan Munkedal vårdcentral", UnitKind.PRIMARY_CARE, "Munkedal"),
            ("Närhälsan Trollhättan ungdomsmottagning", UnitKind.YOUTH_CLINIC, "Trollhättan"),
        ],
    ),
    (
        "Capio",
        [
            ("Capio Vårdcentral Vänersborg", UnitKind.PRIMARY_CARE, "Vänersborg"),
        ],
    ),
]
MUNICIPAL_UNITS = [
    ("Socialtjänsten", UnitKind.SOCIAL_SERVICES),
    ("Förskolan", UnitKind.PRESCHOOL),
    ("Grundskolan", UnitKind.SCHOOL),
    ("Elevhälsan", UnitKind.PUPIL_HEALTH),
]

# (username, first, last, e-mail, title, organisation, demo role label or None)
PEOPLE = [
    ("projektledare", "Sara", "Lindqvist", "Projektledare SIM spår 2", "Vårdsamverkan Fyrbodal", "Projektledare"),
    ("styrgrupp-ordf", "Anders", "Holm", "Verksamhetschef", "NU-sjukvården", "Styrgruppens ordförande"),
    ("styrgrupp", "Karin", "Ek", "Socialchef", "Uddevalla kommun", "Styrgruppsledamot (även vice ordf. NSV Uddevalla)"),
    ("styrgrupp-narhalsan", "Per", "Sandberg", "Primärvårdschef", "Närhälsan", None),
    ("styrgrupp-capio", "Lena", "Berg", "Verksamhetschef", "Capio", None),
    ("styrgrupp-soc2", "Johan", "Nyberg", "Socialchef", "Trollhättans stad", None),
    ("styrgrupp-utb1", "Eva", "Strand", "Förvaltningschef utbildning", "Melleruds kommun", None),
    ("styrgrupp-utb2", "Mats", "Dahl", "Förvaltningschef utbildning", "Lysekils kommun", None),
    (
        "koncernkontoret",
        "Maria",
        "Johansson",
        "Processansvarig sociala investeringar",
        "Koncernkontoret VGR",
        "Koncernkontoret",
    ),
    ("sekretariat", "Henrik", "Wallin", "Nämndsekreterare", "Regionutvecklingssekretariatet", "RUN:s sekretariat"),
    (
        "gruppledare-uddevalla",
        "Eugenia",
        "Strand",
        "Utvecklingsledare",
        "Uddevalla kommun",
        "Arbetsgruppsledare Uddevalla",
    ),
    ("gruppmedlem-uddevalla", "Ali", "Hassan", "BVC-sjuksköterska", "Närhälsan", "Arbetsgruppsmedlem Uddevalla"),
    ("gruppledare-munkedal", "Ulla", "Persson", "Rektor", "Munkedals kommun", "Arbetsgruppsledare Munkedal"),
    ("gruppledare-fargelanda", "Lars", "Nilsson", "Biträdande rektor", "Färgelanda kommun", None),
    ("gruppledare-mellerud", "Fatima", "Ali", "Utvecklingsledare", "Melleruds kommun", None),
    ("nsv-uddevalla", "Bengt", "Olsson", "Områdeschef", "Närhälsan", "NSV-ordförande Uddevalla"),
    ("run-ordf", "Birgitta", "Lund", "Ordförande RUN", "Västra Götalandsregionen", None),
    # The principals' managers who sign applications (no seat in any body; ``applications.demo``).
    ("chef-nu-sjukvarden", "Helena", "Åberg", "Sjukhusdirektör", "NU-sjukvården", "Undertecknare för regionen"),
    ("chef-uddevalla-kommun", "Marie", "Lindberg", "Kommundirektör", "Uddevalla kommun", "Undertecknare för Uddevalla"),
    ("chef-fargelanda-kommun", "Olof", "Berglund", "Kommundirektör", "Färgelanda kommun", None),
    ("chef-melleruds-kommun", "Annelie", "Sund", "Kommundirektör", "Melleruds kommun", None),
]


# The region-wide partnership: the same RUN, secretariat and Koncernkontoret, its own project
# leader, call, steering group and working groups, in municipalities outside Fyrbodal.
REGION_WIDE_NAME = "Sociala investeringsmedel – SIM Västra Götaland, hela regionen"
REGION_WIDE_MUNICIPALITIES = {"Borås": "Borås Stad", "Göteborg": "Göteborgs Stad"}
REGION_WIDE_UNITS = [
    (
        "Södra Älvsborgs sjukhus",
        [("BUP Södra Älvsborgs sjukhus", UnitKind.BUP, "Borås")],
    ),
    (
        "Sahlgrenska Universitetssjukhuset",
        [("Barn- och ungdomsmedicin Drottning Silvias barnsjukhus", UnitKind.BUM, "Göteborg")],
    ),
    (
        "Närhälsan",
        [
            ("Närhälsan Norrby barnavårdscentral", UnitKind.BVC, "Borås"),
            ("Närhälsan Angered barnavårdscentral", UnitKind.BVC, "Göteborg"),
        ],
    ),
]
# (username, first, last, title, organisation, demo role label or None)
REGION_WIDE_PEOPLE = [
    (
        "projektledare-vg",
        "Nora",
        "Eriksson",
        "Projektledare SIM Västra Götaland",
        "Västra Götalandsregionen",
        "Projektledare",
    ),
    ("styrgrupp-vg-ordf", "Ingrid", "Sjöberg", "Sjukhusdirektör", "Södra Älvsborgs sjukhus", "Styrgruppens ordförande"),
    ("styrgrupp-vg", "Omar", "Haddad", "Förvaltningschef förskola", "Borås Stad", "Styrgruppsledamot"),
    ("styrgrupp-vg-gbg", "Annika", "Lind", "Socialchef", "Göteborgs Stad", None),
    ("styrgrupp-vg-narhalsan", "Jonas", "Wik", "Primärvårdschef", "Närhälsan", None),
    ("gruppledare-boras", "Sofia", "Karlsson", "Utvecklingsledare", "Borås Stad", "Arbetsgruppsledare Borås"),
    ("gruppmedlem-boras", "Erik", "Ström", "BVC-sjuksköterska", "Närhälsan", "Arbetsgruppsmedlem Borås"),
    ("gruppledare-goteborg", "Hanna", "Berglund", "Rektor", "Göteborgs Stad", "Arbetsgruppsledare Göteborg"),
    ("nsv-boras", "Karl", "Månsson", "Områdeschef", "Närhälsan", "NSV-ordförande Borås"),
    ("chef-boras-stad", "Peter", "Holmgren", "Stadsdirektör", "Borås Stad", "Undertecknare för Borås Stad"),
]


MUNICIPAL_ORGANISATIONS = {
    "Bengtsfors": "Bengtsfors kommun",
    "Dals-Ed": "Dals-Eds kommun",
    "Färgelanda": "Färgelanda kommun",
    "Lilla Edet": "Lilla Edets kommun",
    "Lysekil": "Lysekils kommun",
    "Mellerud": "Melleruds kommun",
    "Munkedal": "Munkedals kommun",
    "Orust": "Orust kommun",
    "Sotenäs": "Sotenäs kommun",
    "Strömstad": "Strömstads kommun",
    "Tanum": "Tanums kommun",
    "Trollhättan": "Trollhättans stad",
    "Uddevalla": "Uddevalla kommun",
    "Vänersborg": "Vänersborgs kommun",
    "Åmål": "Åmåls kommun",
}


# The priority areas VGR's calls have named; every demo call lists them.
PRIORITY_AREAS = [
    ("Psykisk hälsa", "Barns och ungas psykiska hälsa: tidiga tecken på ohälsa och stöd i tid."),
    ("Föräldrar som resurs", "Stöd i föräldraskapet och föräldrarnas delaktighet i barnets utveckling och lärande."),
    ("Läsning och språk", "Språkutveckling och läsförmåga, från förskolan och genom skolåren."),
    ("Motivation och skolnärvaro", "Lust att lära och närvaro i skolan, så att fler når godkända betyg."),
]


def priority_areas_for(call: Call) -> None:
    for position, (name, description) in enumerate(PRIORITY_AREAS, start=1):
        PriorityArea.objects.update_or_create(
            call=call, name=name, defaults={"position": position, "description": description}
        )


def current_round_dates(today: datetime.date, prefix: str = "SIM spår 2") -> dict:
    """An application round open today: deadline in ten weeks at 12:00, then the meetings."""
    deadline_day = today + datetime.timedelta(weeks=10)
    run_meeting = deadline_day + datetime.timedelta(weeks=6)
    season = "våren" if run_meeting.month <= 6 else "hösten"
    return {
        "name": f"{prefix} – ansökningsomgång {season} {run_meeting.year}",
        "opens_on": today - datetime.timedelta(weeks=3),
        "deadline": datetime.datetime.combine(deadline_day, datetime.time(12, 0), tzinfo=STOCKHOLM),
        "steering_group_meeting_on": deadline_day + datetime.timedelta(weeks=2),
        "run_meeting_on": run_meeting,
    }


class Command(BaseCommand):
    help = "Bygger partnerskapets verkliga struktur med demoinloggningar (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Skriv inte ut inloggningarna.")

    @transaction.atomic
    def handle(self, *args, quiet: bool = False, **options):
        demo_logins = settings.DEBUG
        self.build(demo_logins=demo_logins)
        self.build_region_wide(demo_logins=demo_logins)
        if quiet:
            return
        if not demo_logins:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG är av: strukturen är byggd, men inga demoinloggningar med kända lösenord skapades."
                )
            )
            return
        self.stdout.write(self.style.SUCCESS("Demodata klar. Logga in på http://127.0.0.1:8000/ som:"))
        for heading, people in [
            ("SIM spår 2 Fyrbodal (och regionens RUN, sekretariat och Koncernkontoret):", PEOPLE),
            ("SIM Västra Götaland, hela regionen (barn 0–15 år, Borås och Göteborg):", REGION_WIDE_PEOPLE),
        ]:
            self.stdout.write(heading)
            for username, _first, _last, _title, _org, label in people:
                if label:
                    self.stdout.write(f"  {label:<52} {username:<24} lösenord: {DEMO_PASSWORD}")

    def build(self, *, demo_logins: bool) -> None:
        ensure_reference_data(Region, SubRegion, Municipality)
        ensure_letterhead(Region)
        region = Region.objects.get(name="Västra Götalandsregionen")
        fyrbodal = SubRegion.objects.get(region=region, name="Fyrbodal")
        municipalities = {m.name: m for m in Municipality.objects.filter(name__in=FYRBODAL)}

        organisations = self.build_organisations(municipalities)
        partnership, _ = Partnership.objects.update_or_create(
            name="Sociala investeringsmedel spår 2 – partnerskapssatsning i Fyrbodal",
            defaults={
                "short_name": "SIM spår 2 Fyrbodal",
                "region": region,
                "sub_region": fyrbodal,
                "project_owner": organisations["NU-sjukvården"],
                "target_age_min": 0,
                "target_age_max": 12,
                "parties": "Västra Götalandsregionen och kommunerna i Fyrbodal",
                "contact_email": "projektledare@demo.simportal.local",
            },
        )
        parts = {}
        for number, name, description, names in PARTS:
            part, _ = Part.objects.update_or_create(
                partnership=partnership, number=number, defaults={"name": name, "description": description}
            )
            part.municipalities.set([municipalities[n] for n in names])
            parts[number] = part

        self.build_calls(partnership, parts)
        bodies = self.build_bodies(partnership, municipalities)
        people = self.build_people(organisations, demo_logins=demo_logins)
        self.build_memberships(bodies, people, organisations)

    @staticmethod
    def _units_and_municipal_organisations(
        orgs: dict[str, Organisation],
        region_units: Any,
        municipal_names: dict[str, str],
        municipalities: dict[str, Municipality],
    ) -> dict[str, Organisation]:
        """The region's units of ``orgs``, then each municipality's organisation with its units.

        The units are read once and written together: a unit missing is added, one whose kind or
        municipality differs is corrected, and the rest cost nothing."""
        wanted: dict[tuple[int, str], tuple[str, Municipality]] = {}
        for org_name, units in region_units:
            for unit_name, kind, municipality in units:
                wanted[(orgs[org_name].pk, unit_name)] = (kind, municipalities[municipality])
        for name, municipality in municipalities.items():
            org, _ = Organisation.objects.update_or_create(
                name=municipal_names[name],
                defaults={"principal": Principal.MUNICIPALITY, "municipality": municipality},
            )
            orgs[org.name] = org
            for unit_name, kind in MUNICIPAL_UNITS:
                wanted[(org.pk, f"{unit_name} {name}")] = (kind, municipality)
        existing = {
            (unit.organisation_id, unit.name): unit
            for unit in Unit.objects.filter(organisation_id__in={org_id for org_id, _name in wanted})
        }
        missing = []
        for (org_id, unit_name), (kind, municipality) in wanted.items():
            unit = existing.get((org_id, unit_name))
            if unit is None:
                missing.append(Unit(organisation_id=org_id, name=unit_name, kind=kind, municipality=municipality))
            elif unit.kind != kind or unit.municipality_id != municipality.pk:
                unit.kind, unit.municipality = kind, municipality
                unit.save(update_fields=["kind", "municipality"])
        Unit.objects.bulk_create(missing)
        return orgs

    def build_organisations(self, municipalities: dict[str, Municipality]) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        for name, private in [
            ("Västra Götalandsregionen", False),
            ("NU-sjukvården", False),
            ("Närhälsan", False),
            ("Capio", True),
            ("Koncernkontoret VGR", False),
            ("Regionutvecklingssekretariatet", False),
            ("Vårdsamverkan Fyrbodal", False),
        ]:
            orgs[name], _ = Organisation.objects.update_or_create(
                name=name, defaults={"principal": Principal.REGION, "is_private_provider": private}
            )
        return self._units_and_municipal_organisations(orgs, REGION_UNITS, MUNICIPAL_ORGANISATIONS, municipalities)

    def build_calls(self, partnership: Partnership, parts: dict[int, Part]) -> None:
        call_2017, _ = Call.objects.update_or_create(
            partnership=partnership,
            name="SIM spår 2 – Del I, hösten 2017",
            defaults={
                "description": "Ansökningar för insatser i Del I (Uddevalla, Färgelanda, Mellerud), "
                "enligt projektplanens tidsplan.",
                "target_age_min": 0,
                "target_age_max": 12,
                "opens_on": datetime.date(2017, 6, 19),
                "deadline": datetime.datetime(2017, 9, 4, 12, 0, tzinfo=STOCKHOLM),
                "steering_group_meeting_on": datetime.date(2017, 9, 13),
                "run_meeting_on": datetime.date(2017, 10, 19),
                "budget": 6_000_000,
                "max_duration_months": 36,
            },
        )
        call_2017.parts.set([parts[1]])
        priority_areas_for(call_2017)
        # The current round is created once, from the day the demo is first built, so that a
        # fresh demo always has an open call; later runs leave its dates alone.
        dates = current_round_dates(timezone.localdate())
        current, _ = Call.objects.get_or_create(
            partnership=partnership,
            name=dates.pop("name"),
            defaults={
                "description": "Ansökningar för insatser i Del I och Del II.",
                "target_age_min": 0,
                "target_age_max": 12,
                "budget": 9_000_000,
                "max_duration_months": 36,
                **dates,
            },
        )
        current.parts.set([parts[1], parts[2]])
        priority_areas_for(current)

    def build_bodies(self, partnership: Partnership, municipalities: dict[str, Municipality]) -> dict[str, Body]:
        bodies: dict[str, Body] = {}

        def body(key: str, name: str, kind: str, **fields) -> Body:
            bodies[key], _ = Body.objects.update_or_create(name=name, defaults={"kind": kind, **fields})
            return bodies[key]

        body(
            "run",
            "Regionutvecklingsnämnden (RUN)",
            BodyKind.RUN,
            description="Beslutar om varje ansökan vid sitt sammanträde.",
        )
        body(
            "secretariat",
            "RUN:s sekretariat",
            BodyKind.RUN_SECRETARIAT,
            description="Registrerar nämndens beslut, belopp och villkor.",
        )
        body(
            "steering",
            "Styrgrupp SIM spår 2 Fyrbodal",
            BodyKind.STEERING_GROUP,
            partnership=partnership,
            description="Bereder kompletta ansökningar och tillstyrker eller avstyrker dem till RUN.",
        )
        body(
            "kk",
            "Koncernkontoret VGR – sociala investeringsmedel",
            BodyKind.KONCERNKONTORET,
            description="Tar emot ansökningarna och ser att de går i linje med RUN:s intentioner.",
        )
        body(
            "subregional",
            "Operativ delregional arbetsgrupp SIM spår 2",
            BodyKind.SUBREGIONAL_WORKING_GROUP,
            partnership=partnership,
            description="Bereder frågor till styrgruppen tillsammans med projektledaren.",
        )
        for name, municipality in municipalities.items():
            body(
                f"nsv:{name}",
                f"Lokal närsjukvårdsgrupp {name}",
                BodyKind.NSV,
                municipality=municipality,
                description="Utser den lokala SIM-arbetsgruppen och dess ledare.",
            )
        for name in WORKING_GROUP_MUNICIPALITIES:
            body(
                f"wg:{name}",
                f"Lokal SIM-arbetsgrupp {name}",
                BodyKind.LOCAL_WORKING_GROUP,
                partnership=partnership,
                municipality=municipalities[name],
                appointed_by=bodies[f"nsv:{name}"],
                appointed_on=WG_APPOINTED,
                description="Kartlägger behoven hos barn 0–12 år och ansöker om medel för varje insats.",
            )
        return bodies

    def build_people(
        self, organisations: dict[str, Organisation], *, demo_logins: bool, table: list | None = None
    ) -> dict[str, User]:
        people: dict[str, User] = {}
        for username, first, last, title, org_name, _label in PEOPLE if table is None else table:
            organisation = organisations[org_name]
            user, created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.simportal.local",
                    "title": title,
                    "organisation": organisation,
                    "is_active": True,
                },
            )
            # Every demo person logs in with the demo password, the steering group's members too.
            wants_password = demo_logins
            if wants_password and not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            elif not wants_password and (created or user.has_usable_password()):
                user.set_unusable_password()
                user.save(update_fields=["password"])
            people[username] = user
        return people

    def build_memberships(self, bodies, people, organisations) -> None:
        def seat(username: str, body_key: str, role: str, *, starts_on=START, unit=None, organisation=None):
            Membership.objects.update_or_create(
                person=people[username],
                body=bodies[body_key],
                role=role,
                starts_on=starts_on,
                defaults={"unit": unit, "organisation": organisation or people[username].organisation, "ends_on": None},
            )

        def unit(name: str) -> Unit:
            return Unit.objects.get(name=name)

        seat("run-ordf", "run", MembershipRole.CHAIR)
        seat("sekretariat", "secretariat", MembershipRole.SECRETARY)
        seat("styrgrupp-ordf", "steering", MembershipRole.CHAIR)
        seat("styrgrupp-narhalsan", "steering", MembershipRole.MEMBER, unit=unit("Närhälsan Dalaberg vårdcentral"))
        seat("styrgrupp-capio", "steering", MembershipRole.MEMBER, unit=unit("Capio Vårdcentral Vänersborg"))
        seat("styrgrupp", "steering", MembershipRole.MEMBER, unit=unit("Socialtjänsten Uddevalla"))
        seat("styrgrupp-soc2", "steering", MembershipRole.MEMBER, unit=unit("Socialtjänsten Trollhättan"))
        seat("styrgrupp-utb1", "steering", MembershipRole.MEMBER, unit=unit("Grundskolan Mellerud"))
        seat("styrgrupp-utb2", "steering", MembershipRole.MEMBER, unit=unit("Grundskolan Lysekil"))
        seat("koncernkontoret", "steering", MembershipRole.ADJUNCT)
        seat("koncernkontoret", "kk", MembershipRole.MEMBER)
        seat("projektledare", "steering", MembershipRole.PROJECT_LEADER)
        seat("projektledare", "subregional", MembershipRole.PROJECT_LEADER)
        # One person may hold several roles: Karin Ek sits in the steering group and is vice chair of an NSV group.
        seat("styrgrupp", "nsv:Uddevalla", MembershipRole.VICE_CHAIR)
        seat("nsv-uddevalla", "nsv:Uddevalla", MembershipRole.CHAIR)
        seat(
            "gruppledare-uddevalla",
            "wg:Uddevalla",
            MembershipRole.LEADER,
            starts_on=WG_APPOINTED,
            unit=unit("Socialtjänsten Uddevalla"),
        )
        seat(
            "gruppmedlem-uddevalla",
            "wg:Uddevalla",
            MembershipRole.MEMBER,
            starts_on=WG_APPOINTED,
            unit=unit("Närhälsan Dalaberg barnavårdscentral"),
        )
        seat(
            "gruppledare-munkedal",
            "wg:Munkedal",
            MembershipRole.LEADER,
            starts_on=WG_APPOINTED,
            unit=unit("Grundskolan Munkedal"),
        )
        for municipality, username in [("Färgelanda", "gruppledare-fargelanda"), ("Mellerud", "gruppledare-mellerud")]:
            seat(
                username,
                f"wg:{municipality}",
                MembershipRole.LEADER,
                starts_on=WG_APPOINTED,
                unit=unit(f"Grundskolan {municipality}"),
            )

    # --- the region-wide partnership ---------------------------------------------------------

    def build_region_wide(self, *, demo_logins: bool) -> Partnership:
        """SIM Västra Götaland: a partnership of the whole region (no sub-region) for children
        0–15, with one part in Borås and Göteborg, its own open call, steering group, operative
        working group, and a local working group per municipality appointed by its NSV group.
        Builds on ``build`` (the region's RUN, secretariat and Koncernkontoret)."""
        ensure_reference_data(Region, SubRegion, Municipality)
        region = Region.objects.get(name="Västra Götalandsregionen")
        municipalities = {m.name: m for m in Municipality.objects.filter(name__in=REGION_WIDE_MUNICIPALITIES)}
        organisations = self.build_region_wide_organisations(municipalities)
        partnership, _ = Partnership.objects.update_or_create(
            name=REGION_WIDE_NAME,
            defaults={
                "short_name": "SIM Västra Götaland",
                "region": region,
                "sub_region": None,
                "project_owner": organisations["Västra Götalandsregionen"],
                "target_age_min": 0,
                "target_age_max": 15,
                "parties": "Västra Götalandsregionen och kommunerna i hela Västra Götaland",
                "contact_email": "projektledare-vg@demo.simportal.local",
            },
        )
        part, _ = Part.objects.update_or_create(
            partnership=partnership,
            number=1,
            defaults={
                "name": "Del 1 – insatser i hela regionen",
                "description": "Kommuner i alla fyra delregioner som ansöker tillsammans med regionens vård.",
            },
        )
        part.municipalities.set(municipalities.values())
        dates = current_round_dates(timezone.localdate(), prefix="SIM Västra Götaland")
        call, _ = Call.objects.get_or_create(
            partnership=partnership,
            name=dates.pop("name"),
            defaults={
                "description": "Regionövergripande utlysning för tidiga insatser för barn och unga 0–15 år.",
                "target_age_min": 0,
                "target_age_max": 15,
                "budget": 12_000_000,
                "max_duration_months": 36,
                **dates,
            },
        )
        call.parts.set([part])
        priority_areas_for(call)

        bodies: dict[str, Body] = {}

        def body(key: str, name: str, kind: str, **fields) -> None:
            bodies[key], _ = Body.objects.update_or_create(name=name, defaults={"kind": kind, **fields})

        body(
            "steering",
            "Styrgrupp SIM Västra Götaland",
            BodyKind.STEERING_GROUP,
            partnership=partnership,
            description="Bereder kompletta ansökningar från hela regionen och tillstyrker eller avstyrker dem "
            "till RUN.",
        )
        body(
            "operative",
            "Operativ arbetsgrupp SIM Västra Götaland",
            BodyKind.SUBREGIONAL_WORKING_GROUP,
            partnership=partnership,
            description="Bereder frågor till styrgruppen tillsammans med projektledaren.",
        )
        for name, municipality in municipalities.items():
            body(
                f"nsv:{name}",
                f"Lokal närsjukvårdsgrupp {name}",
                BodyKind.NSV,
                municipality=municipality,
                description="Utser den lokala SIM-arbetsgruppen och dess ledare.",
            )
            body(
                f"wg:{name}",
                f"Lokal SIM-arbetsgrupp {name}",
                BodyKind.LOCAL_WORKING_GROUP,
                partnership=partnership,
                municipality=municipality,
                appointed_by=bodies[f"nsv:{name}"],
                appointed_on=WG_APPOINTED,
                description="Kartlägger behoven hos barn och unga 0–15 år och ansöker om medel för varje insats.",
            )
        people = self.build_people(organisations, demo_logins=demo_logins, table=REGION_WIDE_PEOPLE)
        people["koncernkontoret"] = User.objects.get(username="koncernkontoret")

        def seat(username: str, body_key: str, role: str, *, unit: str | None = None, starts_on=WG_APPOINTED):
            Membership.objects.update_or_create(
                person=people[username],
                body=bodies[body_key],
                role=role,
                starts_on=starts_on,
                defaults={
                    "unit": Unit.objects.get(name=unit) if unit else None,
                    "organisation": people[username].organisation,
                    "ends_on": None,
                },
            )

        seat("projektledare-vg", "steering", MembershipRole.PROJECT_LEADER)
        seat("projektledare-vg", "operative", MembershipRole.PROJECT_LEADER)
        seat("styrgrupp-vg-ordf", "steering", MembershipRole.CHAIR)
        seat("styrgrupp-vg", "steering", MembershipRole.MEMBER, unit="Förskolan Borås")
        seat("styrgrupp-vg-gbg", "steering", MembershipRole.MEMBER, unit="Socialtjänsten Göteborg")
        seat("styrgrupp-vg-narhalsan", "steering", MembershipRole.MEMBER, unit="Närhälsan Angered barnavårdscentral")
        seat("koncernkontoret", "steering", MembershipRole.ADJUNCT)
        seat("nsv-boras", "nsv:Borås", MembershipRole.CHAIR)
        seat("gruppledare-boras", "wg:Borås", MembershipRole.LEADER, unit="Förskolan Borås")
        seat("gruppmedlem-boras", "wg:Borås", MembershipRole.MEMBER, unit="Närhälsan Norrby barnavårdscentral")
        seat("gruppledare-goteborg", "wg:Göteborg", MembershipRole.LEADER, unit="Grundskolan Göteborg")
        return partnership

    def build_region_wide_organisations(self, municipalities: dict[str, Municipality]) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        for name in ["Västra Götalandsregionen", "Södra Älvsborgs sjukhus", "Sahlgrenska Universitetssjukhuset"]:
            orgs[name], _ = Organisation.objects.update_or_create(
                name=name, defaults={"principal": Principal.REGION, "is_private_provider": False}
            )
        orgs["Närhälsan"] = Organisation.objects.get(name="Närhälsan")
        return self._units_and_municipal_organisations(
            orgs, REGION_WIDE_UNITS, REGION_WIDE_MUNICIPALITIES, municipalities
        )
