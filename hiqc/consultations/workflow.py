"""The consultation process and the suggestion process as data (DESIGN §4 rule 3; standard
4.1.1, 4.1.3(2)(3)).

已受理 received → 已答复 answered → 已办结 resolved, or from answered 已转投诉 / 已转建议.

No law or regulation sets a time limit for answering a consultation (regulations.md has CP-* for
complaints and CC-* for the phone queue only), so the reply clock is an **internal target**, not a
legal one: one working day by default, configurable per org subtree through the process
configuration (``steps.answer.target_amount`` / ``target_unit`` of process ``consultations.consultation``).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Clock, Stop, T, Workflow

from .enums import ConsultationStatus as S
from .enums import SuggestionStatus as G

HANDLE = "consultations.handle"
VIEW = "consultations.view"
CONFIGURE_PERM = "consultations.configure"
REGISTER_COMPLAINT = "complaints.register"
# What a conversion into a complaint asks (CP-5: only what the consultation does not hold).
COMPLAINT_INPUTS = ("request", "dispute_type", "product_line", "nature", "respondent_kind")
PROCESS = "consultations.consultation"  # the case kind label, also the process configuration key

REPLY = Clock(
    "consultation.reply",
    gettext_noop("咨询答复（内部目标）"),
    1,
    Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：法规未规定咨询答复时限，可在流程版本中配置"),
)

CONSULTATION = Workflow.build(
    name="consultation",
    states=S,
    initial=S.RECEIVED,
    final=[S.RESOLVED, S.CONVERTED_COMPLAINT, S.CONVERTED_SUGGESTION],
    clocks=[REPLY],
    # The reply clock is started by consultation_capture with the target in force (configurable),
    # not by on_create, whose clock amounts are fixed in code.
    on_create=[],
    transitions=[
        T("answer", S.RECEIVED, S.ANSWERED, perm=HANDLE, label="答复", requires=["answer"],
          effects=[Stop(REPLY)]),
        T("resolve", S.ANSWERED, S.RESOLVED, perm=HANDLE, label="办结"),
        T("convert_complaint", S.ANSWERED, S.CONVERTED_COMPLAINT, perm=REGISTER_COMPLAINT,
          label="转投诉", requires=COMPLAINT_INPUTS),
        T("convert_suggestion", S.ANSWERED, S.CONVERTED_SUGGESTION, perm=HANDLE,
          label="转建议", requires=["content"]),
    ],
)  # fmt: skip

# "My work" (issue 15 §3; CaseKind.work_by_state): an answered consultation is its handlers' to
# resolve or convert. Turning it into a complaint is open to whoever registers complaints over the
# unit (complaints.register), a right rather than work waiting for them.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.ANSWERED: (HANDLE,)}

ACTION_LABELS = {"create": "受理", **{t.name: t.label for t in CONSULTATION.transitions}}


# --- suggestions (建议; 4.1.3(3): record, feed back and track) ----------------------------------
#
# 已登记 registered → 已采纳 adopted (``adopt``) or 未采纳 not_adopted (``decline``), each with the
# response fed back. No clock: 4.1.3(3) asks for suggestions to be handled "及时" (promptly) but
# names no period, regulations.md has no limit for suggestions (CP-* cover complaints only) and
# the app has no rule of its own; a time target would be an invention, not a requirement.
# Who acts: whoever may handle consultations over the suggestion's unit (``consultations.handle``,
# as before), so "my work" lists a registered suggestion to them; it is assigned to the agent who
# converted the consultation, so it is theirs to follow up ("跟踪").

SUGGESTION_PROCESS = "consultations.suggestion"  # the case kind label

SUGGESTION = Workflow.build(
    name="suggestion",
    states=G,
    initial=G.REGISTERED,
    final=[G.ADOPTED, G.NOT_ADOPTED],
    transitions=[
        T("adopt", G.REGISTERED, G.ADOPTED, perm=HANDLE, label=gettext_noop("采纳"),
          requires=["response"]),
        T("decline", G.REGISTERED, G.NOT_ADOPTED, perm=HANDLE, label=gettext_noop("不采纳"),
          requires=["response"]),
    ],
)  # fmt: skip

# the decision a page or an API client names (a status) → the action that reaches it
SUGGESTION_ACTIONS: dict[str, str] = {G.ADOPTED: "adopt", G.NOT_ADOPTED: "decline"}
