"""The complaint process under the 2020 complaint rules (CP-1…CP-12; issue 4 §5, §11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from hiqc.complaints.enums import Status
from hiqc.complaints.models import Complaint, Letter
from hiqc.complaints.recusal import INVOLVEMENT_RESOLVERS, register_involvement_resolver
from hiqc.complaints.services import KIND, complaint_act, complaint_register, letter_read
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent, Deadline
from hiqc.customers.services import customer_create
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 Beijing: 15 calendar days → last day Tue 17 March.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "id_number": "110101199003074477", "mobile": "13900001111"},
    )


@pytest.fixture
def colleague(org):
    """A second complaint handler in C1, free of any interest in the complaint."""
    user = User.objects.create_user(
        username="handler2", password="x" * 20, org_unit=org["C1"], display_name="钱七"
    )
    Membership.objects.create(user=user, role=Role.COMPLAINT_HANDLER, org_unit=org["C1"])
    return user


def payload(customer, **extra):
    return {
        "customer_id": str(customer.pk),
        "channel": "phone",
        "source": "direct",
        "request": "请求按合同赔付住院医疗费用。",
        "facts": "2026年2月住院，理赔申请被拒，理由不清楚。",
        "dispute_type": "claims",
        "product_line": "medical",
        "nature": "contract_dispute",
        "respondent_kind": "branch",
        **extra,
    }


def register(actors, org, customer, *, who="handler", at=T0, **extra):
    with time_machine.travel(at, tick=False):
        return complaint_register(
            actor=actors[who], org_unit_id=org["C1"].pk, data=payload(customer, **extra)
        )


def act(actors, complaint, action, *, who="handler", at, **data):
    with time_machine.travel(at, tick=False):
        return complaint_act(
            actor=actors[who], complaint_id=complaint.pk, action=action, data=data, at=at
        )


def decide_clock(complaint) -> Deadline:
    return Deadline.objects.get(
        case_type=KIND.label, case_id=str(complaint.pk), clock="complaints.decide"
    )


@pytest.fixture
def complaint(actors, org, customer, colleague):
    c = register(actors, org, customer)
    return act(actors, c, "assign", at=T0 + timedelta(hours=1), assignee=str(colleague.pk))


# --- registration ------------------------------------------------------------------------------


def test_registration_starts_the_15_day_decision_clock_from_receipt(actors, org, customer):
    c = register(actors, org, customer)
    assert c.reference == "TS2026030200001"
    d = decide_clock(c)
    assert (d.amount, d.last_day, d.state) == (15, date(2026, 3, 17), "running")
    assert "CP-1" in d.source


def test_internal_ten_working_day_target_runs_alongside_the_legal_clock(actors, org, customer):
    c = register(actors, org, customer)
    internal = Deadline.objects.get(case_id=str(c.pk), clock="complaints.internal_reply")
    assert internal.last_day == date(2026, 3, 16)  # 10 working days from Tue 3 March
    assert internal.due_at < decide_clock(c).due_at


def test_a_complaint_forwarded_by_the_regulator_needs_its_forwarding_date(actors, org, customer):
    with pytest.raises(ValidationFailed) as exc:
        register(actors, org, customer, source="regulator")
    assert "forwarded_on" in exc.value.fields
    c = register(actors, org, customer, source="regulator", forwarded_on="2026-02-27")
    assert decide_clock(c).last_day == date(2026, 3, 17)  # same clock as direct (CP-9)


def test_registration_errors_name_every_bad_field(actors, org, customer):
    with pytest.raises(ValidationFailed) as exc:
        register(actors, org, customer, request="", dispute_type="weather", channel="")
    assert {"request", "dispute_type", "channel"} <= set(exc.value.fields)
    assert Complaint.objects.count() == 0


def test_registration_refuses_a_unit_outside_the_registrars_scope(actors, org, customer):
    with pytest.raises(NotFound), time_machine.travel(T0, tick=False):  # as if it did not exist
        complaint_register(
            actor=actors["handler"], org_unit_id=org["C2"].pk, data=payload(customer)
        )


def test_a_new_complainant_is_registered_as_a_customer_with_the_complaint(actors, org):
    with time_machine.travel(T0, tick=False):
        c = complaint_register(
            actor=actors["handler"],
            org_unit_id=org["C1"].pk,
            data={
                **payload(customer=type("X", (), {"pk": ""})()),
                "customer_id": "",
                "new_complainant": {"name": "孙八", "mobile": "13800002222"},
            },
        )
    assert c.complainant.name == "孙八"
    assert "complainant" in c.complainant.kinds


def test_a_second_complaint_within_the_window_is_marked_as_a_repeat(actors, org, customer):
    first = register(actors, org, customer)
    second = register(actors, org, customer, at=T0 + timedelta(days=20))
    assert second.repeat_of == first
    later = register(actors, org, customer, at=T0 + timedelta(days=200))
    assert later.repeat_of is None


def test_complaint_text_is_encrypted_at_rest(actors, org, customer):
    register(actors, org, customer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT request, facts FROM complaints_complaint")
        row = cursor.fetchone()
    assert all("住院" not in value and value.startswith("v1:") for value in row)


# --- recusal (CP-6) ---------------------------------------------------------------------------


def test_the_employee_complained_about_cannot_be_assigned(actors, org, customer, personas):
    c = register(
        actors,
        org,
        customer,
        respondent_kind="employee",
        respondent_user_id=str(personas["handler"].pk),
    )
    with pytest.raises(ValidationFailed) as exc:
        act(actors, c, "assign", who="branch_manager", at=T0, assignee=str(personas["handler"].pk))
    assert "回避" in exc.value.message
    assert Complaint.objects.get(pk=c.pk).status == Status.REGISTERED


def test_someone_involved_cannot_act_on_the_complaint_at_all(actors, org, customer, colleague):
    """CP-6 holds for every step, not only assignment: the person complained about can neither
    take nor decide nor extend the case."""
    c = register(actors, org, customer, involved_user_ids=[str(actors["branch_manager"].user_id)])
    c = act(actors, c, "assign", at=T0, assignee=str(colleague.pk))
    for action, data in [("extend", {"reason": "x"}), ("withdraw", {"reason": "x"})]:
        with pytest.raises(Forbidden, match="CP-6"):
            act(actors, c, action, who="branch_manager", at=T0 + timedelta(days=1), **data)


def test_a_person_named_in_the_complaint_cannot_be_assigned(actors, org, customer, colleague):
    c = register(actors, org, customer, involved_user_ids=[str(colleague.pk)])
    with pytest.raises(ValidationFailed, match="回避"):
        act(actors, c, "assign", at=T0, assignee=str(colleague.pk))


def test_a_person_another_domain_reports_as_involved_cannot_be_assigned(
    actors, org, customer, colleague
):
    def claim_handlers(complaint):
        return [colleague.pk] if complaint.claim_ref == "LP-1" else []

    register_involvement_resolver(claim_handlers)
    try:
        c = register(actors, org, customer, claim_ref="LP-1")
        with pytest.raises(ValidationFailed, match="回避"):
            act(actors, c, "assign", at=T0, assignee=str(colleague.pk))
    finally:
        INVOLVEMENT_RESOLVERS.remove(claim_handlers)


def test_someone_without_handling_rights_over_the_unit_cannot_be_assigned(
    actors, org, customer, personas
):
    c = register(actors, org, customer)
    with pytest.raises(ValidationFailed, match="无权"):
        act(actors, c, "assign", at=T0, assignee=str(personas["agent"].pk))


# --- extensions (CP-2, CP-3) -----------------------------------------------------------------


def test_extension_to_30_days_needs_a_reason_and_issues_a_notice(actors, complaint):
    with pytest.raises(ValidationFailed):
        act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="")
    act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="需调取医院病历")
    d = decide_clock(complaint)
    assert (d.amount, d.last_day) == (30, date(2026, 4, 1))
    letter = Letter.objects.get(complaint=complaint)
    assert letter.kind == "extension"
    text = letter_read(actor=actors["handler"], letter=letter)
    assert "需调取医院病历" in text and "2026年4月1日" in text and "赵六" in text


def test_a_second_extension_needs_head_office_approval(actors, complaint):
    act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="复杂")
    with pytest.raises(Conflict, match="CP-3"):
        act(actors, complaint, "extend", at=T0 + timedelta(days=6), reason="仍复杂")
    with pytest.raises(Forbidden):  # the handler does not hold the approval
        act(actors, complaint, "extend_further", at=T0 + timedelta(days=6), reason="仍复杂")
    with pytest.raises(Forbidden):  # a branch manager is not head office
        act(actors, complaint, "extend_further", who="branch_manager", at=T0, reason="x")
    act(actors, complaint, "extend_further", who="quality_lead", at=T0 + timedelta(days=7),
        reason="涉及多家医疗机构")  # fmt: skip
    d = decide_clock(complaint)
    # day 60 is Fri 1 May, inside the Labour Day holiday (1–5 May): it rolls over to Wed 6 May
    assert (d.amount, d.last_day) == (60, date(2026, 5, 6))
    assert [e["approver"] for e in d.extensions] == ["handler", "quality_lead"]
    assert Letter.objects.filter(complaint=complaint, kind="further_extension").exists()


def test_the_further_extension_cannot_come_before_the_first(actors, complaint):
    with pytest.raises(Conflict, match="CP-2"):
        act(actors, complaint, "extend_further", who="quality_lead", at=T0, reason="x")


def test_no_extension_once_the_deadline_has_passed(actors, complaint):
    with pytest.raises(Conflict) as exc:
        act(actors, complaint, "extend", at=datetime(2026, 3, 18, 9, tzinfo=BEIJING), reason="x")
    assert exc.value.code == "deadline_passed"


# --- pause, restart, withdraw, merge (CP-4) ----------------------------------------------------


def test_outside_appraisal_pauses_the_clock_and_the_days_are_added_back(actors, complaint):
    act(actors, complaint, "start_appraisal", at=T0 + timedelta(days=3), reason="伤残鉴定")
    assert decide_clock(complaint).state == "paused"
    act(actors, complaint, "end_appraisal", at=T0 + timedelta(days=13))
    d = decide_clock(complaint)
    assert d.state == "running" and d.last_day == date(2026, 3, 27)
    assert Letter.objects.filter(complaint=complaint, kind="appraisal").exists()


def test_new_facts_restart_the_full_period_from_their_receipt(actors, complaint):
    act(actors, complaint, "new_facts", at=T0 + timedelta(days=10), summary="补充了出院小结")
    d = decide_clock(complaint)
    assert (d.last_day, d.restarts) == (date(2026, 3, 27), 1)


def test_withdrawal_ends_the_procedure_and_cancels_the_clocks(actors, complaint):
    act(actors, complaint, "withdraw", at=T0 + timedelta(days=2), reason="客户来电撤回")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.WITHDRAWN
    states = set(Deadline.objects.filter(case_id=str(complaint.pk)).values_list("state", flat=True))
    assert states == {"cancelled"}


def test_a_repeat_is_merged_into_the_open_case(actors, org, customer, complaint):
    repeat = register(actors, org, customer, at=T0 + timedelta(days=3))
    act(actors, repeat, "merge", at=T0 + timedelta(days=3), into=complaint.reference)
    repeat.refresh_from_db()
    assert (repeat.status, repeat.merged_into) == (Status.MERGED, complaint)


def test_only_the_same_complainants_open_case_can_absorb_a_merge(actors, org, complaint):
    other = customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "周九", "mobile": "13700003333"},
    )
    stranger = register(actors, org, other, at=T0 + timedelta(days=3))
    with pytest.raises(ValidationFailed, match="同一投诉人"):
        act(actors, stranger, "merge", at=T0 + timedelta(days=3), into=complaint.reference)


# --- decision, letter, review, archive (CP-7, CP-8) --------------------------------------------


def decide(actors, complaint, at, **overrides):
    data = {
        "outcome": "partly_upheld",
        "root_cause": "claims.explanation",
        "facts_found": "拒赔通知未说明依据条款。",
        "basis": "保险合同第八条及《保险法》第二十三条。",
        "decision_text": "补充说明拒赔依据，并就可赔部分赔付人民币3,200元。",
        **overrides,
    }
    return act(actors, complaint, "decide", at=at, **data)


def test_a_decision_needs_a_specific_root_cause(actors, complaint):
    with pytest.raises(ValidationFailed) as exc:
        decide(actors, complaint, T0 + timedelta(days=9), root_cause="claims")
    assert "root_cause" in exc.value.fields


def test_deciding_in_time_meets_the_clock_and_issues_the_decision_letter(actors, complaint):
    c = decide(actors, complaint, T0 + timedelta(days=9))
    assert c.status == Status.DECIDED and c.root_cause.code == "claims.explanation"
    assert decide_clock(c).state == "met"
    letter = Letter.objects.get(complaint=c, kind="decision")
    text = letter_read(actor=actors["handler"], letter=letter)
    for part in (
        "查明的事实",
        "处理依据及理由",
        "部分支持",
        "30 日内",
        "北京分公司",
        "调解",
        "仲裁",
        "诉讼",
    ):
        assert part.replace("查明的事实", "调查核实的事实") in text
    event = CaseEvent.objects.get(case_id=str(c.pk), activity="decide")
    assert "facts_found" not in event.data  # free text stays encrypted on the case


def test_a_review_can_be_requested_within_30_days_of_the_decision(actors, complaint):
    c = decide(actors, complaint, T0 + timedelta(days=9))
    with pytest.raises(Conflict, match="CP-8"):
        act(actors, c, "request_review", at=T0 + timedelta(days=9 + 31), reason="不服")
    act(actors, c, "request_review", at=T0 + timedelta(days=20), reason="不服")
    review = Deadline.objects.get(case_id=str(c.pk), clock="complaints.review")
    assert review.state == "running"
    with pytest.raises(Forbidden):
        act(actors, c, "conclude_review", at=T0 + timedelta(days=25), opinion="维持")
    act(actors, c, "conclude_review", who="quality_lead", at=T0 + timedelta(days=25),
        opinion="原处理决定符合规定，予以维持。")  # fmt: skip
    assert Letter.objects.filter(complaint=c, kind="review").exists()


def test_archiving_waits_for_the_review_window_and_sets_the_retention(actors, complaint):
    c = decide(actors, complaint, T0 + timedelta(days=9))
    with pytest.raises(Conflict) as exc:
        act(actors, c, "archive", at=T0 + timedelta(days=20))
    assert exc.value.code == "too_early"
    c = act(actors, c, "archive", at=T0 + timedelta(days=45))
    assert c.status == Status.ARCHIVED and c.retain_until == date(2031, 4, 16)


def test_a_stale_version_gets_a_conflict_not_an_overwrite(actors, complaint):
    with time_machine.travel(T0, tick=False), pytest.raises(Conflict) as exc:
        complaint_act(
            actor=actors["handler"],
            complaint_id=complaint.pk,
            action="withdraw",
            data={"reason": "x"},
            version=1,
        )
    assert exc.value.code == "stale_version"


def test_an_outsider_cannot_see_or_act_on_the_complaint(org, customer, complaint, personas):
    outsider = actor_for_user(personas["outsider_agent"])
    with pytest.raises(NotFound):
        complaint_act(actor=outsider, complaint_id=complaint.pk, action="withdraw", data={})


def test_the_assigned_handler_is_notified(
    actors, org, customer, colleague, django_capture_on_commit_callbacks
):
    from hiqc.core.models import Notification

    c = register(actors, org, customer)
    with django_capture_on_commit_callbacks(execute=True):
        act(actors, c, "assign", at=T0 + timedelta(hours=1), assignee=str(colleague.pk))
    note = Notification.objects.get(user=colleague)
    assert note.kind == "case_assigned" and c.reference in note.title


def test_new_facts_cannot_restart_a_clock_that_has_run_out(actors, complaint):
    with pytest.raises(Conflict) as exc:
        act(
            actors, complaint, "new_facts", at=datetime(2026, 3, 18, 9, tzinfo=BEIJING), summary="x"
        )
    assert exc.value.code == "deadline_passed"


def test_no_appraisal_pause_once_the_limit_has_passed_even_before_the_sweep(actors, complaint):
    with pytest.raises(Conflict) as exc:
        act(
            actors,
            complaint,
            "start_appraisal",
            at=datetime(2026, 3, 20, tzinfo=BEIJING),
            reason="x",
        )
    assert exc.value.code == "deadline_passed"


def test_new_facts_after_an_extension_restart_the_base_15_days(actors, complaint):
    act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="复杂")
    act(actors, complaint, "new_facts", at=T0 + timedelta(days=10), summary="补充出院小结")
    d = decide_clock(complaint)
    assert (d.amount, d.last_day) == (15, date(2026, 3, 27))
    event = CaseEvent.objects.get(case_id=str(complaint.pk), activity="new_facts")
    assert "出院" not in str(event.data)  # the summary may describe health: not in the log


def test_the_decision_letter_names_the_last_day_to_ask_for_a_review(actors, complaint):
    c = decide(actors, complaint, T0 + timedelta(days=9))  # decided 11 March
    text = letter_read(actor=actors["handler"], letter=Letter.objects.get(complaint=c))
    assert "自本决定作出之日起 30 日内" in text and "2026年4月10日之前" in text


def test_archiving_on_29_february_keeps_the_retention_a_valid_date(
    actors, org, customer, colleague
):
    at = datetime(2028, 1, 10, 10, tzinfo=BEIJING)
    c = register(actors, org, customer, at=at)
    act(actors, c, "assign", at=at, assignee=str(colleague.pk))
    c = decide(actors, c, at + timedelta(days=3))
    c = act(actors, c, "archive", at=datetime(2028, 2, 29, 10, tzinfo=BEIJING), who="handler")
    assert c.retain_until == date(2033, 2, 28)


def test_a_receipt_time_a_little_ahead_of_the_server_is_accepted_within_the_clock_skew_setting(
    actors, org, customer, settings
):
    # Given a receipt time four minutes after the server's now (a PC clock running ahead)
    ahead = (T0 + timedelta(minutes=4)).isoformat()
    # When the default allowance applies (HIQC_CLOCK_SKEW_SECONDS = 300), it is accepted
    assert register(actors, org, customer, received_at=ahead).received_at == T0 + timedelta(
        minutes=4
    )
    # and when the setting allows no skew, the same time is refused as in the future
    settings.HIQC_CLOCK_SKEW_SECONDS = 0
    with pytest.raises(ValidationFailed) as refused:
        register(actors, org, customer, received_at=ahead)
    assert "received_at" in refused.value.fields


def test_a_complaint_registered_days_after_its_receipt_has_its_clocks_run_from_the_receipt(
    actors, org, customer
):
    # Given a letter received on Monday and registered on Thursday
    received = T0 - timedelta(days=3)
    complaint = register(actors, org, customer, received_at=received.isoformat())
    # Then the 15 days (CP-1) and the internal reply target run from the receipt
    clocks = Deadline.objects.filter(case_type=KIND.label, case_id=str(complaint.pk))
    assert {d.clock: d.started_at for d in clocks} == {
        "complaints.decide": received, "complaints.internal_reply": received
    }  # fmt: skip
    # and the registration is recorded when it happened
    created = CaseEvent.objects.get(case_type=KIND.label, case_id=str(complaint.pk))
    assert (created.activity, created.at) == ("create", T0)
