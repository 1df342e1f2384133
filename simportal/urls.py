from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from reviews import urls as reviews_urls

from . import views, views_meetings
from .accounts import ChangedPasswordForm, ChosenPasswordForm, LoginForm, QueuedPasswordResetForm, invitation_tokens

account_patterns = [
    path(
        "logga-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "losenord/byt/",
        auth_views.PasswordChangeView.as_view(form_class=ChangedPasswordForm),
        name="password_change",
    ),
    path("losenord/byt/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "losenord/aterstall/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("losenord/aterstall/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ChosenPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "inbjudan/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=ChosenPasswordForm,
            token_generator=invitation_tokens,
            template_name="registration/invitation_confirm.html",
            extra_context={"invitation_hours": settings.INVITATION_TIMEOUT // 3600},
        ),
        name="invitation_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("konto/", include(account_patterns)),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("partnership.urls")),
    path("ansokningar/inkorg/", include("applications.inbox_urls")),
    path("ansokningar/<int:pk>/inskickad/", views.application_sent, name="application_sent"),
    path("ansokningar/", include("applications.urls")),
    path("investeringar/", include("applications.public_urls")),
    path("run/", include("decisions.urls")),
    path("aviseringar/", include("notifications.urls")),
    path("styrgrupp/protokoll/", include(reviews_urls.minutes_patterns)),
    path("styrgrupp/moten/<int:pk>/jamforelse/", views_meetings.meeting_compare, name="meeting_compare"),
    path("styrgrupp/moten/<int:pk>/motespaket.pdf", views_meetings.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("styrgrupp/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]

# A post larger than the portal reads gets a Swedish page that says what to do (413).
handler400 = "simportal.middleware.bad_request"
