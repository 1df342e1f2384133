"""``{% decision_letters application as letters %}``: the stored decision letters of an application.

A tag, so that the application's page can list RUN's letters without the applications
app importing decisions (dependencies point from decisions to applications, not back).
"""

from django import template

from decisions.letters import letters_of_application

register = template.Library()


@register.simple_tag
def decision_letters(application):
    """The application's stored letters, oldest first, in one query."""
    return letters_of_application(application)
