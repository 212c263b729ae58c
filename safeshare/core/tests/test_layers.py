"""Imports point one way (STYLE §1, DESIGN "Code layout").

Each app may import itself and the apps before it in ``LAYERS``; the assembly
floor (demo, api, web, config) may import anything, each other included.
``access`` is the side column: any app may import it, and it reads only other
apps' ``models`` (besides core and agencies, whose users it checks). ``ledger``
imports core only, so every app can write its entries without a cycle.

The check reads the source with ``ast``, so an import inside a function or
under ``TYPE_CHECKING`` counts the same as one at the top. Tests, test support
under ``tests/`` and migrations are not read.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = "safeshare"
ROOT = Path(__file__).resolve().parents[3]
LAYERS = (
    "core",
    "ui",
    "ledger",
    "agencies",
    "people",
    "consent",
    "decisions",
    "exchange",
    "informing",
    "audit",
    "casework",
)
FLOOR = frozenset({"demo", "api", "web", "config"})
SIDE = "access"
# What access may import whole; from any other app, its models only.
SIDE_READS = frozenset({"core", "agencies"})
# The ledger is evidence every app writes to: it imports core and nothing else.
ONLY = {"ledger": frozenset({"core"})}


def _rank(app: str) -> int | None:
    if app in FLOOR:
        return len(LAYERS)
    return LAYERS.index(app) if app in LAYERS else None


def _allowed(app: str, target: list[str]) -> str | None:
    """Why ``app`` may not import the module ``target`` (dotted parts), or None."""
    other = target[1]
    if other == app:
        return None
    if app in ONLY:
        return None if other in ONLY[app] else f"{app} imports only {', '.join(ONLY[app])}"
    if other == SIDE:
        return None
    if app == SIDE:
        if other in SIDE_READS or (len(target) > 2 and target[2] == "models"):
            return None
        return f"access reads only models from {other}"
    mine, theirs = _rank(app), _rank(other)
    if mine is None:
        return f"{app} is not in the layer order"
    if theirs is None:
        return f"{other} is not in the layer order"
    return None if theirs <= mine else f"{other} is above {app}"


def _targets(module: str, is_package: bool, node: ast.AST) -> list[list[str]]:
    """The modules an import statement names, as dotted parts."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".") for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".")
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        parts = base + (node.module.split(".") if node.module else [])
    else:
        parts = node.module.split(".") if node.module else []
    # ``from safeshare.people import models`` names the module safeshare.people.models.
    if len(parts) <= 2:
        return [parts + [alias.name] for alias in node.names]
    return [parts]


def layer_violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """Each import in ``source`` (the module ``module``) that breaks the layers, as
    ``line: import target: reason``."""
    app = module.split(".")[1] if module.count(".") else None
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in _targets(module, is_package, node):
            if target[0] != PACKAGE or len(target) < 2 or app is None:
                continue
            if not (ROOT / PACKAGE / target[1]).is_dir():
                continue  # a top-level module such as safeshare.__main__
            reason = _allowed(app, target)
            if reason:
                found.append(f"{node.lineno}: import {'.'.join(target)}: {reason}")
    return found


def _modules() -> list[Path]:
    paths = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        if len(parts) == 2:
            continue  # safeshare/__init__.py, __main__.py: the package, no app
        paths.append(path)
    assert paths, f"no modules found under {ROOT / PACKAGE}"
    return paths


def test_apps_import_only_the_layers_below_them():
    problems = []
    for path in _modules():
        relative = path.relative_to(ROOT)
        module = ".".join(relative.with_suffix("").parts)
        is_package = path.name == "__init__.py"
        if is_package:
            module = module.removesuffix(".__init__")
        for problem in layer_violations(module, path.read_text(), is_package=is_package):
            problems.append(f"{relative}:{problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "safeshare.ledger.services",
            "def f():\n    from safeshare.agencies.models import User\n",
            ["2: import safeshare.agencies.models: ledger imports only core"],
        ),
        (
            "safeshare.ledger.views",
            "from safeshare.ui.forms import GovukForm\n",
            ["1: import safeshare.ui.forms: ledger imports only core"],
        ),
        (
            "safeshare.ledger.api",
            "from safeshare.access.policy import require\n",
            ["1: import safeshare.access.policy: ledger imports only core"],
        ),
        (
            "safeshare.people.services",
            "from safeshare.consent import services\n",
            ["1: import safeshare.consent.services: consent is above people"],
        ),
        (
            "safeshare.access.rules",
            "from safeshare.exchange.selectors import share_list\n",
            ["1: import safeshare.exchange.selectors: access reads only models from exchange"],
        ),
        (
            "safeshare.exchange.views",
            "from ..casework import answering\n",
            ["1: import safeshare.casework.answering: casework is above exchange"],
        ),
    ],
)
def test_an_import_from_above_is_named_with_its_line(module, source, expected):
    assert layer_violations(module, source) == expected


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("safeshare.ledger.services", "from safeshare.core import clock\nfrom . import signing\n"),
        ("safeshare.casework.views", "from safeshare.exchange import services\n"),
        ("safeshare.people.views", "from safeshare.access.policy import can\n"),
        ("safeshare.access.rules", "from safeshare.people import models\n"),
        ("safeshare.access.rules", "from safeshare.agencies.selectors import staff\n"),
        ("safeshare.api.auth", "from safeshare.web.refusals import refusal_note\n"),
        ("safeshare.web.views", "from safeshare.demo import scenarios\n"),
    ],
)
def test_an_import_the_layers_allow_passes(module, source):
    assert layer_violations(module, source) == []
