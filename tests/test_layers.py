"""The package tree is the pipeline, and imports run one way: no module imports a later stage
or the app layer, at the top or inside a function. import-linter enforces the contract in
pyproject.toml; this walks every module's AST with the same layers, lazy imports included."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"


def layers() -> list[list[str]]:
    """Return the contract's layers, top first, each a list of module names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    container = contract["containers"][0]
    return [
        [f"{container}.{name.strip()}" for name in layer.replace(":", "|").split("|")]
        for layer in contract["layers"]
    ]


def rank(module: str, ordered: list[list[str]]) -> int | None:
    """Return the layer of `module`, 0 for the top, or None for one outside every layer."""
    for index, layer in enumerate(ordered):
        if any(module == name or module.startswith(name + ".") for name in layer):
            return index
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Return the modules an import statement names, absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        parts = parts if is_package else parts[:-1]
        base = ".".join(
            parts[: len(parts) - node.level + 1] + ([node.module] if node.module else [])
        )
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def upward_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """Return 'module:line imports target' for each import of a higher layer in `source`."""
    ordered = layers()
    own = rank(module, ordered)
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in imported(node, module, is_package):
            theirs = rank(target, ordered)
            if own is not None and theirs is not None and theirs < own:
                found.append(f"{module}:{node.lineno} imports {target}")
    return sorted(set(found))


def test_no_module_imports_a_later_stage_even_inside_a_function():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += upward_imports(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
    assert found == []


def test_every_folder_of_the_package_is_a_layer():
    named = {name for layer in layers() for name in layer}
    children = {
        f"generator.{path.stem if path.is_file() else path.name}"
        for path in PACKAGE.iterdir()
        if (path.is_dir() and (path / "__init__.py").exists())
        or (path.suffix == ".py" and path.stem not in ("__init__", "__main__"))
    }
    assert children == named


def test_a_lazy_upward_import_is_found():
    source = "def later():\n    from generator.pipeline import Pipeline\n"
    assert upward_imports(source, "generator.source.load") == [
        "generator.source.load:2 imports generator.pipeline",
        "generator.source.load:2 imports generator.pipeline.Pipeline",
    ]


def test_a_relative_upward_import_is_found():
    source = "def later():\n    from ..app import cli\n"
    assert upward_imports(source, "generator.content.models") == [
        "generator.content.models:2 imports generator.app",
        "generator.content.models:2 imports generator.app.cli",
    ]


@pytest.mark.skipif(
    shutil.which("lint-imports", path=Path(sys.executable).parent) is None
    and shutil.which("lint-imports") is None,
    reason="import-linter is not installed (pip install -e '.[test]')",
)
def test_import_linter_breaks_on_a_deliberate_upward_import(tmp_path: Path):
    shutil.copytree(PACKAGE, tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    load = tmp_path / "generator" / "source" / "load.py"
    load.write_text(
        load.read_text(encoding="utf-8")
        + "\n\ndef _upward() -> None:\n    from generator.pipeline import Pipeline  # noqa\n",
        encoding="utf-8",
    )
    lint = shutil.which("lint-imports", path=Path(sys.executable).parent) or "lint-imports"
    result = subprocess.run(
        [lint, "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "generator.source is not allowed to import generator.pipeline" in result.stdout
    assert "generator.source.load -> generator.pipeline" in result.stdout


#: python-pptx's private names that deckgen has used; only render/pptx_private.py may touch them.
PPTX_PRIVATE = re.compile(
    r"\.(_element|_spTree|_rels|_blob|_txBody|_sldIdLst|_next_shape_id|_parent|_sp)\b"
)


def test_python_pptx_private_access_lives_in_one_module():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "pptx_private.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PPTX_PRIVATE.search(line)
    ]
    assert found == []


def test_no_two_modules_import_each_other_even_lazily():
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (the test extra)")
    graph = grimp.build_graph("generator")
    cycles = [
        f"{module} -> {' -> '.join(graph.find_shortest_chain(importer=other, imported=module))}"
        for module in sorted(graph.modules)
        for other in sorted(graph.find_modules_directly_imported_by(module))
        if other != module and graph.chain_exists(importer=other, imported=module)
    ]
    assert cycles == []
