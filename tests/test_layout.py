"""The tree shows the design: three floors under bot/, imports only downwards, no cycles, no adapter
imported by bot/."""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

FLOORS = ("engine", "serving", "improve")  # bottom to top; cli.py stands on all of them


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: frozenset[str] = frozenset()) -> set[str]:
    """Every module `path` imports, wherever in the file (a lazy import is still an import). `from p import m`
    counts as importing the module p.m when `modules` has it, else p."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (ROOT / "bot").rglob("*.py")}
    return {name: {m for m in imports_of(path, frozenset(modules)) if m in modules and m != name}
            for name, path in modules.items()}


def floor_of(module: str) -> int:
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else len(FLOORS)


def test_every_module_of_bot_lives_on_a_floor():
    loose = [m for m in graph() if floor_of(m) == len(FLOORS) and m not in ("bot", "bot.cli")]
    assert not loose, f"put these in bot/engine, bot/serving or bot/improve: {loose}"


def test_imports_only_go_downwards_and_never_to_an_adapter():
    upward = []
    for path in (ROOT / "bot").rglob("*.py"):
        name = module_name(path)
        for target in imports_of(path):
            if target.split(".")[0] == "adapters":
                upward.append(f"{name} imports the adapter {target}")
            elif (target == "bot" or target.startswith("bot.")) and floor_of(target) > floor_of(name):
                upward.append(f"{name} ({FLOORS[floor_of(name)] if floor_of(name) < 3 else 'top'}) imports {target}")
    assert not upward, "\n".join(upward)


def cycles_in(edges: dict[str, set[str]]) -> list[str]:
    cycles, state = [], {}  # state: 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return cycles


def test_there_are_no_import_cycles():
    cycles = cycles_in(graph())
    assert not cycles, "\n".join(cycles)


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path):
    engine = tmp_path / "bot" / "engine"
    engine.mkdir(parents=True)
    (engine / "a.py").write_text("from bot.serving.service import Service\nfrom . import b\n")
    (engine / "b.py").write_text("def f():\n    from .a import x\n")
    global ROOT
    kept, ROOT = ROOT, tmp_path
    try:
        assert imports_of(engine / "a.py", frozenset({"bot.engine.b"})) >= {"bot.serving.service", "bot.engine.b"}
        assert cycles_in(graph()) == ["bot.engine.a -> bot.engine.b -> bot.engine.a"]
        assert floor_of("bot.serving.service") > floor_of("bot.engine.a") and floor_of("bot") > floor_of("bot.engine.a")
    finally:
        ROOT = kept
