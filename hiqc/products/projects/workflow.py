"""Product R&D projects as data (standard 3.1.2, 3.3.2; issue 17 §2).

需求分析 needs → 产品设计 design → 风险评估 risk → 合规审查 compliance → 产品测试 testing →
产品上线 launch → 已上线 launched; 已取消 cancelled from any open gate.

Each gate has its ``record_*`` action (the inputs, kept in the event log; the state stays), its
sign-off ``pass_*`` (the next gate) and, from the second gate on, ``reject_*`` back to the gate
before it with the reasons. Who signs:

* 需求分析, 产品设计, 产品测试 — the product manager (``products.develop``);
* 风险评估 — the risk manager (``products.signoff.risk``);
* 合规审查 — the compliance officer (``products.signoff.compliance``), who also answers the
  checklist;
* 产品上线 — a product manager or the quality lead (``products.launch``).

What each gate needs before it can be signed is the domain guard's (``services.gate_problems``):
a sign-off without them is refused with what is missing.

Clocks: one per gate, ``products.gate_<gate>``, in working days — **internal targets** (no
clause sets one), configurable per org subtree like every internal target. A gate's clock starts
when the project first reaches the gate and stops when the gate is signed; a rejection leaves the
clocks as they stand (the gate sent back to has had its time; the rejecting gate's clock runs on
until it is signed).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .models import Gate as G

VIEW = "products.view"
DEVELOP = "products.develop"
SIGN_RISK = "products.signoff.risk"
SIGN_COMPLIANCE = "products.signoff.compliance"
LAUNCH = "products.launch"
PROCESS = "products.productproject"


def _clock(gate: str, label: str, days: int) -> Clock:
    return Clock(
        f"products.gate_{gate}",
        gettext_noop(label),
        days,
        Unit.WORKING_DAYS,
        gettext_noop("内部目标 (P)：产品研发各阶段的办理时限，可按机构配置"),
    )


CLOCKS: dict[str, Clock] = {
    G.NEEDS: _clock(G.NEEDS, "需求分析办理时限（内部目标）", 20),
    G.DESIGN: _clock(G.DESIGN, "产品设计办理时限（内部目标）", 20),
    G.RISK: _clock(G.RISK, "风险评估办理时限（内部目标）", 10),
    G.COMPLIANCE: _clock(G.COMPLIANCE, "合规审查办理时限（内部目标）", 10),
    G.TESTING: _clock(G.TESTING, "产品测试办理时限（内部目标）", 15),
    G.LAUNCH: _clock(G.LAUNCH, "产品上线办理时限（内部目标）", 10),
}
SIGNER: dict[str, str] = {
    G.NEEDS: DEVELOP,
    G.DESIGN: DEVELOP,
    G.RISK: SIGN_RISK,
    G.COMPLIANCE: SIGN_COMPLIANCE,
    G.TESTING: DEVELOP,
    G.LAUNCH: LAUNCH,
}
RECORDER: dict[str, str] = {
    G.NEEDS: DEVELOP,
    G.DESIGN: DEVELOP,
    G.RISK: DEVELOP,
    G.COMPLIANCE: SIGN_COMPLIANCE,
    G.TESTING: DEVELOP,
}
NEXT: dict[str, str] = {
    G.NEEDS: G.DESIGN,
    G.DESIGN: G.RISK,
    G.RISK: G.COMPLIANCE,
    G.COMPLIANCE: G.TESTING,
    G.TESTING: G.LAUNCH,
    G.LAUNCH: G.LAUNCHED,
}
PREVIOUS: dict[str, str] = {
    G.DESIGN: G.NEEDS,
    G.RISK: G.DESIGN,
    G.COMPLIANCE: G.RISK,
    G.TESTING: G.COMPLIANCE,
    G.LAUNCH: G.TESTING,
}
OPEN = (G.NEEDS, G.DESIGN, G.RISK, G.COMPLIANCE, G.TESTING, G.LAUNCH)

RECORD_LABELS: dict[str, str] = {
    G.NEEDS: gettext_noop("录入需求分析"),
    G.DESIGN: gettext_noop("修改产品方案"),
    G.RISK: gettext_noop("录入风险评估"),
    G.COMPLIANCE: gettext_noop("答复合规审查清单"),
    G.TESTING: gettext_noop("录入测试结果"),
}
PASS_LABELS: dict[str, str] = {
    G.NEEDS: gettext_noop("需求分析签批通过"),
    G.DESIGN: gettext_noop("产品设计签批通过"),
    G.RISK: gettext_noop("风险评估签批通过"),
    G.COMPLIANCE: gettext_noop("合规审查签批通过"),
    G.TESTING: gettext_noop("产品测试签批通过"),
    G.LAUNCH: gettext_noop("批准上线"),
}
REJECT_LABELS: dict[str, str] = {
    G.DESIGN: gettext_noop("退回需求分析"),
    G.RISK: gettext_noop("退回产品设计"),
    G.COMPLIANCE: gettext_noop("退回风险评估"),
    G.TESTING: gettext_noop("退回合规审查"),
    G.LAUNCH: gettext_noop("退回产品测试"),
}


def pass_action(gate: str) -> str:
    return "launch" if gate == G.LAUNCH else f"pass_{gate}"


def _transitions() -> list:
    out = []
    for gate, perm in RECORDER.items():
        out.append(T(f"record_{gate}", gate, gate, perm=perm, label=RECORD_LABELS[gate]))
    for gate in OPEN:
        after = NEXT[gate]
        effects = [Stop(CLOCKS[gate], optional=True)]
        if after in CLOCKS:
            effects.append(Start(CLOCKS[after], optional=True))
        requires = ["effective_from"] if gate == G.LAUNCH else []
        if gate == G.COMPLIANCE:
            requires = ["opinion"]
        out.append(
            T(
                pass_action(gate),
                gate,
                after,
                perm=SIGNER[gate],
                label=PASS_LABELS[gate],
                requires=requires,
                effects=effects,
            )
        )
    for gate, before in PREVIOUS.items():
        out.append(
            T(
                f"reject_{gate}",
                gate,
                before,
                perm=SIGNER[gate],
                label=REJECT_LABELS[gate],
                requires=["reason"],
            )
        )
    out.append(
        T(
            "cancel",
            list(OPEN),
            G.CANCELLED,
            perm=DEVELOP,
            label=gettext_noop("取消项目"),
            requires=["reason"],
            effects=[Cancel(c, optional=True) for c in CLOCKS.values()],
        )
    )
    return out


PROJECT = Workflow.build(
    name="product_project",
    states=G,
    initial=G.NEEDS,
    final=[G.LAUNCHED, G.CANCELLED],
    clocks=list(CLOCKS.values()),
    on_create=[Start(CLOCKS[G.NEEDS])],
    transitions=_transitions(),
)

# Who must act: everyone who may act on the gate now (the engine's default: the holders of the
# permissions of the state's actions, over head office) — the recorder and the signer.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {}

ACTION_LABELS = {
    "create": gettext_noop("立项"),
    **{t.name: t.label for t in PROJECT.transitions},
}
