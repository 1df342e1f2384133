"""Demo applications in different states, so that every demo login has something to do.

Run after ``seed_demo``. Idempotent: an application that exists (same group and
title) is left as it is. Everything goes through the services and the workflow,
so the demo timeline is real.
"""

from django.core.management.base import BaseCommand, CommandError

from applications import services
from applications.demo import complete_draft
from applications.models import Application
from partnership.models import Body, BodyKind, Call, User


class Command(BaseCommand):
    help = "Skapar demoansökningar i olika lägen (kör efter seed_demo; idempotent)."

    def handle(self, *args, **options):
        call = Call.objects.exclude(name__contains="2017").filter(partnership__sub_region__name="Fyrbodal").first()
        if call is None or not call.is_open():
            raise CommandError("Ingen öppen utlysning: kör seed_demo först.")
        project_leader = User.objects.get(username="projektledare")
        created = 0

        def group(municipality: str) -> Body:
            return Body.objects.get(kind=BodyKind.LOCAL_WORKING_GROUP, municipality__name=municipality)

        def exists(municipality: str, title: str) -> bool:
            return Application.objects.filter(working_group=group(municipality), title=title).exists()

        title = "Språkstöd i förskolan, Dalaberg"
        if not exists("Uddevalla", title):
            leader = User.objects.get(username="gruppledare-uddevalla")
            services.application_create(call=call, working_group=group("Uddevalla"), title=title, by=leader)
            created += 1

        title = "PALS i Färgelandas skolor"
        if not exists("Färgelanda", title):
            leader = User.objects.get(username="gruppledare-fargelanda")
            application = complete_draft(
                call=call,
                working_group=group("Färgelanda"),
                title=title,
                by=leader,
                purpose="Tidiga tillitsfulla relationer mellan elever och lärare genom skolmodellen PALS.",
                target_age_min=6,
                target_age_max=12,
                expected_children=310,
            )
            services.application_submit(application=application, by=leader)
            created += 1

        title = "Språkutveckling för nyanlända elever, Mellerud"
        if not exists("Mellerud", title):
            leader = User.objects.get(username="gruppledare-mellerud")
            application = complete_draft(
                call=call,
                working_group=group("Mellerud"),
                title=title,
                by=leader,
                purpose="Nyanlända elever når kunskapsmålen genom språkutveckling i samverkan med BVC och BUP.",
                target_age_min=6,
                target_age_max=12,
                expected_children=85,
            )
            application = services.application_submit(application=application, by=leader)
            services.application_accept(application=application, by=project_leader, message="Komplett och tydlig.")
            created += 1

        # The region-wide partnership (seed_demo builds it beside Fyrbodal's): one submitted
        # application from Borås, for children up to 15, waiting for its own project leader.
        region_call = Call.objects.filter(partnership__sub_region__isnull=True, parts__isnull=False).first()
        title = "Föräldrastöd i Borås förskolor och skolor"
        if region_call is not None and region_call.is_open() and not exists("Borås", title):
            leader = User.objects.get(username="gruppledare-boras")
            application = complete_draft(
                call=region_call,
                working_group=group("Borås"),
                title=title,
                by=leader,
                purpose="Föräldrar som resurs: stöd till föräldrar med barn i förskola och skola, 0–15 år.",
                target_age_min=3,
                target_age_max=15,
                expected_children=420,
            )
            services.application_submit(application=application, by=leader)
            created += 1

        self.stdout.write(f"Demoansökningar: {created} nya.")
