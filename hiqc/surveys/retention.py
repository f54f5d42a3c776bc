"""The retention of survey answers (issue 6 §7: each plan's ``retention_days``, design default 730;
standard 6.1.3(3); issue 21 §2): invitations older than their plan's retention are deleted with
their answers by the kernel's retention job (``hiqc.core.retention``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core.retention import DELETE, RetentionPolicy

from .services import answers_due, answers_remove

POLICY = RetentionPolicy(
    code="surveys.answers",
    label=_("满意度调查邀请与答卷"),
    model="surveys.Invitation",
    method=DELETE,
    basis=_("调查方案规定的答卷保存期（默认 730 天）"),
    due=answers_due,
    remove=answers_remove,
    ref_field="case_number",
)
