"""The kernel's own evidence rules (issue 22 §2; ADR 0034): checks of the system itself, the same
for every unit — personal fields declared (6.1.1(3), 6.1.3(1)) with a purpose, a lawful basis and
a retention (6.1.1(2)), the audit chain intact (6.2.3(3)), sensitive personal data encrypted at
rest (6.2.2(1)), the application's protections against attack in place (6.2.2(2)), the automated
processing running (6.1.1(4)); and the backup and restore-test records (6.2.2(4)). Imported by
``CoreConfig.ready``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_noop

from .calendar import BEIJING
from .evidence import (
    CHECK,
    RECORD,
    Evidence,
    EvidenceStatus,
    beijing_bounds,
    check_evidence,
    evidence_rule,
    ratio_evidence,
)


@evidence_rule(
    "core.personal_fields_declared", clauses=("6.1.1(3)", "6.1.3(1)"), kind=CHECK,
    name=gettext_noop("个人信息字段均已声明"),
    description=gettext_noop("每个看似个人信息的字段都声明了分类、目的、合法性基础与保存期限，"
                             "没有声明指向不存在的字段（系统检查 hiqc.E020/E021）。"),
)  # fmt: skip
def personal_fields_declared(org_path: str, start: date, end: date) -> Evidence:
    """6.1.1(3) no unrelated personal data; 6.1.3(1) classified: every personal-looking field is
    declared (``hiqc.core.personaldata``)."""
    from .personaldata import hiqc_models, stale, undeclared

    models_ = hiqc_models()
    fields = sum(len(m._meta.concrete_fields) for m in models_)
    problems = [f"{m._meta.label}.{f} undeclared" for m, f in undeclared(models_)]
    problems += [f"{m._meta.label}.{f} stale" for m, f in stale(models_)]
    return check_evidence(problems, fields, url=reverse("privacy_inventory"))


@evidence_rule(
    "core.audit_chain", clauses=("6.2.3(3)",), kind=CHECK,
    name=gettext_noop("审计链完整"),
    description=gettext_noop("访问与变更记录的哈希链逐条校验无缺失、无篡改。"),
)  # fmt: skip
def audit_chain(org_path: str, start: date, end: date) -> Evidence:
    """6.2.3(3): the tamper-evident access log verifies link by link (``audit.verify_chain``)."""
    from .audit import verify_chain

    report = verify_chain()
    problems = [] if report.ok else [report.problem]
    return check_evidence(problems, report.checked, url=reverse("audit"))


@evidence_rule(
    "core.sensitive_encrypted", clauses=("6.2.2(1)",), kind=CHECK,
    name=gettext_noop("敏感个人信息加密存储"),
    description=gettext_noop("声明为敏感个人信息的字段均以加密字段或带密钥哈希保存，且字段密钥可用。"),
)  # fmt: skip
def sensitive_encrypted(org_path: str, start: date, end: date) -> Evidence:
    """6.2.2(1): every field declared sensitive is an encrypted field (or a keyed hash), and the
    field keys load."""
    from .crypto import EncryptedTextField, keyring
    from .personaldata import DataClass, declaration, hiqc_models

    problems: list[str] = []
    checked = 0
    for model in hiqc_models():
        for field in model._meta.concrete_fields:
            found = declaration(model, field)
            if found is None or found[0].data_class != DataClass.SENSITIVE:
                continue
            checked += 1
            if not isinstance(field, EncryptedTextField) and not field.name.endswith("_hash"):
                problems.append(f"{model._meta.label}.{field.name} not encrypted")
    try:
        keyring()
    except ImproperlyConfigured as exc:
        problems.append(str(exc))
    return check_evidence(problems, checked, url=reverse("privacy_inventory"))


@evidence_rule(
    "core.collection_scope_declared", clauses=("6.1.1(2)",), kind=CHECK,
    name=gettext_noop("个人信息收集范围有目的、合法性基础与保存期限"),
    description=gettext_noop("数据清单中每个个人信息与敏感个人信息字段都写明处理目的、《个人信息保护法》"
                             "第十三条的合法性基础与保存期限；引用的保存期限规则均存在。"),
)  # fmt: skip
def collection_scope_declared(org_path: str, start: date, end: date) -> Evidence:
    """6.1.1(2) a lawful, reasoned scope of collection: every personal field of the record of
    processing activities (``personaldata.inventory``) names its purpose, a PIPL art. 13 ground
    (not "no personal data") and how long it is kept; a retention rule it cites exists."""
    from .personaldata import Basis, DataClass, inventory
    from .rules import RULES as SETTINGS_RULES

    rows = [r for r in inventory() if r.data_class in (DataClass.PERSONAL, DataClass.SENSITIVE)]
    lawful = {b.value for b in Basis} - {Basis.NOT_PERSONAL.value}
    problems: list[str] = []
    for r in rows:
        where = f"{r.model}.{r.field}"
        if not r.purpose.strip():
            problems.append(f"{where}: no purpose")
        if r.basis not in lawful:
            problems.append(f"{where}: basis {r.basis!r}")
        if not r.retention.strip():
            problems.append(f"{where}: no retention")
        if r.retention_rule and r.retention_rule not in SETTINGS_RULES:
            problems.append(f"{where}: rule {r.retention_rule} unknown")
    return check_evidence(problems, len(rows), url=reverse("privacy_inventory"))


# (setting, expected value): the protections every deployment runs with (config.settings.base)
_PROTECTIONS: tuple[tuple[str, object], ...] = (
    ("SECURE_CONTENT_TYPE_NOSNIFF", True),
    ("X_FRAME_OPTIONS", "DENY"),
    ("SESSION_COOKIE_HTTPONLY", True),
)
_MIDDLEWARE: tuple[str, ...] = (
    "django.middleware.security.SecurityMiddleware",
    "hiqc.core.middleware.ContentSecurityPolicyMiddleware",
    "hiqc.core.bodylimit.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
_LOCKOUT = "auth.lockout_threshold"


@evidence_rule(
    "core.attack_protection", clauses=("6.2.2(2)",), kind=CHECK,
    name=gettext_noop("应用层安全防护措施启用"),
    description=gettext_noop("系统启用安全响应头（内容安全策略、禁止嵌入、禁止类型嗅探）、CSRF 防护、"
                             "请求体大小限制与连续登录失败锁定。网络防火墙与入侵检测由部署环境提供，"
                             "不在本检查范围内。"),
)  # fmt: skip
def attack_protection(org_path: str, start: date, end: date) -> Evidence:
    """6.2.2(2) protection against external attack, as far as the application can show it: the
    security middleware and headers are on and password guessing locks the account. The network
    firewall and intrusion detection belong to the deployment and are not checked here."""
    from .rules import RULES as SETTINGS_RULES
    from .rules import rule_value

    problems = [f"{name} != {want!r}" for name, want in _PROTECTIONS
                if getattr(settings, name, None) != want]  # fmt: skip
    problems += [f"{m} missing" for m in _MIDDLEWARE if m not in settings.MIDDLEWARE]
    if _LOCKOUT not in SETTINGS_RULES or not int(rule_value(_LOCKOUT)):
        problems.append(f"{_LOCKOUT} not set")
    checked = len(_PROTECTIONS) + len(_MIDDLEWARE) + 1
    return check_evidence(problems, checked, url=reverse("rules"))


def _months(start: date, end: date) -> list[date]:
    out, day = [], start.replace(day=1)
    while day < end:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


@evidence_rule(
    "core.backups_verified", clauses=("6.2.2(4)",), kind=RECORD,
    name=gettext_noop("重要数据按月备份并经恢复测试"),
    description=gettext_noop("期间内每个月至少有一次成功的备份，且期间内至少有一次成功的恢复测试"
                             "（全系统一份数据，各机构相同）。"),
)  # fmt: skip
def backups_verified(org_path: str, start: date, end: date) -> Evidence:
    """6.2.2(4) back up important data: every month of the period has a successful backup and the
    period a successful restore test (``hiqc.core.backup``). The items checked are the months and
    the restore test; failing, those without. The same for every unit: the data are one."""
    from .models import BackupRecord

    lo, hi = beijing_bounds(start, end)
    done = list(
        BackupRecord.objects.filter(started_at__gte=lo, started_at__lt=hi, ok=True).values_list(
            "kind", "started_at"
        )
    )
    if not BackupRecord.objects.filter(started_at__gte=lo, started_at__lt=hi).exists():
        return ratio_evidence(0, 0, url=reverse("backups"))
    months = _months(start, end)
    backed = {at.astimezone(BEIJING).date().replace(day=1) for kind, at in done
              if kind == BackupRecord.Kind.BACKUP}  # fmt: skip
    missing = [m for m in months if m not in backed]
    tested = any(kind == BackupRecord.Kind.RESTORE_TEST for kind, _at in done)
    note = ", ".join([m.strftime("%Y-%m") for m in missing] + ([] if tested else ["恢复测试"]))
    return ratio_evidence(len(months) + 1, len(missing) + (0 if tested else 1),
                          url=reverse("backups"), note=note and f"缺少：{note}")  # fmt: skip


@evidence_rule(
    "core.processing_automated", clauses=("6.1.1(4)",), kind=CHECK,
    name=gettext_noop("信息处理由后台作业自动完成且运行正常"),
    description=gettext_noop("时限扫描、指标计算、备份、保存期限、数据共享等信息处理由定时作业自动完成："
                             "每个已运行过的作业最近一次运行成功（没有连续失败），且曾至少成功一次。"),
)  # fmt: skip
def processing_automated(org_path: str, start: date, end: date) -> Evidence:
    """6.1.1(4) advanced information technology for efficient processing: the processing HIQC
    automates (``hiqc.core.schedule``: clocks, indicators, backups, retention, shares…) runs — each
    scheduled job that has run is not failing now and has succeeded at least once. A job that has
    not run yet (a daily job on a new installation) is not counted; none run at all → not yet
    assessable (the job queue is not running). The same for every unit: the system is one."""
    from .models import JobState
    from .schedule import SCHEDULE

    names = [p.name for p in SCHEDULE]
    states = {s.job: s for s in JobState.objects.filter(job__in=names)}
    if not states:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, reverse("jobs"), "no job has run")
    problems = [f"{name} failing ×{s.failures_in_row}" for name, s in sorted(states.items())
                if s.failures_in_row > 0]  # fmt: skip
    problems += [f"{name} never succeeded" for name, s in sorted(states.items())
                 if s.last_ok_at is None and not s.failures_in_row]  # fmt: skip
    return check_evidence(problems, len(states), url=reverse("jobs"))
