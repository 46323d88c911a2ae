"""Log-in throttling (django-axes): lock-out per account and address, the audit log, unlocking."""

from __future__ import annotations

import os
from datetime import timedelta
from importlib import reload

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from calendar_app import login_throttling
from calendar_app.login_throttling import client_address
from calendar_app.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "la-bonne-phrase-de-passe-2026"
WRONG = "un-mauvais-essai-tres-secret"
ADDRESS = "203.0.113.5"
LOCK_MESSAGE_EN = "Too many failed log-ins: this account is locked from this address for 15 minutes."
LOCK_MESSAGE_FR = "Trop d'échecs de connexion : ce compte est verrouillé depuis cette adresse pendant 15 minutes."


@pytest.fixture
def adviser():
    return factories.reviewer(username="jberube", password=PASSWORD)


def _log_in(client, username, password, address=ADDRESS, path=None, **headers):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _fail(client, username, times, address=ADDRESS, **headers):
    return [_log_in(client, username, WRONG, address, **headers) for _ in range(times)][-1]


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_defaults_are_five_failures_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_wrong_passwords_still_leave_the_right_one_in(client, adviser):
    assert _fail(client, "jberube", 4).status_code == 200
    assert _log_in(client, "jberube", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_fifth_wrong_password_locks_the_account_and_says_so(client, adviser):
    _fail(client, "jberube", 4)
    response = _fail(client, "jberube", 1, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert LOCK_MESSAGE_EN in response.content.decode()
    assert 'name="username"' in response.content.decode(), "the page is still the log-in page"


def test_a_locked_account_is_refused_even_with_the_right_password(client, adviser):
    _fail(client, "jberube", 5)
    response = _log_in(client, "jberube", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)


def test_the_lock_message_is_in_french_by_default(client, adviser):
    response = _fail(client, "jberube", 5)
    page = response.content.decode()
    assert 'lang="fr-ca"' in page
    assert LOCK_MESSAGE_FR in page, "French text missing: merge /tmp/po/login-headers.po into the catalogue"


def test_thirty_wrong_passwords_are_refused_without_checking_them(client, adviser):
    responses = [_log_in(client, "jberube", WRONG) for _ in range(30)]
    assert [response.status_code for response in responses] == [200] * 4 + [429] * 26


def test_the_account_is_not_locked_from_another_address(client, adviser):
    _fail(client, "jberube", 5, address="198.51.100.7")
    assert _log_in(client, "jberube", PASSWORD, address=ADDRESS).status_code == 302


def test_a_colleague_behind_the_same_address_still_logs_in(client, adviser):
    factories.person(username="lpelletier", password=PASSWORD)
    _fail(client, "jberube", 5)
    assert _log_in(client, "lpelletier", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, adviser):
    _fail(client, "jberube", 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _log_in(client, "jberube", PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(client, adviser):
    _fail(client, "jberube", 4)
    _log_in(client, "jberube", PASSWORD)
    client.post(reverse("logout"))
    _fail(client, "jberube", 4)
    assert _log_in(client, "jberube", PASSWORD).status_code == 302


def test_the_admin_log_in_is_locked_too(client, adviser):
    _fail(client, "jberube", 5)
    assert _log_in(client, "jberube", PASSWORD, path=reverse("admin:login")).status_code == 429


def test_failures_and_the_lock_out_are_in_the_audit_log(client, adviser):
    _fail(client, "jberube", 5)
    entries = list(AuditEntry.objects.filter(target_id=str(adviser.pk)).order_by("pk"))
    assert [entry.action for entry in entries] == ["login_failed"] * 4 + ["login_locked_out"]
    assert entries[-1].after == {"username": "jberube", "address": ADDRESS, "failures": 5, "limit": 5}
    assert entries[-1].actor is None and entries[-1].target_repr == str(adviser)
    assert str(entries[-1].action_label) != "login_locked_out", "the action has a label"


def test_attempts_while_locked_are_audited_once_a_minute_not_each(client, adviser, monkeypatch):
    _fail(client, "jberube", 5)
    _fail(client, "jberube", 20)
    refused = AuditEntry.objects.filter(action="login_refused_locked", target_id=str(adviser.pk))
    assert refused.count() == 1
    assert refused.get().after["failures"] == 6
    # The audit log cannot be backdated (append-only): the minute passes by shrinking the window.
    monkeypatch.setattr(login_throttling, "REFUSED_WHILE_LOCKED_WINDOW", timedelta(0))
    _fail(client, "jberube", 1)
    assert refused.count() == 2
    assert refused.order_by("pk").last().after["failures"] == 26


def test_no_password_reaches_the_audit_log_or_the_attempts(client, adviser):
    _fail(client, "jberube", 7)
    _log_in(client, "jberube", PASSWORD)
    stored = [
        (entry.actor_repr, entry.target_repr, entry.message, str(entry.before), str(entry.after))
        for entry in AuditEntry.objects.all()
    ]
    stored += list(AccessAttempt.objects.values_list("get_data", "post_data"))
    assert stored
    assert not [row for row in stored if WRONG in str(row) or PASSWORD in str(row)]


def test_a_name_that_is_no_account_is_audited_but_never_kept(client):
    typed = "Motdepasse-tape-au-mauvais-endroit"
    _log_in(client, typed, WRONG)
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.after["username"] == "(hidden)" and entry.after["address"] == ADDRESS
    assert typed not in f"{entry.actor_repr} {entry.target_repr} {entry.message} {entry.before} {entry.after}"


def test_a_superuser_unlocks_an_account_in_the_admin(client, adviser):
    _fail(client, "jberube", 5)
    admin = Client()
    admin.force_login(factories.person(is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "jberube" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="jberube")
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _log_in(client, "jberube", PASSWORD).status_code == 302


def test_a_staff_member_without_the_permission_cannot_unlock(client, adviser):
    _fail(client, "jberube", 5)
    staff = Client()
    staff.force_login(factories.person(is_staff=True))
    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


class TestTheAddressBehindProxies:
    def _request(self, forwarded=None):
        headers = {"REMOTE_ADDR": "10.0.0.2"}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().post("/connexion/", **headers)

    def test_without_proxies_the_forwarded_header_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_address(self._request("198.51.100.1")) == "10.0.0.2"

    def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_sent(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_address(self._request("6.6.6.6, 198.51.100.1")) == "198.51.100.1"

    def test_behind_two_proxies_the_outer_ones_entry_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_address(self._request("6.6.6.6, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"

    @pytest.mark.parametrize("forwarded", [None, "", "not-an-address"])
    def test_a_missing_or_bad_header_falls_back_to_the_connection(self, settings, forwarded):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_address(self._request(forwarded)) == "10.0.0.2"

    def test_rotating_the_spoofed_part_does_not_escape_the_lock(self, settings, client, adviser):
        settings.TRUSTED_PROXY_COUNT = 1
        for number in range(5):
            _log_in(client, "jberube", WRONG, address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, {ADDRESS}")
        response = _log_in(client, "jberube", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"7.7.7.7, {ADDRESS}")
        assert response.status_code == 429


class TestSettingsFromTheEnvironment:
    @pytest.fixture
    def environ(self, monkeypatch):
        import config.settings as module

        yield monkeypatch
        monkeypatch.undo()
        reload(module)

    def test_the_limit_and_the_cool_off_are_read_from_the_environment(self, environ):
        import config.settings as module

        environ.setenv("LOGIN_FAILURE_LIMIT", "3")
        environ.setenv("LOGIN_COOLOFF_MINUTES", "30")
        environ.setenv("TRUSTED_PROXY_COUNT", "1")
        reload(module)
        assert module.AXES_FAILURE_LIMIT == 3
        assert module.AXES_COOLOFF_TIME == timedelta(minutes=30)
        assert module.TRUSTED_PROXY_COUNT == 1

    @pytest.mark.parametrize("name", ["LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES"])
    def test_a_limit_of_zero_stops_start_up_naming_the_variable(self, environ, name):
        import config.settings as module

        environ.setenv(name, "0")
        with pytest.raises(ImproperlyConfigured, match=name):
            reload(module)
        assert os.environ[name] == "0"


def test_a_lower_limit_locks_sooner(settings, client, adviser):
    settings.AXES_FAILURE_LIMIT = 2
    assert _fail(client, "jberube", 2).status_code == 429
