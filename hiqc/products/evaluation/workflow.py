"""The adaptability evaluation round as data (standard 3.2; issue 17 §4).

草稿 draft → 评分中 scoring (``open``: the criteria, products and experts are fixed and the
experts may score) → 已结束 closed (``close``: the organiser ends the round, whether or not every
expert has submitted; the results are computed and frozen). No clock: no clause sets a time for
an evaluation round.

Who must act: the organisers (``products.evaluate`` over the round's unit) in draft and while
scoring; the named experts' own work (their unsubmitted scores) is listed by the scoring page.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.workflow import T, Workflow

from .models import RoundStatus as R

VIEW, EVALUATE, SCORE = "products.view", "products.evaluate", "products.evaluation.score"
ROUND_PROCESS = "products.evaluationround"

ROUND = Workflow.build(
    name="product_evaluation_round",
    states=R,
    initial=R.DRAFT,
    final=[R.CLOSED],
    transitions=[
        T("open", R.DRAFT, R.SCORING, perm=EVALUATE, label=gettext_noop("开始评分")),
        T("close", R.SCORING, R.CLOSED, perm=EVALUATE, label=gettext_noop("结束评价")),
    ],
)  # fmt: skip

ROUND_ACTION_LABELS = {
    "create": gettext_noop("创建"),
    **{t.name: t.label for t in ROUND.transitions},
}
