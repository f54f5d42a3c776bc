"""The published OpenAPI document itself (issue 14 §6): one class per component name, one
definition per name, and the server's request-line limit (414) declared.

Django Ninja builds the document one model at a time and merges every model's ``$defs`` into
``components.schemas`` by name: two classes that share a ``__name__`` (``PlanOut`` of surveys and of
improvement plans) silently overwrite each other, and every operation that uses the loser then
points at the winner's schema. Nothing in Ninja or pydantic complains, so this test does.
"""

from __future__ import annotations

import enum
import socket
import subprocess
import sys
import time
import typing
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ninja.constants import NOT_SET
from ninja.openapi.schema import REF_TEMPLATE
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema
from ninja.utils import normalize_path
from pydantic import BaseModel

from config.api import api

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def operations() -> Iterator[tuple[str, Operation]]:
    """(path, operation) for every operation of the one NinjaAPI."""
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                yield normalize_path("/".join(["/api/v1", bound.prefix, path])), operation


def operation_models(operation: Operation) -> Iterator[tuple[str, type[BaseModel], str]]:
    """(where, Ninja's wrapper model, JSON-schema mode) for each request and response schema.

    The wrappers themselves (a response's ``response`` field, the query / path / body parameter
    groups) are flattened or unwrapped by Ninja and never become components; their fields do."""
    for status, model in operation.response_models.items():
        if status is not Ellipsis and model not in (None, NOT_SET):
            yield f"response {status}", model, "serialization"
    for model in operation.models:
        yield f"{model.__ninja_param_source__}", model, "validation"


def _types_in(annotation: Any) -> Iterator[type]:
    """Every class named by a type annotation (list[X], X | None, dict[str, X], Annotated …).
    A pydantic generic such as Page[X] is a class of its own, named "Page[X]": pydantic would
    publish it as "Page_X_", which the walk's cross-check with the document then reports."""
    if isinstance(annotation, type) and not typing.get_args(annotation):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


def _component_classes(model: type[BaseModel], seen: set[type]) -> Iterator[type]:
    """The models and enums reachable from ``model``'s fields, at any depth (each class once)."""
    fields = [f.annotation for f in model.model_fields.values()]
    fields += [f.return_type for f in model.model_computed_fields.values()]
    for annotation in fields:
        for cls in _types_in(annotation):
            if not issubclass(cls, BaseModel | enum.Enum) or cls in seen:
                continue  # str, int, UUID, datetime …: inline, never a component
            seen.add(cls)
            yield cls
            if issubclass(cls, BaseModel):
                yield from _component_classes(cls, seen)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def component_owners() -> dict[str, dict[str, set[str]]]:
    """Component name → class (module.qualname) → the operations that use it."""
    owners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path, operation in operations():
        for method in operation.methods:
            for where, wrapper, _mode in operation_models(operation):
                for cls in _component_classes(wrapper, set()):
                    owners[cls.__name__][_name(cls)].add(f"{method} {path} ({where})")
    return owners


def test_every_component_name_of_the_openapi_document_belongs_to_exactly_one_class():
    # Given every request and response schema of every operation, nested models included
    owners = component_owners()
    published = set(api.get_openapi_schema()["components"]["schemas"])

    # Then the walk found exactly the document's components (so nothing escapes the check) ...
    assert published == set(owners), (
        f"components not found by the walk: {sorted(published - set(owners))}; "
        f"classes the walk found that are not components: {sorted(set(owners) - published)}"
    )
    # ... and no two classes answer to the same component name
    shared = {
        name: {cls: sorted(ops)[:3] for cls, ops in classes.items()}
        for name, classes in owners.items()
        if len(classes) > 1
    }
    assert not shared, "component names used by more than one class (rename one of them):\n" + (
        "\n".join(f"  {name}: {classes}" for name, classes in sorted(shared.items()))
    )


def test_every_component_name_has_one_definition_whichever_operation_defines_it():
    """The same class can still yield two schemas under one name (validation vs serialization
    mode, aliases): the document keeps whichever operation came last."""
    definitions: dict[str, list[tuple[dict, str]]] = defaultdict(list)
    for path, operation in operations():
        for where, wrapper, mode in operation_models(operation):
            schema = wrapper.model_json_schema(
                ref_template=REF_TEMPLATE,
                by_alias=operation.by_alias if mode == "serialization" else True,
                schema_generator=NinjaGenerateJsonSchema,
                mode=mode,  # type: ignore[arg-type]
            )
            for name, definition in schema.get("$defs", {}).items():
                if all(definition != d for d, _ in definitions[name]):
                    definitions[name].append((definition, f"{path} ({where})"))
    differing = {n: [w for _, w in ds] for n, ds in definitions.items() if len(ds) > 1}
    assert not differing, f"one component name, several definitions: {differing}"


# --- the request-line limit -------------------------------------------------------------------------

# gunicorn (production: `gunicorn config.wsgi`, README) refuses a request line (method, path and
# query string) longer than its limit_request_line, 4,094 bytes by default, with 414 — before HIQC
# sees the request, for every operation.
REQUEST_LINE_LIMIT = 4094


def test_every_operation_declares_the_414_of_the_request_line_limit_without_a_json_body():
    document = api.get_openapi_schema()
    missing, with_body = [], []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            answer = operation["responses"].get(414)
            if answer is None:
                missing.append(f"{method.upper()} {path}")
            elif "content" in answer:  # gunicorn's 414 is plain text, not {code, message, fields}
                with_body.append(f"{method.upper()} {path}")
    assert not missing, f"414 not declared by: {missing}"
    assert not with_body, f"414 declared with a body (gunicorn sends plain text): {with_body}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, target: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        return conn.recv(200)


def test_gunicorn_answers_a_request_line_over_the_limit_with_414_before_the_application():
    """What the document declares is what the production server does (no database is touched:
    the request never reaches Django)."""
    pytest.importorskip("gunicorn")
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--error-logfile",
            "-",
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        too_long = "/api/v1/claims?q=" + "x" * REQUEST_LINE_LIMIT
        assert _get(port, too_long).startswith(b"HTTP/1.1 414 ")
    finally:
        server.terminate()
        server.wait(timeout=10)
