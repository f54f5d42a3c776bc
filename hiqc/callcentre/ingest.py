"""Reading and checking call records from the telephony system (pure: no database).

``read_rows`` turns a byte stream (an uploaded file, a request body, a file on disk) of CSV with a
header row or of JSON lines into ``(line number, mapping)`` pairs one line at a time, so memory
stays flat whatever the size. ``CallChecker.check`` turns one mapping into a ``CleanCall`` or a
``Rejection`` naming the line, the field and the reason. The bulk import (``services``) and any
single-call path share this one set of rules.

Times: ISO 8601 (``2026-03-02 09:15:03``, ``2026-03-02T09:15:03+08:00``, ``…Z``); a time without
an offset is Beijing time, as telephony exports are. Booleans: true/false, 1/0, yes/no, 是/否,
empty = false.
"""

from __future__ import annotations

import csv
import json
import math
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.calendar import BEIJING
from hiqc.core.textfiles import UnreadableText, csv_reader, text_stream

from .enums import CallQueue, ImportFormat

COLUMNS = (
    "call_id",
    "queue",
    "org_unit",
    "offered_at",
    "answered_at",
    "ended_at",
    "agent",
    "abandoned",
    "ivr_only",
)
REQUIRED_COLUMNS = ("call_id", "queue", "org_unit", "offered_at")
SLOT_SECONDS = 900  # one 15-minute interval
BEIJING_OFFSET_SLOTS = 32  # UTC+8 in quarter-hours
SLOTS_PER_DAY = 96
MAX_ID_LENGTH = 64
FUTURE_TOLERANCE = timedelta(hours=1)
# Beijing time as a fixed offset (no daylight saving since 1991): arithmetic and comparisons
# between times of one fixed-offset tzinfo skip the zone look-ups of ZoneInfo
_UTC8 = timezone(timedelta(hours=8))
_TRUE = frozenset({"1", "true", "t", "yes", "y", "是"})
_FALSE = frozenset({"", "0", "false", "f", "no", "n", "否"})
_QUEUES = {q.value: q.value for q in CallQueue} | {
    "咨询": "consultation",
    "投诉": "complaint",
    "理赔": "claims",
    "其他": "other",
}


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    problem: str


@dataclass(frozen=True)
class UnitRef:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class CleanCall:
    call_id: str
    queue: str
    org_unit_id: uuid.UUID
    offered_at: datetime  # aware (Beijing or UTC)
    answered_at: datetime | None
    ended_at: datetime | None
    agent: str
    abandoned: bool
    ivr_only: bool
    wait_s: int | None
    handle_s: int | None
    offered_slot: int


class FileProblem(ValueError):
    """The file as a whole cannot be read (e.g. a CSV header without the required columns)."""


def slot_of(moment: datetime) -> int:
    """Quarter-hours since 1970-01-01 UTC (also a Beijing 15-minute interval: UTC+8 is whole)."""
    return math.floor(moment.timestamp() / SLOT_SECONDS)


def slot_start(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * SLOT_SECONDS, tz=UTC).astimezone(BEIJING)


def beijing_day_index(slot: int) -> int:
    return (slot + BEIJING_OFFSET_SLOTS) // SLOTS_PER_DAY


def _as_text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def read_rows(
    source: Any,
    file_format: str,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, Mapping[str, str] | Rejection]]:
    """(line number, row of strings or Rejection) for every non-blank line after the header.
    ``source``: an object with ``read(n)`` or an iterable of byte chunks."""
    if file_format not in (ImportFormat.CSV, ImportFormat.JSONL):
        raise FileProblem(_("不支持的格式：{format}").format(format=file_format))
    try:
        lines = text_stream(source, on_bytes)
    except UnreadableText as exc:  # UTF-16 without a BOM, a workbook…: said as such
        raise FileProblem(str(exc)) from exc
    if file_format == ImportFormat.JSONL:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except ValueError:
                yield number, Rejection(number, "", _("不是有效的 JSON"))
                continue
            if not isinstance(value, dict):
                yield number, Rejection(number, "", _("每行必须是一个 JSON 对象"))
                continue
            yield number, {str(k): _as_text(v) for k, v in value.items()}
        return
    reader = csv_reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise FileProblem(_("无法读取表头：{error}").format(error=exc)) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileProblem(_("表头缺少列：{columns}").format(columns=", ".join(missing)))
    width = len(header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, Rejection(reader.line_num, "", str(exc))
            continue
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            number = reader.line_num
            problem = _("应有 {expected} 列，实有 {actual} 列").format(
                expected=width, actual=len(row)
            )
            yield number, Rejection(number, "", problem)
            continue
        yield reader.line_num, dict(zip(header, row, strict=True))


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_UTC8)  # telephony exports are in Beijing time
    return moment.astimezone(UTC)  # normalised: PostgreSQL refuses offsets beyond ±15:59


class CallChecker:
    """The rules every call record must pass (CC-3 needs offered / answered / ended times that
    are consistent, a known queue and an org unit the importer may import for)."""

    def __init__(
        self,
        units: Mapping[str, UnitRef],
        *,
        may_import: Callable[[str], bool],
        now: datetime,
    ) -> None:
        self._units = units
        self._may_import = may_import
        self._allowed: dict[str, bool] = {}
        self._latest = now + FUTURE_TOLERANCE

    def check(self, line: int, row: Mapping[str, str]) -> CleanCall | Rejection:
        """One row of strings (as ``read_rows`` yields them) → a clean call or the first
        problem found. Written for speed: it runs once per row of files with millions."""
        get = row.get
        call_id = get("call_id", "").strip()
        if not call_id:
            return Rejection(line, "call_id", _("缺少呼叫编号"))
        if len(call_id) > MAX_ID_LENGTH:
            return Rejection(line, "call_id", _("呼叫编号超过 64 个字符"))
        if "\ufffd" in call_id:
            return Rejection(line, "call_id", _("无法识别的字符编码（请使用 UTF-8）"))
        raw_queue = get("queue", "").strip()
        queue = _QUEUES.get(raw_queue) or _QUEUES.get(raw_queue.lower())
        if queue is None:
            return Rejection(line, "queue", _("未知队列：{value}").format(value=raw_queue[:40]))
        code = get("org_unit", "").strip()
        unit = self._units.get(code)
        if unit is None:
            return Rejection(line, "org_unit", _("未知机构代码：{value}").format(value=code[:40]))
        allowed = self._allowed.get(code)
        if allowed is None:
            allowed = self._allowed[code] = self._may_import(unit.path)
        if not allowed:
            return Rejection(
                line, "org_unit", _("无权导入该机构的话务数据：{value}").format(value=code)
            )
        value = get("offered_at", "").strip()
        if not value:
            return Rejection(line, "offered_at", _("缺少进线时间"))
        try:
            offered = _time(value)
        except ValueError:
            return _bad_time(line, "offered_at", value)
        answered = ended = None
        value = get("answered_at", "").strip()
        if value:
            try:
                answered = _time(value)
            except ValueError:
                return _bad_time(line, "answered_at", value)
        value = get("ended_at", "").strip()
        if value:
            try:
                ended = _time(value)
            except ValueError:
                return _bad_time(line, "ended_at", value)
        if offered > self._latest:
            return Rejection(line, "offered_at", _("进线时间晚于当前时间"))
        value = get("abandoned", "").strip().lower()
        if value in _FALSE:
            abandoned = False
        elif value in _TRUE:
            abandoned = True
        else:
            return _bad_flag(line, "abandoned", value)
        value = get("ivr_only", "").strip().lower()
        if value in _FALSE:
            ivr_only = False
        elif value in _TRUE:
            ivr_only = True
        else:
            return _bad_flag(line, "ivr_only", value)
        wait_s = handle_s = None
        if answered is not None:
            if answered < offered:
                return Rejection(line, "answered_at", _("接通时间早于进线时间"))
            if abandoned:
                return Rejection(line, "abandoned", _("已接通的来话不能标记为放弃"))
            if ivr_only:
                return Rejection(line, "ivr_only", _("已由坐席接通的来话不能标记为仅自助语音"))
            if ended is None:
                return Rejection(line, "ended_at", _("已接通的来话缺少结束时间"))
            if ended < answered:
                return Rejection(line, "ended_at", _("结束时间早于接通时间"))
            wait_s = math.ceil((answered - offered).total_seconds())
            handle_s = round((ended - answered).total_seconds())
        elif ended is None:
            if abandoned:
                return Rejection(line, "ended_at", _("放弃的来话缺少结束时间"))
        elif ended < offered:
            return Rejection(line, "ended_at", _("结束时间早于进线时间"))
        elif abandoned:
            wait_s = math.ceil((ended - offered).total_seconds())
        agent = get("agent", "").strip()
        if len(agent) > MAX_ID_LENGTH:
            return Rejection(line, "agent", _("坐席工号超过 64 个字符"))
        return CleanCall(
            call_id,
            queue,
            unit.id,
            offered,
            answered,
            ended,
            agent,
            abandoned,
            ivr_only,
            wait_s,
            handle_s,
            math.floor(offered.timestamp() / SLOT_SECONDS),
        )


def _bad_time(line: int, field: str, value: str) -> Rejection:
    return Rejection(line, field, _("时间格式无效：{value}").format(value=value[:40]))


def _bad_flag(line: int, field: str, value: str) -> Rejection:
    return Rejection(line, field, _("应为 true 或 false：{value}").format(value=value[:20]))
