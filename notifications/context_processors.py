from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_notifications(request) -> dict:
    """The count beside "Aviseringar" in the header: one query, only when the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
