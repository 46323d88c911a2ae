"""Content-Security-Policy, Vitrine's own error pages, and `check --deploy` in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation
from django.views import csrf, defaults

from config.urls import urlpatterns as vitrine_urlpatterns
from tests import factories

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE_FOLDERS = [PROJECT / "calendar_app" / "templates", PROJECT / "publishing" / "templates", PROJECT / "templates"]

# Executable inline code: a <script> without src (JSON data blocks are not run), a <style>
# element, a style="" attribute, an on…="" event handler, a javascript: address.
INLINE_CODE = [
    re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE),
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


def _inline_code(html: str) -> list[str]:
    return [match.group(0) for pattern in INLINE_CODE for match in pattern.finditer(html)]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def _boom(request):
    raise RuntimeError("an unexpected failure")


# For the test that goes through a real failing view: Vitrine's URLs and one that fails.
urlpatterns = [path("panne/", _boom), *vitrine_urlpatterns]


# Content-Security-Policy


@pytest.mark.django_db
def test_pages_are_sent_with_a_policy_that_allows_only_vitrines_own_files(client):
    response = client.get(reverse("login"))
    policy = _policy(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_no_template_holds_inline_scripts_styles_or_event_handlers():
    templates = [file for folder in TEMPLATE_FOLDERS if folder.exists() for file in folder.rglob("*.html")]
    assert len(templates) > 10
    found = {str(file.relative_to(PROJECT)): _inline_code(file.read_text()) for file in templates}
    assert not {name: code for name, code in found.items() if code}


@pytest.mark.django_db
def test_the_admin_runs_under_the_policy_with_only_same_origin_files():
    superuser = Client()
    superuser.force_login(factories.person(is_staff=True, is_superuser=True))
    addresses = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        addresses += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
    pages = {address: superuser.get(address) for address in addresses}
    assert {address: page.status_code for address, page in pages.items() if page.status_code not in (200, 403)} == {}
    shown = {address: page.content.decode() for address, page in pages.items() if page.status_code == 200}
    assert {address: _inline_code(html) for address, html in shown.items() if _inline_code(html)} == {}
    files = {
        file
        for html in shown.values()
        for file in re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    }
    assert files and not [file for file in files if not file.startswith("/") or file.startswith("//")]
    static = [file.removeprefix(django_settings.STATIC_URL) for file in files if "/static/" in file]
    assert static and not [file for file in static if finders.find(file) is None]


# Error pages


def _get(view, *args, **kwargs):
    request = RequestFactory().get("/quelque-part/")
    return view(request, *args, **kwargs)


ERROR_PAGES = {
    400: (lambda: _get(defaults.bad_request, SuspiciousOperation()), "Requête invalide", "Bad request"),
    403: (lambda: _get(defaults.permission_denied, PermissionDenied()), "Accès refusé", "Not allowed"),
    "403 csrf": (lambda: _get(csrf.csrf_failure), "Formulaire expiré", "Form expired"),
    404: (lambda: _get(defaults.page_not_found, Http404()), "Page introuvable", "Page not found"),
    500: (lambda: _get(defaults.server_error), "Erreur du serveur", "Server error"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", ERROR_PAGES)
@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_error_pages_have_vitrines_layout_in_french_and_english(page, language):
    render, french, english = ERROR_PAGES[page]
    with translation.override(language):
        response = render()
    html = response.content.decode()
    assert response.status_code == int(str(page)[:3])
    assert 'class="brand"' in html and "css/vitrine.css" in html, "Vitrine's layout"
    assert f'lang="{language}"' in html
    expected = french if language == "fr-ca" else english
    assert f"<h1>{expected}</h1>" in html, "French text missing? merge /tmp/po/login-headers.po"
    assert "Django" not in html


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_the_server_error_page_renders_without_the_database(language):
    # No django_db mark: any query made while rendering fails this test.
    with translation.override(language):
        response = _get(defaults.server_error)
    html = response.content.decode()
    assert response.status_code == 500 and 'class="brand"' in html
    assert "/i18n/setlang/" not in html, "no language form that would fail without a CSRF token"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_page_answers_vitrines_500_page_under_the_policy():
    response = Client(raise_request_exception=False).get("/panne/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "<h1>Server error</h1>" in response.content.decode()
    assert _policy(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_an_unknown_address_answers_vitrines_404_page(client):
    response = client.get("/cette-page-n-existe-pas/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_host_answers_vitrines_400_page(client):
    response = client.get("/", HTTP_HOST="intrus.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_answers_vitrines_page(client):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "<h1>Form expired</h1>" in response.content.decode()


# Production


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "vitrine.ville.montmagny.qc.ca",
    "CSRF_TRUSTED_ORIGINS": "https://vitrine.ville.montmagny.qc.ca",
    "SITE_URL": "https://vitrine.ville.montmagny.qc.ca",
}


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_sends_secure_cookies_hsts_and_the_policy():
    shown = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, 'axes.middleware.AxesMiddleware' in s.MIDDLEWARE)"
    )
    result = _manage("shell", "-c", shown, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["True", "True", "True", "31536000", "True", "True"]
