"""Writing the problems back into the agencies' Google Sheets (``[google] writeback``).

For each Google Sheets file of the run (not an uploaded Excel file: its marked copy
goes to the outbox as for the inbox) whose problems changed since nscl last wrote them
— to none included — two requests: a ``spreadsheets.get`` for the sheets' IDs and
conditional formats, and one ``batchUpdate`` that

- creates the sheet "Kết quả kiểm tra" the first time (marked as nscl's by developer
  metadata, protected with a warning only), and then replaces it whole: the number of
  errors and warnings, and one row per problem with its level, the rule's title, the
  cell (a link to it, as the text's link: no ``HYPERLINK`` formula), the message, how to
  fix it and the rule's code;
- highlights the problem cells through conditional formatting rules of nscl's own
  (red for errors, yellow for warnings; always true, recognised by their formula),
  deleting the rules nscl wrote before: never accumulated, and the agency's own rules
  left where they are.

Nothing else of the spreadsheet changes: no value, note, fill or format of the agency.
Every text is a ``stringValue`` and every count a ``numberValue``: no cell nscl writes
holds a formula, whatever the agency typed (a task named ``=IMPORTXML(…)`` stays text).
The same problems write the same sheet, so running again changes nothing; unchanged
problems send no request at all. After a write the ledger remembers that nscl's write
is the file's latest change, so that the next night does not take it for the agency's
(:mod:`sync.google_source`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nscl.a1 import parse_a1
from nscl.google.errors import GoogleError, GoogleOutcomeUnknownError
from nscl.marking.results_sheet import OWN_SHEETS, RESULTS_SHEET, problem_sheet
from nscl.problems import SEVERITY_LABELS
from nscl.report import FileReport
from sync.google_state import GoogleFileState, set_writeback
from sync.ledger import Ledger
from sync.logs import LOGGER

if TYPE_CHECKING:
    from nscl.google.session import GoogleApi

__all__ = [
    "MARKER_FORMULA",
    "METADATA_KEY",
    "ResultLine",
    "WriteTarget",
    "lines_digest",
    "plan_requests",
    "result_lines",
    "write_back",
]

# The condition of nscl's highlighting rules: always true, and recognisable (no
# separator, so it reads the same in every locale).
MARKER_FORMULA = '=ISTEXT("nscl-1322")'
METADATA_KEY = "nscl_ket_qua_kiem_tra"  # on nscl's results sheet
_HEADER = ("Mức độ", "Lỗi", "Ô", "Nội dung", "Cách sửa", "Mã (cho cán bộ CNTT)")
_WIDTHS = (90, 190, 80, 420, 320, 150)  # pixels
_ERROR_FILL = {"red": 1.0, "green": 0.78, "blue": 0.81}  # Excel's light red ("Bad")
_WARNING_FILL = {"red": 1.0, "green": 0.92, "blue": 0.61}  # light yellow ("Neutral")
_HEADER_FILL = {"red": 0.85, "green": 0.85, "blue": 0.85}
_FIRST_SHEET_ID = 1322
_CELL_FIELDS = "userEnteredValue,userEnteredFormat,note,textFormatRuns,dataValidation"
_GET_FIELDS = ("sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
               "conditionalFormats,developerMetadata(metadataKey))")
_NONE_TEXT = "Không có lỗi hay cảnh báo."


@dataclass(frozen=True)
class ResultLine:
    """One row of the results sheet."""

    level: str  # "error" | "warning"
    title: str
    sheet: str | None
    cell: str | None
    message: str
    fix: str
    code: str


@dataclass(frozen=True)
class WriteTarget:
    """A Google Sheets file of the run and what to write into it."""

    state: GoogleFileState
    lines: tuple[ResultLine, ...]

    @property
    def digest(self) -> str:
        """What is written, in a word."""
        return lines_digest(self.lines)


def result_lines(report: FileReport, rejection: tuple[str, str] | None = None
                 ) -> tuple[ResultLine, ...]:
    """The results sheet's rows for ``report`` (errors first), and, when the file could
    not be consolidated, the reason as an error (``rejection``: code and reason)."""
    lines: list[ResultLine] = []
    if rejection is not None:
        code, reason = rejection
        lines.append(ResultLine("error", "Tệp không được đưa vào bảng tổng hợp", None, None,
                                reason, "", code))
    ordered = sorted(report.problems, key=lambda p: 0 if p.severity == "error" else 1)
    for problem in ordered:
        if rejection is not None and problem.code == rejection[0]:
            continue  # said once, above
        lines.append(ResultLine(problem.severity, problem.title, problem_sheet(problem, report),
                                problem.cell, problem.statement, problem.fix_sentence,
                                problem.code))
    return tuple(lines)


def lines_digest(lines: Iterable[ResultLine]) -> str:
    """A hash of the rows (the same problems, the same digest)."""
    data = [[x.level, x.title, x.sheet, x.cell, x.message, x.fix, x.code] for x in lines]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


EMPTY_DIGEST = lines_digest(())


# -- the requests ---------------------------------------------------------------------

def _text(value: str, **fmt: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"userEnteredValue": {"stringValue": value}}
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def _number(value: int) -> dict[str, Any]:
    return {"userEnteredValue": {"numberValue": value},
            "userEnteredFormat": {"horizontalAlignment": "LEFT"}}


def _is_ours(rule: dict[str, Any]) -> bool:
    condition = (rule.get("booleanRule") or {}).get("condition") or {}
    values = condition.get("values") or [{}]
    formula = str(values[0].get("userEnteredValue", ""))
    return condition.get("type") == "CUSTOM_FORMULA" and \
        formula.replace(" ", "").upper() == MARKER_FORMULA.upper()


def _cell_range(cell: str, sheet_id: int, rows: int, cols: int) -> dict[str, int] | None:
    """A problem's cell or range ("C12", "$C$12", "A12:K12") as a grid range inside the
    sheet's grid (None when it is not a cell reference or lies outside the grid)."""
    try:
        first, _, last = cell.replace("$", "").partition(":")
        r1, c1 = parse_a1(first)
        r2, c2 = parse_a1(last) if last else (r1, c1)
    except ValueError:
        return None
    r1, r2 = sorted((r1, r2))
    c1, c2 = sorted((c1, c2))
    if r1 >= rows or c1 >= cols:
        return None
    return {"sheetId": sheet_id, "startRowIndex": r1, "endRowIndex": min(r2 + 1, rows),
            "startColumnIndex": c1, "endColumnIndex": min(c2 + 1, cols)}


def _results_rows(lines: Sequence[ResultLine], report_sheet: str | None,
                  ids: dict[str, int]) -> tuple[list[dict[str, Any]], int]:
    """The results sheet's rows (Sheets ``RowData``) and the index of the header row."""
    bold = {"textFormat": {"bold": True}}
    errors = sum(1 for x in lines if x.level == "error")
    rows: list[list[dict[str, Any]]] = [
        [_text("KẾT QUẢ KIỂM TRA CỦA NSCL (CHƯƠNG TRÌNH 1322)",
               textFormat={"bold": True, "fontSize": 13})],
        [_text("nscl ghi lại sheet này sau mỗi lần tổng hợp có kết quả khác trước. Hãy sửa "
               "ở sheet biểu mẫu: mọi thay đổi ở sheet này sẽ bị ghi đè.")],
        [_text("Số lỗi", **bold), _number(errors)],
        [_text("Số cảnh báo", **bold), _number(len(lines) - errors)],
        [],
        [_text(h, textFormat={"bold": True}, backgroundColor=_HEADER_FILL,
               wrapStrategy="WRAP", verticalAlignment="MIDDLE") for h in _HEADER],
    ]
    header = len(rows) - 1
    wrap = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    for line in lines:
        where = ""
        cell: dict[str, Any] = _text("", **wrap)
        if line.cell:
            where = line.cell if line.sheet == report_sheet or line.sheet is None \
                else f"{line.sheet}!{line.cell}"
            sheet_id = ids.get(line.sheet or "")
            link = {"link": {"uri": f"#gid={sheet_id}&range={line.cell.replace('$', '')}"}} \
                if sheet_id is not None and line.sheet not in OWN_SHEETS else {}
            cell = _text(where, verticalAlignment="TOP", textFormat=link) if link \
                else _text(where, **wrap)
        rows.append([
            _text(SEVERITY_LABELS.get(line.level, line.level), **wrap),
            _text(line.title, **wrap),
            cell,
            _text(line.message, **wrap),
            _text(line.fix, **wrap),
            _text(line.code, **wrap),
        ])
    if not lines:
        rows.append([_text(_NONE_TEXT)])
    return [{"values": row} for row in rows], header


def plan_requests(spreadsheet: dict[str, Any], lines: Sequence[ResultLine],
                  report_sheet: str | None) -> list[dict[str, Any]]:
    """The requests of the one ``batchUpdate`` that writes ``lines`` into a spreadsheet
    whose structure ``spreadsheets.get`` gave as ``spreadsheet``."""
    sheets = spreadsheet.get("sheets") or []
    props = {s["properties"]["title"]: s["properties"] for s in sheets}
    ids = {title: int(p.get("sheetId", 0)) for title, p in props.items()}
    requests: list[dict[str, Any]] = []
    # nscl's earlier highlighting goes, from the last rule up (indexes stay right).
    for sheet in sheets:
        sheet_id = int(sheet["properties"].get("sheetId", 0))
        rules = sheet.get("conditionalFormats") or []
        for index in reversed(range(len(rules))):
            if _is_ours(rules[index]):
                requests.append({"deleteConditionalFormatRule": {"sheetId": sheet_id,
                                                                 "index": index}})
    ours = next((s["properties"] for s in sheets if any(
        m.get("metadataKey") == METADATA_KEY for m in s.get("developerMetadata") or [])),
        props.get(RESULTS_SHEET))
    rows, header = _results_rows(lines, report_sheet, ids)
    grid = {"rowCount": len(rows) + 1, "columnCount": len(_HEADER),
            "frozenRowCount": header + 1}
    if ours is None:
        sheet_id = _FIRST_SHEET_ID
        while sheet_id in ids.values():
            sheet_id += 1
        requests += [
            {"addSheet": {"properties": {"sheetId": sheet_id, "title": RESULTS_SHEET,
                                         "index": len(sheets), "gridProperties": grid}}},
            {"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": METADATA_KEY, "metadataValue": "1",
                "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT"}}},
            {"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": sheet_id}, "warningOnly": True,
                "description": "Kết quả kiểm tra do nscl ghi: sửa ở sheet biểu mẫu."}}},
        ]
    else:
        sheet_id = int(ours.get("sheetId", 0))
        fields = "gridProperties(rowCount,columnCount,frozenRowCount)"
        properties: dict[str, Any] = {"sheetId": sheet_id, "gridProperties": grid}
        if ours.get("title") != RESULTS_SHEET and RESULTS_SHEET not in props:
            properties["title"] = RESULTS_SHEET  # renamed by someone: named back
            fields += ",title"
        requests += [
            {"unmergeCells": {"range": {"sheetId": sheet_id}}},
            {"updateSheetProperties": {"properties": properties, "fields": fields}},
        ]
    requests += [
        {"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i,
                      "endIndex": i + 1},
            "properties": {"pixelSize": width}, "fields": "pixelSize"}}
        for i, width in enumerate(_WIDTHS)]
    requests.append({"updateCells": {"range": {"sheetId": sheet_id}, "rows": rows,
                                     "fields": _CELL_FIELDS}})
    requests += _highlights(lines, sheets)
    return requests


def _highlights(lines: Sequence[ResultLine], sheets: list[dict[str, Any]]
                ) -> list[dict[str, Any]]:
    """nscl's highlighting rules: per sheet, the error cells red, then the other
    warning cells yellow, first in the sheet's list (they show over the agency's)."""
    grids = {s["properties"]["title"]: s["properties"] for s in sheets}
    cells: dict[str, dict[str, list[dict[str, int]]]] = {}
    for line in lines:
        props = grids.get(line.sheet or "")
        if not line.cell or props is None or line.sheet in OWN_SHEETS:
            continue
        grid = props.get("gridProperties") or {}
        found = _cell_range(line.cell, int(props.get("sheetId", 0)),
                            int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26)))
        if found is None:
            continue
        by_level = cells.setdefault(str(line.sheet), {"error": [], "warning": []})
        kind = "error" if line.level == "error" else "warning"
        if found not in by_level[kind]:
            by_level[kind].append(found)
    requests: list[dict[str, Any]] = []
    for by_level in cells.values():
        warnings = [r for r in by_level["warning"] if r not in by_level["error"]]
        index = 0
        for ranges, fill in ((by_level["error"], _ERROR_FILL), (warnings, _WARNING_FILL)):
            if not ranges:
                continue
            requests.append({"addConditionalFormatRule": {"index": index, "rule": {
                "ranges": ranges,
                "booleanRule": {
                    "condition": {"type": "CUSTOM_FORMULA",
                                  "values": [{"userEnteredValue": MARKER_FORMULA}]},
                    "format": {"backgroundColor": fill}}}}})
            index += 1
    return requests


# -- the run's write-back -------------------------------------------------------------

def write_back(api: GoogleApi, targets: Iterable[tuple[WriteTarget, str | None]], *,
               ledger: Ledger | None, now: str) -> dict[str, Any]:
    """Write each target whose problems changed (``(target, report's table sheet)``);
    return ``{"written": [links], "failed": [{"file", "reason"}]}`` (only what was
    attempted). A failure is logged and retried next run; it never stops the run."""
    written: list[str] = []
    failed: list[dict[str, str]] = []
    for target, report_sheet in targets:
        state = target.state
        digest = target.digest
        if digest == (state.writeback_digest or EMPTY_DIGEST) and not state.writeback_due:
            continue
        try:
            found = api.sheets.get_spreadsheet(state.file_id, fields=_GET_FIELDS)
            api.sheets.batch_update(state.file_id,
                                    plan_requests(found, target.lines, report_sheet),
                                    response_fields="spreadsheetId")
        except GoogleOutcomeUnknownError as exc:
            # Maybe written: the next run writes again (the same sheet), and nscl's write
            # may be the file's latest change.
            LOGGER.warning("không rõ đã ghi kết quả kiểm tra vào %s chưa: %s", state.link, exc)
            failed.append({"file": state.link, "reason": str(exc)})
            if ledger is not None:
                set_writeback(ledger, state.file_id, digest=None, at=now, self_write=True,
                              due=True)
            continue
        except Exception as exc:  # a write-back never stops the run (logged, retried)
            if isinstance(exc, GoogleError):
                reason = str(exc)
                LOGGER.warning("chưa ghi được kết quả kiểm tra vào %s: %s", state.link, exc)
            else:
                reason = ("lỗi nội bộ của nscl khi ghi kết quả (mã lỗi kỹ thuật: "
                          f"{type(exc).__name__}), xem nhật ký")
                LOGGER.exception("lỗi khi ghi kết quả kiểm tra vào %s", state.link)
            failed.append({"file": state.link, "reason": reason})
            if ledger is not None:
                set_writeback(ledger, state.file_id, digest=state.writeback_digest,
                              at=state.writeback_at, self_write=state.self_write, due=True)
            continue
        LOGGER.info("đã ghi kết quả kiểm tra (%d dòng) vào %s", len(target.lines), state.link)
        written.append(state.link)
        if ledger is not None:
            set_writeback(ledger, state.file_id, digest=digest, at=now, self_write=True,
                          due=False)
    out: dict[str, Any] = {}
    if written:
        out["written"] = written
    if failed:
        out["failed"] = failed
    return out
