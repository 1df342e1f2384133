import datetime

import factory
from django.utils import timezone

from applications.models import Application, Status
from partnership.models import Membership, MembershipRole, User
from reviews.models import AgendaItem, Meeting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Testsson {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    title = factory.Sequence(lambda n: f"Tidig språkutveckling {n}")
    status = Status.DRAFT

    class Params:
        submitted = factory.Trait(
            status=Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            # Out of the range the real counter gives (SIM 2026/0001 …), so a test may submit beside it.
            reference_number=factory.Sequence(lambda n: f"SIM 2026/9{n:04d}"),
        )


def submitted_application(**kwargs) -> Application:
    return ApplicationFactory(submitted=True, **kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Vänerparken, Vänersborg"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)


def complete_application(call, working_group, *, by=None, title="Språkstöd i förskolan", **overrides):
    """A draft with every section filled in so that it can be submitted."""
    from applications.demo import complete_draft

    return complete_draft(call=call, working_group=working_group, title=title, by=by, **overrides)


def accepted_application(demo, municipality: str = "Uddevalla", title: str = "Språkstöd i förskolan"):
    """Submitted by the group's leader and accepted as complete by the project leader."""
    from applications import services
    from partnership.models import Membership, MembershipRole

    group = demo.working_group(municipality)
    leader = Membership.objects.get(body=group, role=MembershipRole.LEADER).person
    application = complete_application(demo.call(), group, title=title, by=leader)
    services.application_submit(application=application, by=leader)
    return services.application_accept(application=application, by=demo.person("project_leader"))
