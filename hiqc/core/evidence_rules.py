"""The kernel's own evidence rules (issue 22 §2; ADR 0034): checks of the system itself, the same
for every unit — personal fields declared (6.1.1(3), 6.1.3(1)), the audit chain intact
(6.2.3(3)), sensitive personal data encrypted at rest (6.2.2(1)). Imported by ``CoreConfig.ready``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_noop

from .evidence import CHECK, Evidence, check_evidence, evidence_rule


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
