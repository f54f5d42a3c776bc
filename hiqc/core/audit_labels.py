"""What the audit log's codes mean, in the reader's language (issue 13: no raw codes on pages).

An audit event stores a stable code (``claims.register``, ``complaints.complaint.assign``) and
the subject's model label (``organisations.user``). Pages show:

* a case action ``<case kind>.<transition>`` as the kind's name and the transition's label, from
  the registered ``CaseKind`` (nothing to register);
* any other action by the label its app registers with ``register_audit_labels`` in
  ``AppConfig.ready`` (an architecture test checks every literal action has one);
* a subject type by its model's ``verbose_name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.utils.translation import gettext, gettext_noop

from .casekinds import CASE_KINDS

_LABELS: dict[str, str] = {}


def register_audit_labels(labels: Mapping[str, str]) -> None:
    """``{action code: untranslated label}`` (mark the labels with gettext_noop)."""
    _LABELS.update(labels)


def audit_labels() -> Mapping[str, str]:
    return _LABELS


def action_label(action: str) -> str:
    """The translated label of an audit action; the code itself when nothing names it."""
    if action in _LABELS:
        return gettext(_LABELS[action])
    kind_label, _dot, name = action.rpartition(".")
    kind = CASE_KINDS.get(kind_label)
    if kind is not None:
        transition = next((t for t in kind.workflow.transitions if t.name == name), None)
        if transition is not None:
            return f"{kind.name}：{gettext(transition.label)}"
    return action


def subject_label(subject_type: str) -> str:
    """The translated name of an audited object's type (its model's verbose name)."""
    if not subject_type:
        return ""
    try:
        model: Any = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return subject_type
    return str(model._meta.verbose_name)


register_audit_labels(
    {
        "audit.export": gettext_noop("导出审计日志"),
        "calendar.load": gettext_noop("加载节假日日历"),
        "calendar.reset": gettext_noop("恢复节假日日历"),
        "checklist.draft": gettext_noop("编辑评分清单（新版本草稿）"),
        "checklist.publish": gettext_noop("发布评分清单版本"),
        "checklist.active": gettext_noop("启用或停用评分清单版本"),
        "crypto.rotate_keys": gettext_noop("轮换加密密钥"),
        "process.publish": gettext_noop("发布流程版本"),
        "rule.set": gettext_noop("调整规则参数"),
    }
)


# Who acted when no person did: the names jobs and commands give ``Actor.system``. The kernel's
# own are here; an app registers its jobs' and commands' names with ``register_system_actors``.
SYSTEM_ACTORS: dict[str, str] = {
    "system": gettext_noop("系统"),
    "bootstrap": gettext_noop("系统初始化"),
    "create_api_token": gettext_noop("命令行（创建令牌）"),
    "rotate_keys": gettext_noop("命令行（轮换密钥）"),
    "load_holidays": gettext_noop("命令行（加载节假日）"),
    "manage.py backup": gettext_noop("命令行（备份）"),
    "manage.py restore": gettext_noop("命令行（恢复测试）"),
    "core.backup_daily": gettext_noop("系统（每日备份任务）"),
}


def register_system_actors(labels: Mapping[str, str]) -> None:
    """``{system actor name: untranslated label}`` for an app's jobs and commands."""
    SYSTEM_ACTORS.update(labels)


def actor_label(name: str) -> str:
    """A person's username as it is; a job's or command's name as what it is."""
    return gettext(SYSTEM_ACTORS[name]) if name in SYSTEM_ACTORS else name


PERSON_NAME_SECONDS = 300  # how long a person's display name is kept for the pages that show it


def person_label(name: str) -> str:
    """Who acted, as a reader knows them: a person's display name (their username when they have
    none or are unknown), a job's or command's name as what it is. Names are kept in the shared
    cache for ``PERSON_NAME_SECONDS``: a table of twenty rows by three people asks the database
    three times at most."""
    if not name or name in SYSTEM_ACTORS:
        return actor_label(name)
    key = "hiqc:person-name:" + name
    shown = cache.get(key)
    if shown is None:
        from django.contrib.auth import get_user_model

        found = (get_user_model()._default_manager.filter(username=name)
                 .values_list("display_name", flat=True).first())  # fmt: skip
        shown = found or name
        cache.set(key, shown, PERSON_NAME_SECONDS)
    return str(shown)


# --- findings: the kind of a compliance finding (hiqc.core.findings) ---------------------------

_FINDING_KINDS: dict[str, str] = {}


def register_finding_kinds(labels: Mapping[str, str]) -> None:
    """``{finding kind: untranslated label}``; a ``<clock code>.breach`` kind needs none."""
    _FINDING_KINDS.update(labels)


def finding_kind_label(kind: str) -> str:
    if kind in _FINDING_KINDS:
        return gettext(_FINDING_KINDS[kind])
    clock_code, _dot, tail = kind.rpartition(".")
    if tail == "breach":
        for case_kind in CASE_KINDS.values():
            clock = next((c for c in case_kind.workflow.clocks if c.code == clock_code), None)
            if clock is not None:
                return gettext("{clock}超时").format(clock=gettext(clock.label))
    return kind


def finding_kinds() -> Mapping[str, str]:
    return _FINDING_KINDS
