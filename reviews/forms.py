"""Forms of the steering-group meeting pages. They validate input; the writes are the
services' work (``reviews.services``)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.validators import no_personal_identity_number
from partnership.models import Membership, User
from simportal.formatting import format_kronor
from simportal.forms import KronorField

from . import selectors
from .models import VoteChoice

TEXT_LIMIT = 10_000


def _text(label, *, required: bool = False, rows: int = 4, help_text: str = "", error=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        error_messages={"required": error} if error else None,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[no_personal_identity_number],
    )


class MeetingForm(forms.Form):
    steering_group = forms.ModelChoiceField(label=_("Styrgrupp"), queryset=None, empty_label=None)
    date = forms.DateField(
        label=_("Datum"),
        help_text=_("Skriv datum som 2026-11-23."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=_("Klockslag"),
        help_text=_("Till exempel 13:00."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(
        label=_("Plats"), required=False, max_length=300, help_text=_("Ange plats, videolänk eller båda.")
    )
    video_link = forms.URLField(
        label=_("Videolänk"),
        required=False,
        assume_scheme="https",
        help_text=_("Till exempel https://meet.vgregion.se/…"),
    )

    def __init__(self, *args, steering_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steering_group"].queryset = steering_groups
        if len(steering_groups) == 1:
            self.fields["steering_group"].initial = steering_groups[0]

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        if day and time:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
            if starts_at <= timezone.now():
                self.add_error("date", _("Mötet måste ligga framåt i tiden."))
            data["starts_at"] = starts_at
        if not data.get("place", "").strip() and not data.get("video_link", ""):
            self.add_error("place", _("Ange plats eller videolänk."))
        return data


class AgendaAddForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Ansökan"),
        queryset=Application.objects.none(),
        empty_label=_("Välj en komplett ansökan"),
        error_messages={"required": _("Välj den ansökan som ska på dagordningen.")},
    )
    summary = _text(
        _("Projektledarens sammanfattning"),
        rows=5,
        help_text=_("Det viktigaste i ansökan, som du presenterar det för styrgruppen."),
    )

    def __init__(self, *args, applications, **kwargs):
        """``applications``: every application that may be chosen, what a post is checked against."""
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        field.queryset = applications
        field.label_from_instance = _application_label

    def offer(self, shown: list[Application]) -> None:
        """List only these applications (a meeting may have hundreds waiting; a search finds the
        others). A post is still checked against every application the form was given."""
        field = self.fields["application"]
        field.choices = [("", field.empty_label), *((a.pk, _application_label(a)) for a in shown)]


def _application_label(application: Application) -> str:
    parts = [application.title]
    if application.working_group_id:
        parts.append(str(application.working_group.municipality))
    if application.reference_number:
        parts.append(application.reference_number)
    return " – ".join(parts)


class SummaryForm(forms.Form):
    summary = _text(_("Projektledarens sammanfattning"), rows=4)

    def __init__(self, *args, position: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if position is not None:
            self.fields["summary"].label = _("Sammanfattning av § %(position)s") % {"position": position}


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Närvarande"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kryssa i alla som är på mötet. De som inte är ikryssade antecknas som frånvarande."),
    )

    def __init__(self, *args, members: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(m.person_id), f"{m.person}, {m.get_role_display().lower()}") for m in members
        ]

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Din röst"),
        choices=VoteChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj tillstyrker, avstyrker eller avstår.")},
    )
    comment = _text(_("Kommentar"), rows=3, help_text=_("Frivillig. Syns för ordföranden och projektledaren."))

    def __init__(self, *args, position: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if position is not None:
            self.fields["choice"].label = _("Din röst i § %(position)s") % {"position": position}
            self.fields["comment"].label = _("Kommentar till din röst i § %(position)s") % {"position": position}


class RecusalForm(forms.Form):
    reason = _text(
        _("Skäl till jävet"),
        required=True,
        rows=3,
        help_text=_("Till exempel: ”Jag är chef för en av samverkansparterna.”"),
        error=_("Skriv skälet till jävet."),
    )


class CloseForm(forms.Form):
    """The chair closes an item. The outcome follows the votes; on a tie the chair chooses."""

    casting_vote = forms.ChoiceField(
        label=_("Ordförandens utslagsröst"),
        choices=[(VoteChoice.RECOMMEND, _("Tillstyrk")), (VoteChoice.NOT_RECOMMEND, _("Avstyrk"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Rösterna är lika: välj tillstyrk eller avstyrk med din utslagsröst.")},
    )
    conditions = _text(_("Villkor"), rows=3, help_text=_("Frivilligt. Villkor som följer med tillstyrkan till RUN."))

    def __init__(self, *args, budget_years, tie: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not tie:
            del self.fields["casting_vote"]
        self.years = [b.year for b in budget_years]
        self.requested = {b.year: b.requested for b in budget_years}
        for budget_year in budget_years:
            self.fields[f"amount_{budget_year.year}"] = KronorField(
                label=_("Tillstyrkt belopp %(year)s (kr)") % {"year": budget_year.year},
                initial=budget_year.requested,
                help_text=_("Sökt: %(amount)s. Du kan tillstyrka ett lägre belopp, aldrig ett högre.")
                % {"amount": format_kronor(budget_year.requested)},
                error_messages={
                    "required": _("Skriv beloppet för %(year)s i hela kronor.") % {"year": budget_year.year},
                },
            )

    def clean(self):
        data = super().clean()
        for year in self.years:
            amount = data.get(f"amount_{year}")
            if amount is not None and amount > self.requested[year]:
                self.add_error(
                    f"amount_{year}",
                    _("Beloppet kan inte vara större än det sökta, %(requested)s.")
                    % {"requested": format_kronor(self.requested[year])},
                )
        return data

    def amounts(self) -> dict[int, int]:
        return {year: self.cleaned_data[f"amount_{year}"] for year in self.years}

    def amount_fields(self):
        return [self[f"amount_{year}"] for year in self.years]


class ReturnForm(forms.Form):
    questions = _text(
        _("Styrgruppens frågor"),
        required=True,
        rows=6,
        help_text=_("Frågorna skickas till arbetsgruppen, som kompletterar ansökan och skickar in den igen."),
        error=_("Skriv styrgruppens frågor till arbetsgruppen."),
    )


class MeetingEditForm(forms.Form):
    """A meeting's time, place and video link. Whether the meeting may still change, and whether
    a new time must lie ahead, is the service's to say (``meetings.meeting_update``)."""

    date = forms.DateField(
        label=_("Datum"),
        help_text=_("Skriv datum som 2026-11-23."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Ange mötets datum, till exempel 2026-11-23."),
            "invalid": _("Skriv mötets datum som 2026-11-23."),
        },
    )
    time = forms.TimeField(
        label=_("Klockslag"),
        help_text=_("Till exempel 13:00."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Ange när mötet börjar, till exempel 13:00."),
            "invalid": _("Skriv klockslaget som 13:00."),
        },
    )
    place = forms.CharField(
        label=_("Plats"), required=False, max_length=300, help_text=_("Ange plats, videolänk eller båda.")
    )
    video_link = forms.URLField(
        label=_("Videolänk"),
        required=False,
        assume_scheme="https",
        help_text=_("Till exempel https://meet.vgregion.se/…"),
        error_messages={"invalid": _("Skriv videolänken som en hel adress, till exempel https://meet.vgregion.se/…")},
    )

    def __init__(self, *args, meeting, **kwargs):
        local = timezone.localtime(meeting.starts_at)
        kwargs.setdefault(
            "initial",
            {
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "place": meeting.place,
                "video_link": meeting.video_link,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        if day and time:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
        if not data.get("place", "").strip() and not data.get("video_link", "") and "video_link" not in self.errors:
            self.add_error("place", _("Ange plats eller videolänk."))
        return data


class CancelForm(forms.Form):
    reason = _text(
        _("Skäl"),
        required=True,
        rows=3,
        help_text=_("Till exempel att för få ledamöter kan komma. Skälet står på mötets sida och i aviseringen."),
        error=_("Skriv varför mötet ställs in."),
    )


class AppointAdjusterForm(forms.Form):
    adjuster = forms.ModelChoiceField(
        label=_("Justerare"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("En ledamot med rösträtt som var närvarande vid mötet. Ordföranden justerar alltid."),
        error_messages={"required": _("Välj vem som ska justera protokollet.")},
    )

    def __init__(self, *args, candidates: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adjuster"].queryset = selectors.adjuster_choices(candidates)


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag har läst protokollet och justerar det."),
        error_messages={"required": _("Bekräfta att du har läst protokollet.")},
    )
