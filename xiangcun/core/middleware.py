"""Language: Chinese unless the person chose otherwise (cookie or profile), whatever the browser sends."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Chinese is the default language (not the browser's Accept-Language); the switch sets a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
