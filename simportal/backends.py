"""How people log in, and why Django's model permissions play no part.

Who may do what is decided by the rules modules alone (``*/rules.py``, through django-rules'
``ObjectPermissionBackend``), the admin included (``simportal/admin.py``). Django's
``ModelBackend`` is still the one that checks a password, but asked about a permission it
would read the user's and their groups' permission tables, two queries on every page, for
permissions nobody is ever given. ``PasswordBackend`` logs in exactly as ``ModelBackend`` does
and grants nothing. It reads the logged-in person of each request together with their count of
unread notifications (``notifications.UnreadCount``), which every page's header shows.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        UserModel = get_user_model()
        user = UserModel._default_manager.select_related("unread_count").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False
