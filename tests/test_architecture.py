"""Conventions that are executable (DESIGN rule 11)."""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.core import checks

ROOT = Path(__file__).resolve().parent.parent
HIQC = ROOT / "hiqc"


# --- walking every module of every app -----------------------------------------------------------


def _app_modules(root: Path = ROOT) -> list[Path]:
    """Every module of every app (tests and migrations aside), at any depth: the sub-domain
    packages (claims/online/, surveys/mystery/, quality/plans/ …) as the apps' top level. Every
    file, not a few names. ``root`` is the repository (a copy of it in the planted tests)."""
    hiqc = root / "hiqc"
    return sorted(
        path
        for path in hiqc.rglob("*.py")
        if "tests" not in path.relative_to(hiqc).parts
        and "migrations" not in path.relative_to(hiqc).parts
    )


def _rel(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root).as_posix()


def _is_demo_loader(rel: str) -> bool:
    """The demo generator (hiqc/demo/) and every loader named demo.py, an app's or a sub-domain
    package's (surveys/mystery/demo.py), or *_demo.py."""
    name = rel.rsplit("/", 1)[-1]
    return rel.startswith("hiqc/demo/") or name == "demo.py" or name.endswith("_demo.py")


def _scopes(tree: ast.AST):
    """(node, qualified name of the enclosing function or class, "" at module level)."""

    def visit(node: ast.AST, where: tuple[str, ...]):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                yield child, ".".join(where)
                yield from visit(child, (*where, child.name))
            else:
                yield child, ".".join(where)
                yield from visit(child, where)

    yield from visit(tree, ())


def _name(node: ast.AST) -> str:
    return getattr(node, "attr", None) or getattr(node, "id", None) or ""


# An interface parses input, calls one selector or service, and renders (DESIGN rule 1). A module
# is one if its name says so or if it defines what only interfaces define.
INTERFACE_FILE_NAMES = re.compile(
    r"(^|_)(api|views|urls)\.py$|^(tasks|forms|admin|middleware|context_processors)\.py$"
)
TASK_DECORATORS = {"task", "db_task", "periodic_task", "db_periodic_task", "lock_task"}
INTERFACE_BASES = ("BaseCommand", "Form", "FormSet", "Admin")
INTERFACE_CALLS = {"Router", "NinjaAPI"}


@functools.cache
def _scheduled_modules() -> frozenset[str]:
    from hiqc.core.schedule import SCHEDULE

    return frozenset(p.job.rsplit(".", 1)[0] for p in SCHEDULE)


def interface_kinds(rel: str, tree: ast.AST) -> set[str]:
    """Why a module is an interface (empty when it is not)."""
    kinds = set()
    name = rel.rsplit("/", 1)[-1]
    if INTERFACE_FILE_NAMES.search(name):
        kinds.add(f"named {name}")
    if "/management/commands/" in rel and name != "__init__.py":
        kinds.add("management command")
    if "/templatetags/" in rel and name != "__init__.py":
        kinds.add("template tags")
    if rel.removesuffix(".py").replace("/", ".") in _scheduled_modules():
        kinds.add("scheduled job")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            if params[:1] == ["request"] or params[:2] == ["self", "request"]:
                kinds.add("takes a request")
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if _name(called) in TASK_DECORATORS:
                    kinds.add("Huey task")
        elif isinstance(node, ast.ClassDef):
            if any(_name(b).endswith(INTERFACE_BASES) for b in node.bases):
                kinds.add("command, form or admin class")
        elif isinstance(node, ast.Call) and _name(node.func) in INTERFACE_CALLS:
            kinds.add("API router")
    return kinds


MANAGERS = {"objects", "_default_manager", "_base_manager", "default_manager"}


def manager_reads(tree: ast.AST) -> list[int]:
    """Lines that reach a model manager (``.objects``, ``._default_manager`` …)."""
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS
    )


def _is_org_unit_model(node: ast.AST, aliases: set[str]) -> bool:
    """``OrgUnit`` (or a name bound to it), or ``apps.get_model("organisations", "OrgUnit")``."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    if isinstance(node, ast.Call) and _name(node.func) == "get_model":
        labels = {str(a.value).lower() for a in node.args if isinstance(a, ast.Constant)}
        return bool(labels & {"orgunit", "organisations.orgunit"})
    return False


def org_unit_manager_reads(tree: ast.Module) -> list[int]:
    """Lines that reach the org units' manager (``OrgUnit.objects``, ``._default_manager`` …),
    also through ``apps.get_model("organisations", "OrgUnit")`` or a name bound to it (in the
    module, or in the function that binds it)."""

    def bound(nodes) -> set[str]:
        return {
            target.id
            for node in nodes
            if isinstance(node, ast.Assign) and _is_org_unit_model(node.value, set())
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    module = {"OrgUnit"} | bound(tree.body)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted(
        {
            node.lineno
            for where, aliases in [
                (tree, module),
                *((f, module | bound(ast.walk(f))) for f in functions),
            ]
            for node in ast.walk(where)
            if isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and _is_org_unit_model(node.value, aliases)
        }
    )


def status_writes(tree: ast.AST) -> list[tuple[str, int]]:
    """(enclosing function, line) of every direct status write: ``x.status = …`` (also in a tuple
    or augmented assignment), ``….update(status=…)``, ``setattr(x, "status", …)`` and
    ``bulk_update(…, ["status", …])``."""
    found = []
    for node, where in _scopes(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                isinstance(sub, ast.Attribute) and sub.attr == "status"
                for target in targets
                for sub in ast.walk(target)
            ):
                found.append((where, node.lineno))
        elif isinstance(node, ast.Call):
            called = _name(node.func)
            if (
                (called == "update" and any(k.arg == "status" for k in node.keywords))
                or (
                    called == "setattr"
                    and len(node.args) > 1
                    and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value == "status"
                )
                or (
                    called == "bulk_update"
                    and any(
                        isinstance(sub, ast.Constant) and sub.value == "status"
                        for sub in ast.walk(node)
                    )
                )
            ):
                found.append((where, node.lineno))
    return found


# --- interfaces never reach a manager ------------------------------------------------------------


def test_every_interface_module_is_found():
    """The walk finds the interfaces that hide behind other names (issue 15) and those of the
    sub-domain packages (issue 15 §7). Each listed file exists: one that moves is listed anew."""
    found = {_rel(p) for p in _app_modules() if interface_kinds(_rel(p), ast.parse(p.read_text()))}
    for expected in (
        "hiqc/claims/online/api.py",
        "hiqc/claims/online/urls.py",
        "hiqc/claims/online/views.py",
        "hiqc/claims/events/api.py",
        "hiqc/claims/management/commands/import_claim_events.py",
        "hiqc/core/case_pages.py",
        "hiqc/core/context_processors.py",
        "hiqc/organisations/auth.py",
        "hiqc/quality/nonconformities/views.py",
        "hiqc/quality/plans/views.py",
        "hiqc/quality/tasks.py",
        "hiqc/surveys/mystery/views.py",
        "hiqc/surveys/public_views.py",
    ):
        assert (ROOT / expected).exists(), expected
        assert expected in found, expected


def _interface_manager_reads(root: Path = ROOT) -> list[str]:
    offenders = []
    for path in _app_modules(root):
        rel = _rel(path, root)
        tree = ast.parse(path.read_text())
        if kinds := interface_kinds(rel, tree):
            offenders += [
                f"{rel}:{line} ({', '.join(sorted(kinds))})" for line in manager_reads(tree)
            ]
    return offenders


def test_interfaces_never_touch_objects_directly():
    """Views, endpoints, commands, tasks, forms, admin and middleware read through selectors
    (DESIGN rules 1–2): no ``.objects`` / ``._default_manager`` in any interface module."""
    offenders = _interface_manager_reads()
    assert offenders == [], "use a selector or service instead of a manager in interfaces"


# --- one door to the org tree --------------------------------------------------------------------

# The apps read org units through hiqc/organisations/selectors.py (units_in_scope, unit_in_scope,
# unit_by_code_in_scope and the named system reads); nothing else reaches OrgUnit's manager (issue
# 15 §4). Demo loaders (they build the tree), tests and migrations are outside the rule. Each other
# module that still reads the tree itself is listed with its reason; the list may only shrink
# (test_org_unit_door_exceptions_are_still_needed fails on an entry that no longer reads it).
ORG_UNIT_DOOR_EXCEPTIONS = {
    "hiqc/core/selectors.py": "the kernel's window onto the tree: the kernel imports no app, so it "
    "reaches OrgUnit by label, there and nowhere else in the kernel",
}


def _org_unit_reads_by_module(root: Path = ROOT) -> dict[str, list[int]]:
    found = {}
    for path in _app_modules(root):
        rel = _rel(path, root)
        if rel.startswith("hiqc/organisations/") or _is_demo_loader(rel):
            continue
        if lines := org_unit_manager_reads(ast.parse(path.read_text())):
            found[rel] = lines
    return found


def test_org_units_are_read_through_the_one_door():
    """Outside hiqc/organisations no module reads ``OrgUnit.objects`` / ``._default_manager``: it
    calls hiqc.organisations.selectors (one scope predicate, one NotFound for missing and not
    yours)."""
    offenders = [
        f"{rel}:{line}"
        for rel, lines in _org_unit_reads_by_module().items()
        if rel not in ORG_UNIT_DOOR_EXCEPTIONS
        for line in lines
    ]
    assert offenders == [], "read org units through hiqc.organisations.selectors"


def test_org_unit_door_exceptions_are_still_needed():
    """The exceptions only shrink: an entry that no longer reads the tree itself goes."""
    stale = sorted(set(ORG_UNIT_DOOR_EXCEPTIONS) - set(_org_unit_reads_by_module()))
    assert stale == [], "remove from ORG_UNIT_DOOR_EXCEPTIONS: " + ", ".join(stale)


# --- nothing but the engine writes a status ------------------------------------------------------

# Where a status is written by hand, by function, with the reason. Migrations are outside the
# rule. Every other entry is a debt: the list may only shrink
# (test_status_write_exceptions_are_still_needed fails on an entry that no longer writes).
STATUS_WRITE_EXCEPTIONS = {
    # The engine itself: the one code path that writes a case's status (it also puts the status
    # back in memory when the transaction rolls back, and opens a case a batch store holds).
    "hiqc/core/casework.py::case_execute": "the executor",
    "hiqc/core/casework.py::case_transition": "puts the status back when the step is refused",
    "hiqc/core/casework.py::BatchStore.open": "the open step of a held case: its initial state",
    "hiqc/core/heldcases.py::HeldCase.__init__": "a held case before it is opened: no state yet",
    # Not a status field: `row` is a dict of the values answer, `status` the target's traffic light.
    "hiqc/core/api.py::indicator_values": "a dict, not a model",
    # Survey invitations' delivery states (sent → failed / started / answered / expired / opted
    # out): not a case kind, by decision (docs/domains/surveys.md "Why invitations are not a case
    # kind": issued and expired by the thousand, moved by the public page without a staff actor,
    # nobody on staff acts on them).
    "hiqc/surveys/services.py::send_invitation": "not a case kind: invitation delivery",
    "hiqc/surveys/services.py::invitations_remind_and_expire": "not a case kind: invitation expiry",
    "hiqc/surveys/services.py::response_save": "not a case kind: started / answered",
    "hiqc/surveys/services.py::invitation_opt_out": "not a case kind: invitation opt-out",
}


# Demo loaders that still set a status by hand (issue 15 §3 converted the others: mystery shopping
# and inspection go through their services, claims through the events door, complaints and
# consultations through the batch store, hiqc.core.heldcases). The list may only shrink —
# test_status_write_demo_loaders_are_still_needed.
STATUS_WRITE_DEMO_LOADERS = {
    # survey invitations' delivery states: not a case kind (see the services' exceptions above)
    "hiqc/surveys/demo.py": "not a case kind: invitation delivery",
}


def _status_writes_by_place(root: Path = ROOT, *, loaders: bool = False) -> dict[str, list[str]]:
    """Status writes by ``file::function``: outside the exempt demo loaders, or (``loaders``) in
    them."""
    places: dict[str, list[str]] = {}
    for path in _app_modules(root):
        rel = _rel(path, root)
        if (rel in STATUS_WRITE_DEMO_LOADERS) != loaders:
            continue
        for where, line in status_writes(ast.parse(path.read_text())):
            places.setdefault(f"{rel}::{where}", []).append(f"{rel}:{line}")
    return places


def test_only_the_engine_writes_a_status():
    """A status changes through the workflow engine (``case_transition``) and nowhere else
    (DESIGN rule 3): no ``.status =`` and no ``update(status=…)`` outside the exceptions above."""
    offenders = [
        line
        for place, lines in _status_writes_by_place().items()
        if place not in STATUS_WRITE_EXCEPTIONS
        for line in lines
    ]
    assert offenders == [], "go through the workflow engine (hiqc.core.casework.case_execute)"


def test_status_write_exceptions_are_still_needed():
    """The exceptions only shrink: an entry whose function no longer writes a status goes."""
    stale = sorted(set(STATUS_WRITE_EXCEPTIONS) - set(_status_writes_by_place()))
    assert stale == [], "remove from STATUS_WRITE_EXCEPTIONS: " + ", ".join(stale)


def test_status_write_demo_loaders_are_still_needed():
    """The demo loaders' exemption only shrinks: a loader that goes through the engine leaves."""
    writing = {place.split("::", 1)[0] for place in _status_writes_by_place(loaders=True)}
    stale = sorted(set(STATUS_WRITE_DEMO_LOADERS) - writing)
    assert stale == [], "remove from STATUS_WRITE_DEMO_LOADERS: " + ", ".join(stale)


def test_the_checks_catch_a_planted_violation():
    """Each check flags a plant (shown here rather than planted in the code base)."""
    view = "def page(request):\n    return Claim.objects.get(pk=1)\n"
    assert interface_kinds("hiqc/x/reports.py", ast.parse(view)) == {"takes a request"}
    assert manager_reads(ast.parse(view)) == [2]
    command = (
        "class Command(BaseCommand):\n    def handle(self):\n        M._default_manager.all()\n"
    )
    assert "command, form or admin class" in interface_kinds("hiqc/x/y.py", ast.parse(command))
    assert manager_reads(ast.parse(command)) == [3]
    assert interface_kinds("hiqc/quality/tasks.py", ast.parse("")) == {
        "named tasks.py", "scheduled job"
    }  # fmt: skip
    assert interface_kinds("hiqc/x/online_api.py", ast.parse("")) == {"named online_api.py"}
    assert interface_kinds("hiqc/x/online/api.py", ast.parse("")) == {"named api.py"}
    assert (
        interface_kinds("hiqc/x/selectors.py", ast.parse(view.replace("request", "actor"))) == set()
    )

    writes = (
        "def close(case):\n"
        "    case.status = 'closed'\n"
        "    case.version, case.status = 2, 'closed'\n"
        "    Case.objects.filter(pk=1).update(status='closed')\n"
        "    setattr(case, 'status', 'closed')\n"
        "    Case.objects.bulk_update([case], ['status'])\n"
        "class K:\n"
        "    def act(self, c):\n"
        "        c.status += 'x'\n"
    )
    assert status_writes(ast.parse(writes)) == [
        ("close", 2), ("close", 3), ("close", 4), ("close", 5), ("close", 6), ("K.act", 9)
    ]  # fmt: skip
    reads = "def show(case):\n    return case.status == 'closed' and qs.filter(status='x')\n"
    assert status_writes(ast.parse(reads)) == []

    org_reads = (
        "from django.apps import apps\n"
        "def units(actor):\n"
        "    a = OrgUnit.objects.filter(is_active=True)\n"
        "    b = OrgUnit._default_manager.all()\n"
        "    Unit = apps.get_model('organisations', 'OrgUnit')\n"
        "    c = Unit.objects.all()\n"
        "    return apps.get_model('organisations.OrgUnit')._base_manager.all(), a, b, c\n"
    )
    assert org_unit_manager_reads(ast.parse(org_reads)) == [3, 4, 6, 7]
    elsewhere = (  # a name bound to OrgUnit in one function is another model in the next
        "def a():\n    model = apps.get_model('organisations', 'OrgUnit')\n"
        "def b(model):\n    return model._default_manager.all()\n"
    )
    assert org_unit_manager_reads(ast.parse(elsewhere)) == []
    doors = (
        "def units(actor, unit):\n"
        "    return units_in_scope(actor, 'x'), unit.parent, Claim.objects.all(), OrgUnit.DoesNotExist\n"
    )
    assert org_unit_manager_reads(ast.parse(doors)) == []


# A violation planted in a module of each sub-domain package, one per walker.
SUB_DOMAIN_PLANTS = {
    "claims/online/reports.py": "def page(request):\n    return Claim.objects.get(pk=1)\n",
    "surveys/mystery/plant.py": "def close(visit):\n    visit.status = 'done'\n",
    "quality/plans/plant.py": "def units():\n    return OrgUnit.objects.all()\n",
    "quality/nonconformities/plant.py": (
        "from django.apps import apps\nClaim = apps.get_model('claims', 'Claim')\n"
    ),
}


def test_the_walk_checks_the_sub_domain_packages_on_a_plant(tmp_path):
    """The walkers recurse into the sub-domain packages: in a copy of the code, a violation planted
    in a module of claims/online/, surveys/mystery/, quality/plans/ and quality/nonconformities/ is
    flagged with its path; the plants removed, the copy is clean again."""
    shutil.copytree(
        HIQC, tmp_path / "hiqc", ignore=shutil.ignore_patterns("__pycache__", "templates", "static")
    )

    def found() -> tuple:
        return (
            _interface_manager_reads(tmp_path),
            [p for p in _status_writes_by_place(tmp_path) if p not in STATUS_WRITE_EXCEPTIONS],
            sorted(set(_org_unit_reads_by_module(tmp_path)) - set(ORG_UNIT_DOOR_EXCEPTIONS)),
            _quality_get_model_calls(tmp_path),
        )

    for where, code in SUB_DOMAIN_PLANTS.items():
        (tmp_path / "hiqc" / where).write_text(code)
    assert found() == (
        ["hiqc/claims/online/reports.py:2 (takes a request)"],
        ["hiqc/surveys/mystery/plant.py::close"],
        ["hiqc/quality/plans/plant.py"],
        ["hiqc/quality/nonconformities/plant.py:2"],
    )

    for where in SUB_DOMAIN_PLANTS:
        (tmp_path / "hiqc" / where).unlink()
    assert found() == ([], [], [], [])


# --- the import contracts cover every app --------------------------------------------------------


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["name"]: c for c in config["contracts"]}


def _apps() -> set[str]:
    return {f"hiqc.{p.name}" for p in HIQC.iterdir() if (p / "apps.py").exists()}


def test_import_contracts_name_every_app():
    """A new app must be placed in the layering (pyproject.toml [tool.importlinter])."""
    contracts = _contracts()
    kernel = contracts["The kernel (hiqc.core) imports no other app"]
    assert set(kernel["forbidden_modules"]) == _apps() - {"hiqc.core"}
    organisations = contracts["Organisations (org tree, users, roles) import no app but the kernel"]
    assert set(organisations["forbidden_modules"]) == _apps() - {"hiqc.core", "hiqc.organisations"}
    demo = contracts["No app imports the demo generator (hiqc.demo)"]
    assert set(demo["source_modules"]) == _apps() - {"hiqc.demo"}
    quality = contracts[
        "Quality reads the domains only through the kernel (indicator registry, case kinds)"
    ]
    assert set(quality["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.quality"
    }  # fmt: skip
    processes = contracts[
        "Process management reads the domains only through the kernel (case kinds, the event log)"
    ]
    assert set(processes["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.process_management"
    }  # fmt: skip
    people = contracts[
        "People reads the domains only through the kernel (case kinds, the assignment checks)"
    ]
    assert set(people["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.people"
    }  # fmt: skip
    facilities = contracts[
        "Facilities reads the domains only through the kernel (checklists, case kinds)"
    ]
    assert set(facilities["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.facilities"
    }  # fmt: skip
    emergency = contracts[
        "Emergency reads the domains only through the kernel (case kinds, improvement opener)"
    ]
    assert set(emergency["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.emergency"
    }  # fmt: skip
    information = contracts[
        "Information reads the domains only through the kernel (audit log, checklists, case kinds)"
    ]
    assert set(information["forbidden_modules"]) == _apps() - {
        "hiqc.core", "hiqc.organisations", "hiqc.information"
    }  # fmt: skip
    layers = next(c for c in contracts.values() if c["type"] == "layers")
    layered = {m.strip() for layer in layers["layers"] for m in re.split(r"[|:]", layer)}
    assert layered == _apps()


def test_every_demo_module_is_protected():
    """Only demo modules import demo modules: every module named *demo* is in that contract."""
    protected = _contracts()["Only demo modules import demo modules"]["protected_modules"]
    patterns = [
        re.compile("^" + m.replace(".", r"\.").replace("*", "[^.]+") + "$") for m in protected
    ]
    for path in _app_modules():
        rel = _rel(path)
        if "demo" in path.stem and not rel.startswith("hiqc/demo/"):
            module = rel.removesuffix(".py").replace("/", ".")
            assert any(p.match(module) for p in patterns), module


def _quality_get_model_calls(root: Path = ROOT) -> list[str]:
    return [
        f"{_rel(path, root)}:{node.lineno}"
        for path in _app_modules(root)
        if _rel(path, root).startswith("hiqc/quality/")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and _name(node.func) == "get_model"
    ]


def test_quality_reaches_no_domain_model_by_label():
    """What import-linter cannot see: quality reads the domains through the indicator registry and
    the case kinds, never ``apps.get_model("claims", …)``."""
    assert _quality_get_model_calls() == []


def test_import_linter_fails_on_planted_violations_and_passes_without_them(tmp_path):
    """Plant one import per contract in a copy of the code, see each contract broken, remove the
    plants, see every contract kept."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    shutil.copytree(
        HIQC, tmp_path / "hiqc", ignore=shutil.ignore_patterns("__pycache__", "templates")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plants = {  # file: import; each contract is broken by at least one
        "core/plant.py": "import hiqc.surveys.models",  # the kernel, the layers
        "organisations/plant.py": "import hiqc.customers.models",  # organisations
        "claims/plant.py": "import hiqc.complaints.enums",  # claims
        "complaints/plant.py": "import hiqc.callcentre.enums",  # complaints
        "quality/plant.py": "import hiqc.claims.selectors",  # quality
        "process_management/plant.py": "import hiqc.claims.models",  # process management
        "people/plant.py": "import hiqc.complaints.models",  # people
        "facilities/plant.py": "import hiqc.complaints.models",  # facilities
        "emergency/plant.py": "import hiqc.quality.models",  # emergency
        "information/plant.py": "import hiqc.customers.models",  # information
        "inspection/plant.py": "import hiqc.demo.org",  # the demo generator
        "claims/reader.py": "import hiqc.policies.demo",  # demo modules
        "surveys/reader.py": "import hiqc.surveys.mystery.demo",  # … a sub-domain's too
        "consultations/plant.py": "import hiqc.callcentre.plant",  # a cycle …
        "callcentre/plant.py": "import hiqc.consultations.models",  # … between two apps
        "core/plant_loop.py": "import hiqc.core.plant_back",  # a cycle inside the kernel …
        "core/plant_back.py": "def later():\n    import hiqc.core.plant_loop",  # … in a function
    }
    appended = {  # existing file: code added at its end (and taken out again)
        "core/rules.py": "def later():\n    from hiqc.core import casework",  # kernel layers
    }
    originals = {where: (tmp_path / "hiqc" / where).read_text() for where in appended}

    def run() -> str:
        result = subprocess.run(
            [str(lint_imports), "--no-cache", "--no-logo"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "400"},
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout + result.stderr

    for where, code in plants.items():
        (tmp_path / "hiqc" / where).write_text(code + "\n")
    for where, code in appended.items():
        (tmp_path / "hiqc" / where).write_text(originals[where] + "\n\n" + code + "\n")
    planted = run()
    for name in _contracts():
        assert f"{name} BROKEN" in planted, (name, planted)
    assert "hiqc.surveys.reader -> hiqc.surveys.mystery.demo" in planted, planted

    for where in plants:
        (tmp_path / "hiqc" / where).unlink()
    for where, original in originals.items():
        (tmp_path / "hiqc" / where).write_text(original)
    clean = run()
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in clean, clean


# --- no import cycle inside the kernel (issue 15 §7) ---------------------------------------------


def _child_of(package: str, module: str) -> str | None:
    """The child of ``package`` that ``module`` is or lies in (None outside ``package``)."""
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1 :].split(".", 1)[0]


def import_cycles(graph, package: str) -> dict[tuple[str, ...], list[str]]:
    """The import cycles among the children of ``package`` (a subpackage counts as one), imports
    inside functions included: each cycle's members → the import lines that close it."""
    edges: dict[str, set[str]] = {c: set() for c in graph.find_children(package)}
    lines: dict[tuple[str, str], list[str]] = {}
    for module in graph.find_descendants(package):
        importer = _child_of(package, module)
        for imported in graph.find_modules_directly_imported_by(module):
            target = _child_of(package, imported)
            if importer is None or target is None or target == importer:
                continue
            edges[importer].add(target)
            lines.setdefault((importer, target), []).extend(
                f"{module}:{d['line_number']} {d['line_contents']}"
                for d in graph.get_import_details(importer=module, imported=imported)
            )
    # Tarjan's strongly connected components: a component of more than one child is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: dict[tuple[str, ...], list[str]] = {}

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = []
            while not members or members[-1] != node:
                members.append(stack.pop())
            if len(members) > 1:
                cycle = tuple(sorted(members))
                cycles[cycle] = sorted(
                    line for a in cycle for b in cycle for line in lines.get((a, b), [])
                )

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_inside_the_kernel():
    """The kernel's modules can be ordered in layers (docs/architecture.md §1): no cycle among
    them, counting imports inside functions — an import moved into a function hides a cycle from
    Python, not from this test. A low module that needs something higher gets it handed in at
    start-up (a setter or a signal connected in CoreConfig.ready), or the thing moves down.
    lint-imports checks the same ("No import cycle inside the kernel")."""
    import grimp

    cycles = import_cycles(grimp.build_graph("hiqc", cache_dir=None), "hiqc.core")
    assert cycles == {}, "\n".join(line for found in cycles.values() for line in found)


def test_the_cycle_check_catches_a_planted_cycle(tmp_path, monkeypatch):
    """A cycle closed by an import inside a function, or through a subpackage, is found."""
    import grimp

    files = {
        "__init__.py": "",
        "kernel/__init__.py": "",
        "kernel/models.py": "",
        "kernel/rules.py": "from . import models\n",
        "kernel/engine.py": "from . import rules\nfrom .store import rows\n",
        "kernel/store/__init__.py": "",
        "kernel/store/rows.py": "",
    }
    for name, code in files.items():
        (tmp_path / "planted" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "planted" / name).write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))

    def cycles() -> list[tuple[str, ...]]:
        return list(import_cycles(grimp.build_graph("planted", cache_dir=None), "planted.kernel"))

    assert cycles() == []
    (tmp_path / "planted/kernel/models.py").write_text("def later():\n    from . import engine\n")
    assert cycles() == [("planted.kernel.engine", "planted.kernel.models", "planted.kernel.rules")]
    (tmp_path / "planted/kernel/models.py").write_text("")
    (tmp_path / "planted/kernel/store/rows.py").write_text("from .. import engine\n")
    assert cycles() == [("planted.kernel.engine", "planted.kernel.store")]


def test_every_hiqc_model_is_scoped_or_explicitly_unscoped():
    for model in apps.get_models():
        if model.__module__.startswith("hiqc."):
            assert bool(getattr(model, "scope_path", None)) != bool(
                getattr(model, "unscoped", None)
            ), model


def test_system_check_reports_a_model_without_scope_declaration():
    from hiqc.core.checks import every_model_is_scoped
    from hiqc.organisations.models import OrgUnit

    original = OrgUnit.scope_path
    try:
        OrgUnit.scope_path = None
        assert any(m.id == "hiqc.E001" for m in every_model_is_scoped())
    finally:
        OrgUnit.scope_path = original
    assert not [m for m in checks.run_checks() if m.id == "hiqc.E001"]


def test_no_utils_modules():
    assert not list((ROOT / "hiqc").rglob("utils.py"))


def test_templates_have_no_inline_scripts_or_styles():
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("hiqc/*/templates/**/*.html")]:
        text = path.read_text()
        assert "<script>" not in text and "<style" not in text and " style=" not in text, path
        assert "<script " not in text.replace("<script src=", ""), path
        assert "http://" not in text and "https://" not in text, path


def test_english_translation_is_complete():
    """The UI is Chinese by default; every string also has an English translation."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext (msgfmt) is missing: run `make setup`"
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def _literal_keywords(function: str, keyword: str):
    """(file:line, value) of every string literal passed as ``keyword`` to ``function``."""
    for path in (ROOT / "hiqc").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != function:
                continue
            for kw in node.keywords:
                if kw.arg == keyword and isinstance(kw.value, ast.Constant):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", kw.value.value


def test_every_audit_action_and_finding_kind_has_a_label_for_the_pages():
    """The audit log and the findings page name what happened, never a code (issue 13)."""
    from hiqc.core.audit_labels import action_label, finding_kind_label

    unnamed = [
        f"{where} {action}"
        for where, action in _literal_keywords("audit_record", "action")
        if action_label(action) == action
    ]
    unnamed += [
        f"{where} {kind}"
        for where, kind in _literal_keywords("finding_record", "kind")
        if finding_kind_label(kind) == kind
    ]
    assert unnamed == [], "register a label (hiqc.core.audit_labels) for: " + ", ".join(unnamed)


def test_every_rule_unit_has_a_label():
    """A rule's unit is shown on the rules page by its label, never as a code (issue 13)."""
    from hiqc.core.rules import RULES, UNIT_LABELS

    assert {r.key: r.unit for r in RULES.values() if r.unit not in UNIT_LABELS} == {}
