"""The access column's shape, checked from the source: the policy machinery imports no
domain code, no rules module imports the policy, and no adapter fetches and then
checks in two steps where one `get_<noun>_for(..., action=...)` call does both."""

import ast
import re
from pathlib import Path

ACCESS = Path(__file__).resolve().parents[1]
PACKAGE = ACCESS.parent
DOMAIN_APPS = ("agencies", "people", "consent", "decisions", "exchange", "informing")


def _imported(path: Path) -> set[str]:
    """Modules imported when the module runs (not those named for type checking only)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_policy_imports_no_domain_module() -> None:
    domain = [
        name
        for name in _imported(ACCESS / "policy.py")
        if name.split(".")[:2] in [["safeshare", app] for app in DOMAIN_APPS]
    ]
    assert domain == []


def test_no_rules_module_imports_the_policy() -> None:
    importing = [
        path.name
        for path in sorted((ACCESS / "rules").glob("*.py"))
        if "safeshare.access.policy" in _imported(path)
    ]
    assert importing == []


def _adapters() -> list[Path]:
    found: list[Path] = []
    for pattern in ("*/views.py", "*/api.py", "*/views/*.py", "*/api/*.py", "casework/**/*.py"):
        found += [p for p in PACKAGE.glob(pattern) if "tests" not in p.parts]
    return sorted(set(found))


def test_adapters_fetch_and_check_in_one_call() -> None:
    two_steps = re.compile(
        r"^\s*(\w+) = get_\w+_for\([^\n]*\)\n\s*require\([^,]+, Action\.\w+, \1\)", re.M
    )
    found = [
        f"{path.relative_to(PACKAGE)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in _adapters()
        for text in [path.read_text()]
        for match in two_steps.finditer(text)
    ]
    assert found == []
