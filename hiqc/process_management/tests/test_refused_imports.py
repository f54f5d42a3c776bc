"""Imported moves the design refused (issue 16 §4, §9): an event another system reported that the
workflow did not allow from the case's state was refused by the events door and recorded by the
kernel (``out_of_design_record``); the process's conformance lists them per process, ranked by
frequency, in the reader's scope only, each drilling down to its cases and opening a supervision
finding like the other deviations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.findings import out_of_design_record
from hiqc.process_management.models import SupervisionFinding

from .conftest import OLD, P1, P2, P3, PLAN, T0, client_for

pytestmark = pytest.mark.django_db
NOV = "start=2026-11-01&end=2026-11-30"
CHECK_FROM_PLAN = "check%7Cplan"  # "check" tried while the plan was still being planned


def attempt(case_id: str, org_path: str, action: str, state: str, n: int, *, hours: float = 30,
            process: str = PLAN) -> None:  # fmt: skip
    out_of_design_record(kind=CASE_KINDS[process], case_id=case_id, org_path=org_path,
                         from_state=state, action=action, at=T0 + timedelta(hours=hours),
                         source_system="PDCA", external_id=f"X{n}", line=n)  # fmt: skip


@pytest.fixture
def refused(org, plans):
    c1, p2 = org["C1"].path, org["P2"].path
    attempt(P1, c1, "check", "plan", 1)  # checked before it was started: twice, on two cases
    attempt(P2, c1, "check", "plan", 2)
    attempt(P3, p2, "check", "plan", 3)  # another branch's
    attempt(P1, c1, "start", "check", 4)  # started again once it was in check
    attempt(OLD, c1, "check", "plan", 5, hours=-24 * 400)  # long before the period
    attempt("00000000-0000-4000-8000-0000000000ff", c1, "escalate", "open", 6,
            process="complaints.complaint")  # another process  # fmt: skip


def test_the_conformance_view_lists_the_refused_imported_moves_ranked_by_frequency(
    personas, refused
):
    # Given the refused imports recorded by the kernel, when head office opens the process
    page = client_for(personas["quality_lead"]).get(f"/process-management/{PLAN}/?{NOV}")
    text = page.content.decode()
    section = text.split('id="refused"', 1)[1].split("</table>", 1)[0]
    # Then the moves of this process in the period are listed, the most frequent first, with
    # the state the case was in and where the design's step would have taken it
    rows = section.split("<tr>")[2:]
    assert len(rows) == 2
    assert "进入效果检查" in rows[0] and "计划（P）" in rows[0] and "检查（C）" in rows[0]
    assert ">3<" in rows[0] and "开始实施" in rows[1] and ">1<" in rows[1]
    assert "escalate" not in section  # another process's


def test_a_branch_sees_only_its_own_refused_imports(personas, refused):
    client = client_for(personas["branch_manager"])  # P1
    text = client.get(f"/process-management/{PLAN}/?{NOV}").content.decode()
    section = text.split('id="refused"', 1)[1].split("</table>", 1)[0]
    assert ">2<" in section.split("<tr>")[2]  # P1 and P2 of C1, not P3 of 上海
    cases = client.get(
        f"/process-management/{PLAN}/cases/?{NOV}&refused={CHECK_FROM_PLAN}"
    ).content.decode()
    assert f">{P1}<" in cases and f">{P2}<" in cases and f">{P3}<" not in cases
    # and the API says the same
    body = client.get(f"/api/v1/processes/{PLAN}/mining?from=2026-11-01&to=2026-11-30").json()
    assert [(m["key"], m["count"], m["cases"]) for m in body["refused_imports"]] == [
        ("check|plan", 2, 2), ("start|check", 1, 1),
    ]  # fmt: skip


def test_the_cases_behind_a_refused_move_are_listed_with_their_source_and_line(personas, refused):
    client = client_for(personas["quality_lead"])
    page = client.get(f"/process-management/{PLAN}/cases/?{NOV}&refused={CHECK_FROM_PLAN}")
    assert page.status_code == 200
    text = page.content.decode()
    assert f">{P1}<" in text and f">{P2}<" in text and f">{P3}<" in text
    assert f">{OLD}<" not in text  # tried before the period
    assert "PDCA" in text and ">X3<" in text
    assert f'href="/quality/plans/{P1}/"' in text  # each linked to the case's own page


def test_a_supervisor_opens_a_finding_from_a_refused_move(personas, org, refused):
    client = client_for(personas["quality_lead"])
    text = client.get(f"/process-management/{PLAN}/?{NOV}&unit={org['P1'].pk}").content.decode()
    section = text.split('id="refused"', 1)[1].split("</table>", 1)[0]
    # Then the move offers "登记监督发现", naming it and the unit of its cases (C1)
    assert "deviation=check%7Crefused_import%7Cplan" in section
    assert f"org_unit={org['C1'].pk}" in section
    form = client.get(
        "/process-management/supervision/findings/new/?process=quality.improvementplan"
        f"&deviation=check%7Crefused_import%7Cplan&org_unit={org['C1'].pk}"
    ).content.decode()
    assert 'value="check|refused_import|plan"' in form
    # When they register it, the finding carries the move
    response = client.post("/process-management/supervision/findings/new/", {
        "process": PLAN, "org_unit": str(org["C1"].pk), "deviation": "check|refused_import|plan",
        "title": "导入数据违背流程设计：计划（P）时“进入效果检查”",
        "description": "核心系统在计划尚未开始实施时报送了效果检查。",
    })  # fmt: skip
    assert response.status_code == 302
    finding = SupervisionFinding.objects.get()
    assert (finding.process, finding.deviation) == (PLAN, "check|refused_import|plan")
    assert finding.org_unit == org["C1"]


def test_a_viewer_who_does_not_supervise_sees_the_moves_but_no_button(personas, refused):
    text = client_for(personas["auditor"]).get(f"/process-management/{PLAN}/?{NOV}").content
    section = text.decode().split('id="refused"', 1)[1].split("</table>", 1)[0]
    assert "进入效果检查" in section and "/supervision/findings/new/" not in section
