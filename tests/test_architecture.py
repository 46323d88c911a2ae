"""The layers of DESIGN.md, as rules on the project's imports: a test fails when a wall is crossed.

From the bottom up: the kernel (the networks' registry, credentials, image checks), the workflow
and models, the Charte's pure rules, selectors and services, publishing, the web; the tools (the
demo, management commands, the networks' sandbox, bench/) may use anything, and production code
never imports them. Imports are read with ``ast`` from the source, function-level ones included.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PRODUCTION = ("kernel", "calendar_app", "publishing", "config")
# Tools: they may use anything, and nothing in production imports them.
TOOLS = ("calendar_app.demo", "publishing.sandbox", "bench")
TOOL_HOMES = ("calendar_app.demo", "publishing.sandbox", "calendar_app.management", "publishing.management")
# Modules whose import means input or output: a pure rule uses none of them.
INPUT_OUTPUT = ("django.db", "httpx", "socket", "urllib.request", "requests", "subprocess", "pathlib", "os")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    imports: frozenset[str]
    calls_open: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_module(path: Path, name: str | None = None) -> Module:
    """The modules ``path`` imports (absolute names; relative imports resolved), and whether it calls open()."""
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    imports, calls_open = set(), False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            imports.add(base)
            imports.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            calls_open = True
    return Module(name, path, frozenset(imports), calls_open)


def production_modules() -> list[Module]:
    modules = []
    for top in PRODUCTION:
        for path in sorted((PROJECT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                modules.append(read_module(path))
    return modules


def _within(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def crossings(module: Module) -> list[str]:
    """Every rule of the layers that ``module`` breaks, said in a sentence each."""
    found = []

    def forbid(packages: tuple[str, ...], why: str) -> None:
        names = sorted(name for name in module.imports if _within(name, *packages))
        # ``from a.b import c`` reads as a.b and a.b.c: say it once, by the shorter name.
        shortest = [name for name in names if not any(_within(name, other) for other in names if other != name)]
        found.extend(f"{module.name} imports {name}: {why}" for name in shortest)

    if _within(module.name, "kernel"):
        forbid(("calendar_app", "publishing", "config"), "the kernel imports nothing of Vitrine")
    if _within(
        module.name, "calendar_app.models", "calendar_app.workflow", "calendar_app.validators", "calendar_app.charte"
    ):
        forbid(("publishing",), "the domain and the Charte never import publishing")
    if _within(module.name, "calendar_app.selectors", "calendar_app.services", "calendar_app.permissions"):
        forbid(("publishing",), "selectors and services are below publishing")
    if _within(module.name, "calendar_app.charte.rules"):
        forbid(("calendar_app.models", "kernel"), "a rule receives its labels and data in its context")
        forbid(INPUT_OUTPUT, "a rule does no input or output")
        if module.calls_open:
            found.append(f"{module.name} calls open(): a rule does no input or output")
    if _within(module.name, "publishing.adapters"):
        forbid(("django.db", "calendar_app"), "adapters receive plain data and never touch the database")
    if not _within(module.name, *TOOL_HOMES):
        forbid(TOOLS, "production code never imports the tools")
    return found


def test_no_module_crosses_a_wall_of_the_layers():
    problems = [problem for module in production_modules() for problem in crossings(module)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "name,source,broken",
    [
        ("kernel.networks", "from calendar_app.models import Channel\n", "kernel imports nothing"),
        ("calendar_app.models.posts", "def f():\n    from publishing import worker\n", "never import publishing"),
        ("calendar_app.charte.rules.links", "from calendar_app.models import Post\n", "receives its labels"),
        ("calendar_app.charte.rules.links", "from django.db import connection\n", "no input or output"),
        ("calendar_app.charte.rules.links", "text = open('x').read()\n", "calls open()"),
        ("publishing.adapters.x", "from ..models import PublicationAttempt\nimport django.db.models\n", "adapters"),
        ("publishing.adapters.x", "from calendar_app.workflow import Status\n", "adapters"),
        ("calendar_app.services.posts", "from publishing.worker import claim_due\n", "below publishing"),
        ("calendar_app.views.home", "from calendar_app.demo import montmagny\n", "never imports the tools"),
        ("publishing.worker", "from .sandbox.server import Sandbox\n", "never imports the tools"),
    ],
)
def test_the_rules_catch_each_kind_of_crossing(tmp_path, name, source, broken):
    path = tmp_path / "module.py"
    path.write_text(source)
    problems = crossings(read_module(path, name))
    assert any(broken in problem for problem in problems), problems


def test_the_tools_may_use_anything_and_a_clean_module_passes(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("from publishing.sandbox.server import Sandbox\nfrom calendar_app.models import Post\n")
    assert crossings(read_module(path, "calendar_app.management.commands.runall")) == []
    path.write_text("from calendar_app.charte.base import Rule\nimport re\n")
    assert crossings(read_module(path, "calendar_app.charte.rules.links")) == []
