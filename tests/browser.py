"""Playwright driving Debian's Chromium (never a downloaded browser), and what every browser test checks.

``chromium_page()`` opens a page that collects the browser's console errors and uncaught page errors; the
test fails at the end of the ``with`` block if there were any (a test expecting one names it in
``allowed_errors``). ``check_page(page, step)`` is called at each step a person would see: it saves a
full-page screenshot under ``.ci/screenshots/<test name>/<NN-step>.png`` (kept by CI), runs axe-core and fails
on any serious or critical violation, and fails if the page scrolls sideways.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

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
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".ci" / "screenshots"
# axe-core's impacts that fail a test; "moderate" and "minor" ones are printed by nobody.
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class _Session:
    """What one test's browsing has seen so far."""

    folder: Path
    allowed_errors: tuple[re.Pattern, ...]
    errors: list[str] = field(default_factory=list)
    steps: int = 0

    def collect(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self.allowed_errors):
            self.errors.append(text)


_sessions: dict[int, _Session] = {}
_steps_by_test: dict[str, int] = {}


def current_test_name() -> str:
    """The running test's name with its parameters, safe as a folder name."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "outside-pytest")
    name = current.split("::")[-1].rsplit(" (", 1)[0]
    return re.sub(r"[^A-Za-z0-9_.\[\]-]+", "-", name)


@contextlib.contextmanager
def chromium_page(
    locale: str = "fr-CA", *, viewport: dict | None = None, allowed_errors: tuple[str, ...] = (), **context_options
):
    """A page of a fresh Chromium; console errors and page errors (but those matching a regular expression of
    ``allowed_errors``) fail the test when the block ends. ``context_options`` go to Playwright's
    ``new_context`` (``java_script_enabled=False``, …)."""
    executable = chromium_path()
    skip_unless_available(executable is not None, "Chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    test = current_test_name()
    folder = SCREENSHOTS / test
    if test not in _steps_by_test:
        shutil.rmtree(folder, ignore_errors=True)
        _steps_by_test[test] = 0
    session = _Session(folder=folder, allowed_errors=tuple(re.compile(pattern) for pattern in allowed_errors))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(locale=locale, viewport=viewport or DESKTOP, **context_options)
            page = context.new_page()
            page.on("console", lambda message: _on_console(session, message))
            page.on("pageerror", lambda error: session.collect(f"page error: {error}"))
            _sessions[id(page)] = session
            try:
                yield page
            finally:
                _sessions.pop(id(page), None)
        finally:
            browser.close()
    assert not session.errors, "JavaScript errors in the browser:\n" + "\n".join(session.errors)


def _on_console(session: _Session, message) -> None:
    if message.type == "error":
        location = message.location or {}
        where = f" ({location.get('url')}:{location.get('lineNumber')})" if location.get("url") else ""
        session.collect(f"console error: {message.text}{where}")


def check_page(page, step: str) -> Path:
    """Screenshot the page as step NN of this test, then fail on serious or critical axe-core violations and
    on sideways scrolling. Returns the screenshot's path."""
    session = _sessions.get(id(page))
    test = current_test_name()
    _steps_by_test[test] = _steps_by_test.get(test, 0) + 1
    folder = session.folder if session is not None else SCREENSHOTS / test
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_steps_by_test[test]:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', step).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)

    violations = axe_violations(page)
    assert not violations, f"axe-core at step {step!r} ({page.url}):\n{format_violations(violations)}"
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"The page scrolls sideways at step {step!r} ({page.url}): {widths[0]} px wide in a {widths[1]} px "
        f"window; widest elements: {_widest(page, widths[1])}"
    )
    return path


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [violation for violation in results.response["violations"] if violation["impact"] in FAILING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def _widest(page, width: int) -> list[str]:
    """The elements that stick out of a ``width``-pixel window, to say what to fix."""
    return page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter((element) => element.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((element) => {
                const classes = typeof element.className === 'string' ? element.className.trim() : '';
                const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                    + (classes ? '.' + classes.split(/\\s+/).join('.') : '');
                return name + ' (' + Math.round(element.getBoundingClientRect().right) + ' px)';
            })""",
        width,
    )


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in through the log-in page, as a person does (the header has a log-out form: the page's own button)."""
    page.goto(f"{base_url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def drag_to(page, item, target) -> None:
    """Drag ``item`` onto the middle-left of ``target`` with the mouse, in small steps as a hand does (the
    calendar's drag starts only after a few pixels); both are scrolled into the window first."""
    target.scroll_into_view_if_needed()  # the mouse reaches only what the window shows
    item.scroll_into_view_if_needed()
    source, cell = item.bounding_box(), target.bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(source["x"] + 40, source["y"] + 10, steps=5)
    page.mouse.move(cell["x"] + 20, cell["y"] + cell["height"] / 2, steps=15)
    page.mouse.up()
