from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from partnership.models import User

from .services import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The count beside "Aviseringar" in the header: one query, only when the page shows it."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
