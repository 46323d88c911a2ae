"""Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import contextlib

from tests.conftest import chromium_path, skip_unless_available

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium_page(locale: str = "fr-CA"):
    executable = chromium_path()
    skip_unless_available(executable is not None, "Chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(locale=locale)
            yield context.new_page()
        finally:
            browser.close()
