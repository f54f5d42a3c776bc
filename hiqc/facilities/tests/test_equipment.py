"""Equipment files (issue 19 §3, §10): the register, its history moving the state, and the import
from CSV or Excel with errors by row and no duplicates on a rerun."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.facilities import selectors
from hiqc.facilities.equipment.services import (
    equipment_create,
    equipment_event_record,
    equipment_import,
)
from hiqc.facilities.models import Equipment, EquipmentEvent

pytestmark = pytest.mark.django_db

HEADER = ("asset_number,name,category,org_unit,location,model_name,serial_number,supplier,"
          "purchase_date,purchase_cost,warranty_end,safety_certificate,"
          "environmental_certificate,state,note\n")  # fmt: skip
GOOD = (
    "EQ-1,排队叫号机,排队叫号机,O1,大厅,QM-200,SN1,某科技,2025-03-01,12800,2028-02-28,CCC 1,,在用,\n"
    "EQ-2,饮水机,water,O1,休息区,,,,2024-05-01,900.50,,CCC 2,中国环境标志,闲置,\n"
)  # fmt: skip
BAD = (
    "EQ-3,,printer,O1,,,,,,,,,,,\n"  # line 4: no name
    "EQ-4,电脑,打字机,C2,,,,,2025-13-01,abc,,,,,\n"  # line 5: category, unit, date, cost
    "EQ-5,无障碍坡道,accessibility,O1,,,,,2025-01-01,,2024-01-01,,,报废,\n"  # line 6
)  # fmt: skip


def test_import_keeps_good_rows_reports_bad_ones_by_line_and_a_rerun_adds_nothing(actors):
    facility = actors["facility"]
    report = equipment_import(actor=facility, source=[(HEADER + GOOD + BAD).encode()])
    assert (report.rows_read, report.created, report.rejected_total) == (5, 2, 7)
    by_line = {(r["line"], r["field"]) for r in report.rejected}
    assert by_line == {(4, "name"), (5, "category"), (5, "org_unit"), (5, "purchase_date"),
                       (5, "purchase_cost"), (6, "warranty_end"), (6, "state")}  # fmt: skip
    eq1 = Equipment.objects.get(asset_number="EQ-1")
    assert eq1.category == "queue" and str(eq1.purchase_cost) == "12800.00"
    assert [e.kind for e in selectors.equipment_history(eq1)] == ["acquired", "commissioned"]
    assert Equipment.objects.get(asset_number="EQ-2").state == "idle"
    again = equipment_import(actor=facility, source=[(HEADER + GOOD).encode()])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = GOOD.replace("某科技", "另一家科技")
    third = equipment_import(actor=facility, source=[(HEADER + changed).encode()])
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Equipment.objects.count() == 2 and EquipmentEvent.objects.count() == 3


def test_import_reads_an_excel_workbook_with_chinese_headers(actors):
    book = Workbook()
    sheet = book.active
    sheet.append(["资产编号", "设备名称", "设备类别", "机构代码", "购置日期", "购置金额"])
    sheet.append(["EQ-X1", "自助终端", "自助服务终端", "O1", "2025-06-01", 30000])
    sheet.append(["EQ-X2", "", "电脑", "O1", "", ""])
    out = io.BytesIO()
    book.save(out)
    report = equipment_import(actor=actors["facility"], source=[out.getvalue()])
    assert (report.created, report.rejected) == (1, [{"line": 3, "field": "name",
                                                        "problem": "请填写设备名称。"}])  # fmt: skip


def test_a_file_without_the_required_columns_is_refused_whole(actors):
    with pytest.raises(ValidationFailed) as exc:
        equipment_import(actor=actors["facility"], source=[b"asset_number,name\nA,B\n"])
    assert "category" in exc.value.message


def test_history_moves_the_state_and_a_disposed_item_takes_nothing_more(actors, org):
    facility = actors["facility"]
    e = equipment_create(actor=facility, data={"asset_number": "EQ-9", "name": "复印机",
                                               "category": "printer", "org_unit": org["O1"].pk})  # fmt: skip
    equipment_event_record(actor=facility, equipment_id=e.pk,
                           data={"kind": "fault", "happened_on": "2026-01-05", "note": "卡纸"})  # fmt: skip
    assert selectors.access_equipment(facility, e.pk).state == "under_repair"
    equipment_event_record(actor=facility, equipment_id=e.pk,
                           data={"kind": "repaired", "happened_on": "2026-01-06", "cost": "120"})  # fmt: skip
    assert selectors.access_equipment(facility, e.pk).state == "in_use"
    with pytest.raises(ValidationFailed) as exc:
        equipment_event_record(actor=facility, equipment_id=e.pk,
                               data={"kind": "relocated", "happened_on": "2026-01-07"})  # fmt: skip
    assert set(exc.value.fields) == {"org_unit"}
    equipment_event_record(actor=facility, equipment_id=e.pk,
                           data={"kind": "disposed", "happened_on": "2026-01-08"})  # fmt: skip
    with pytest.raises(Conflict):
        equipment_event_record(actor=facility, equipment_id=e.pk,
                               data={"kind": "check", "happened_on": "2026-01-09"})  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        equipment_create(actor=facility, data={"asset_number": "EQ-9", "name": "x",
                                               "category": "pc", "org_unit": org["O1"].pk})  # fmt: skip
    assert "asset_number" in exc.value.fields
    with pytest.raises(NotFound):
        selectors.access_equipment(actors["outsider_agent"], e.pk)
