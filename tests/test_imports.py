"""The import graph of src/verwijzing has no cycles (issue 9, item 6).

A cycle makes the import order matter: a module half-initialised when its partner asks for a name
fails at start-up or hides behind late imports inside functions. The graph is read from the source
with `ast`, so it also sees imports inside functions (a late import is still a dependency) and
leaves out those under `if TYPE_CHECKING:` (never run).

An edge per import, as Python resolves it:
- `import a.b.c` depends on a.b.c;
- `from a.b import c` depends on a.b.c when that is a module, and always on a.b itself: the name
  is looked up in the package's namespace, so its __init__ runs first and can shadow the module.
  That is why a module inside a package imports its siblings directly (`from .texts import when`,
  `import verwijzing.booking.figures as figures`), never through the package's __init__.
The parent packages Python imports on the way (`a`, `a.b` for `import a.b.c`) are not edges: they
only hold the module, and counting them would make every package with re-exports a cycle.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT_PACKAGE = "verwijzing"


def modules(src: Path = SRC, root: str = ROOT_PACKAGE) -> dict[str, Path]:
    """Module name → file, for every .py file under the root package."""
    found: dict[str, Path] = {}
    for path in sorted((src / root).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _import_nodes(child)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name: str, known: set[str]) -> str | None:
    """The longest prefix of `name` that is one of our modules (a.b.c.attr → a.b.c)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `module` depends on when it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            source = _absolute(module, path.name == "__init__.py", node)
            names = [source] + [f"{source}.{alias.name}" for alias in node.names if alias.name != "*"]
        targets |= {hit for name in names if (hit := _known(name, known))}
    targets.discard(module)
    return targets


def import_graph(src: Path = SRC, root: str = ROOT_PACKAGE) -> dict[str, set[str]]:
    found = modules(src, root)
    known = set(found)
    return {module: imports_of(module, path, known) for module, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a deep graph cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def _path_within(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete loop through a component, to make a failure readable: a → b → … → a."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        following = sorted(graph[node] & members)
        if start in following and len(path) > 1:
            return [*path, start]
        step = next((m for m in following if m not in seen), None)
        if step is None:
            return [*path, "…"]
        path.append(step)
        seen.add(step)
        node = step


# --- the tests -----------------------------------------------------------------------------


def test_src_verwijzing_has_no_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" → ".join(_path_within(graph, c)) for c in found)


def test_modules_of_the_booking_and_interpret_packages_import_their_siblings_directly():
    graph = import_graph()
    via_init = sorted(
        f"{module} imports {package} (its package's __init__)"
        for package in ("verwijzing.booking", "verwijzing.interpret")
        for module, targets in graph.items()
        if module.startswith(package + ".") and package in targets
    )
    assert not via_init, "\n".join(via_init)


# --- the graph reader must be able to fail -------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_reader_finds_a_cycle_through_a_late_import_and_through_a_package_init(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "from pkg.service import Service\n",
        "service.py": "from pkg import texts\nclass Service: ...\n",
        "texts.py": "",
        "a.py": "from .b import x\n",
        "b.py": "def x():\n    from . import a  # late\n    return a\n",
    })
    graph = import_graph(src, "pkg")
    assert cycles(graph) == [["pkg", "pkg.service"], ["pkg.a", "pkg.b"]]
    assert graph["pkg.service"] == {"pkg", "pkg.texts"}


def test_the_reader_finds_no_cycle_in_direct_sibling_imports_and_skips_type_checking(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "from pkg.service import Service\n",
        "service.py": "import pkg.texts as texts\nfrom .views import View\nclass Service: ...\n",
        "views.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.service import Service\n"
                    "class View: ...\n",
        "texts.py": "",
    })
    graph = import_graph(src, "pkg")
    assert graph["pkg.service"] == {"pkg.texts", "pkg.views"}
    assert graph["pkg.views"] == set()
    assert cycles(graph) == []
