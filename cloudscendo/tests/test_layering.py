"""Layering, read from the source with `ast`: tasks call services, the edges never write, one module enqueues.

STYLE.md: views, APIs, admin, commands and tasks only parse input, call a service and
render; services write, selectors read; each app sends its tasks from one module.

Seen failing once, with a forbidden line added to each rule and removed again after
(all three then pass):
    music/tasks.py:7 imports music.models ['Track']      (from music.models import Track)
    music/views.py:116 calls .update() on a queryset    (Track.objects.filter(id=1).update(active=False))
    music/views.py:117 imports music.tasks              (from music.tasks import playlist_build_task)
"""

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "cloudscendo", "moods", "music")
# The one module of each app allowed to import its tasks (to send them).
ENQUEUE_MODULES = {"moods/services.py", "music/services/enqueue.py"}
# Ports: a task may import their error types, to name what it retries.
PORTS = ("moods.emotion", "music.search", "music.videos")
ERROR_SUFFIXES = ("Unavailable", "Rejected", "Exceeded")
ORM_WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_STEPS = {"objects", "filter", "exclude", "all", "select_related", "prefetch_related", "only", "defer",
                  "order_by", "select_for_update"}


def _sources() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def _is_edge(relative: str) -> bool:
    """Views, APIs, admin and commands: modules that parse input, call a service and render."""
    name = Path(relative).name
    return (name in ("views.py", "api.py", "admin.py", "admin_views.py") or "/api/views" in relative
            or "/management/commands/" in relative)


def _imports(tree: ast.AST) -> Iterator[tuple[int, str, list[str]]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def _receiver_steps(node: ast.expr) -> Iterator[str]:
    """The attribute and method names a call chain passes through: a.objects.filter(...) gives objects, filter."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            yield node.attr
            node = node.value
        else:
            return


def _orm_writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method == "save":
            yield node.lineno, ".save()"
        elif method in ORM_WRITES and QUERYSET_STEPS & set(_receiver_steps(node.func.value)):
            yield node.lineno, f".{method}() on a queryset"


def _project(module: str) -> bool:
    return module.split(".")[0] in APPS


def _allowed_in_task(module: str, names: list[str]) -> bool:
    if not _project(module):
        return True
    if ".services" in module or (names and all(name == "services" for name in names)):
        return True
    return module in PORTS and all(name.endswith(ERROR_SUFFIXES) for name in names)


def test_tasks_import_only_services_and_port_errors():
    wrong = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if path.name == "tasks.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            wrong += [f"{relative}:{line} imports {module} {names or ''}".strip()
                      for line, module, names in _imports(tree) if not _allowed_in_task(module, names)]
    assert wrong == []


def test_the_edges_never_write_through_the_orm():
    wrong = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if _is_edge(relative):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            wrong += [f"{relative}:{line} calls {what}" for line, what in _orm_writes(tree)]
    assert wrong == []


def test_only_each_apps_enqueue_module_imports_tasks():
    wrong = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, module, names in _imports(tree):
            sends = module.endswith(".tasks") or ("tasks" in names and _project(module))
            if _project(module) and sends and relative not in ENQUEUE_MODULES:
                wrong.append(f"{relative}:{line} imports {module}")
    assert wrong == []
