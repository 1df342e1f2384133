from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the person chose English with the language switch.

    The browser's Accept-Language is not consulted: staff with an English-language
    browser still get the portal in Swedish until they choose otherwise.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def too_large(request, exception: Exception | None = None) -> HttpResponse:
    """The page for a request larger than the portal reads: nothing is saved, and what to do."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    response = TemplateResponse(request, "413.html", {"back": back}, status=413)
    response.render()
    return response


class RequestSizeLimitMiddleware:
    """Answer a request whose body is larger than ``MAX_REQUEST_BYTES`` with the 413 page,
    before anything reads the body (Django itself limits form fields, not uploaded files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def bad_request(request, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: a post over Django's limits (``RequestDataTooBig``) gets the 413 page."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, exception)
    from django.views.defaults import bad_request as default_bad_request

    return default_bad_request(request, exception)


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person is shown is kept by a browser or a proxy.

    Pages, attachments, PDFs and exports of a signed-in person carry
    ``Cache-Control: no-store`` (with ``private``), so that the next user of a shared
    computer cannot bring them back from the cache with the back button.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
