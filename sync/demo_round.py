"""The report round of ``nscl demo``: three years of annual reports (Form B), 2024-2026.

A handful of agencies report every year, in the template, a workbook retyped by a clerk
or a Word document (:mod:`sync.demo_reports`). Quảng Nam and Đà Nẵng report separately
for 2024 and, merged into the new Thành phố Đà Nẵng on 1/7/2025, together from 2025 (in
Word): the new city's cumulative figures continue the sum of the two old ones. Nghệ An's
2026 report, retyped, breaks the continuity of one cumulative figure; Quảng Ninh's 2026
report has a cumulative figure below the year's; Hà Nội sends nothing in 2026. Each year
is consolidated into the same state folder, so that each round is checked against the
one before; the last round's master and draft national report are left in
``<out>/master``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sync.config import SyncConfig, load_config
from sync.demo_reports import ReportData, write_report

__all__ = ["ROUND_FOLDER", "ROUND_YEARS", "ReportRound", "write_report_round"]

ROUND_FOLDER = "bao-cao-nam"
ROUND_YEARS = (2024, 2025, 2026)
VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class _Reporter:
    code: str
    years: tuple[int, ...]
    scale: float  # how large its figures are
    layout: dict[int, str] = field(default_factory=dict)  # year -> layout (default template)
    header: str = ""  # how a retyped or Word report names the agency
    rate: float | None = None  # the % of TCVN harmonised it reports (the Ministry of S&T)


_REPORTERS: tuple[_Reporter, ...] = (
    _Reporter("bo-cong-thuong", ROUND_YEARS, 3.0),
    _Reporter("bo-khoa-hoc-va-cong-nghe", ROUND_YEARS, 4.0, rate=60.0),
    _Reporter("tp-ha-noi", (2024, 2025), 2.5),
    _Reporter("tinh-quang-ninh", ROUND_YEARS, 1.2),
    _Reporter("tinh-nghe-an", ROUND_YEARS, 1.0, {2026: "retyped"}, "UBND TỈNH NGHỆ AN"),
    _Reporter("tinh-quang-nam", (2024,), 0.8),
    _Reporter("tp-da-nang-cu", (2024,), 1.1),
    _Reporter("tp-da-nang", (2025, 2026), 2.0, {2025: "word", 2026: "word"},
              "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG"),
)
# Per indicator: the year's value for an agency of scale 1 in 2024, and its yearly growth.
_BASE: dict[str, tuple[float, float]] = {
    "policy_documents": (2, 0.0),
    "events": (4, 0.1),
    "event_participants": (350, 0.1),
    "media_items": (40, 0.15),
    "enterprises_supported": (45, 0.12),
    "iso_certificates": (18, 0.1),
    "pilot_models": (2, 0.0),
    "experts_certified": (9, 0.2),
    "trainees": (420, 0.1),
    "schools": (1, 0.0),
    "curricula": (2, 0.0),
    "national_standards": (6, 0.1),
    "intl_activities": (1, 0.0),
    "budget_central": (650, 0.08),
    "budget_local": (420, 0.1),
    "budget_counterpart": (380, 0.12),
}
# Cumulative since 2021 before 2024, as a multiple of the 2024 value.
_BEFORE_2024 = 2.6


def _value(key: str, scale: float, year: int) -> float:
    base, growth = _BASE[key]
    value = base * scale * (1 + growth) ** (year - ROUND_YEARS[0])
    return round(value, 1) if key.startswith("budget") else float(round(value))


def _figures() -> dict[tuple[str, int], dict[str, tuple[float, float]]]:
    """Every report's (year value, cumulative) by indicator, consistent across the years
    (the merged city continuing its predecessors), but for the planted mistakes."""
    cumulative: dict[tuple[str, str], float] = {}
    out: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}
    for year in ROUND_YEARS:
        for reporter in _REPORTERS:
            if year not in reporter.years:
                continue
            values: dict[str, tuple[float, float]] = {}
            for key in _BASE:
                value = _value(key, reporter.scale, year)
                if reporter.code == "tp-da-nang" and year == 2025:
                    before = sum(cumulative[(old, key)] for old in ("tinh-quang-nam",
                                                                     "tp-da-nang-cu"))
                else:
                    first = value * _BEFORE_2024
                    before = cumulative.get((reporter.code, key), round(first, 1)
                                            if key.startswith("budget") else float(round(first)))
                total = round(before + value, 1)
                cumulative[(reporter.code, key)] = total
                values[key] = (value, total)
            out[(reporter.code, year)] = values
    # Planted mistakes: Nghệ An's 2026 cumulative of enterprises does not continue 2025's
    # (a warning); Quảng Ninh's 2026 cumulative of experts is below the year's (an error).
    value, total = out[("tinh-nghe-an", 2026)]["enterprises_supported"]
    out[("tinh-nghe-an", 2026)]["enterprises_supported"] = (value, total + 25)
    value, _ = out[("tinh-quang-ninh", 2026)]["experts_certified"]
    out[("tinh-quang-ninh", 2026)]["experts_certified"] = (value, value - 4)
    return out


def _narratives(reporter: _Reporter, year: int,
                values: dict[str, tuple[float, float]]) -> dict[str, str]:
    from nscl.numbers import format_number as n
    from nscl.registry import get_agency

    name = get_agency(reporter.code).name
    local = "Bộ" if reporter.code.startswith("bo-") else "Ủy ban nhân dân"
    y = {key: n(v[0]) for key, v in values.items()}
    c = {key: n(v[1]) for key, v in values.items()}
    return {
        "leadership_plan":
            f"{local} đã ban hành Kế hoạch triển khai Chương trình năm {year}, giao nhiệm vụ"
            " cụ thể cho các đơn vị trực thuộc, gắn với chỉ tiêu nâng cao năng suất lao động"
            f" của {name}.",
        "leadership_documents":
            f"Ban hành {y['policy_documents']} văn bản chỉ đạo, hướng dẫn về năng suất chất"
            " lượng; kiện toàn Ban chỉ đạo thực hiện Chương trình.",
        "leadership_integration":
            "Lồng ghép nhiệm vụ của Chương trình với chương trình khuyến công, chương trình"
            " chuyển đổi số và đề án hỗ trợ doanh nghiệp nhỏ và vừa.",
        "g21": f"Ban hành {y['policy_documents']} văn bản cơ chế, chính sách hỗ trợ doanh"
               " nghiệp nâng cao năng suất chất lượng (lũy kế từ năm 2021: "
               f"{c['policy_documents']} văn bản).",
        "g22": f"Tổ chức {y['events']} hội nghị, hội thảo với {y['event_participants']} lượt"
               f" người tham dự; đăng tải {y['media_items']} tin, bài trên báo, đài và cổng"
               " thông tin điện tử.",
        "g23": f"Hỗ trợ {y['enterprises_supported']} doanh nghiệp áp dụng ISO 9001, ISO 14001"
               f", công cụ Lean, 5S, Kaizen; {y['iso_certificates']} doanh nghiệp được cấp"
               f" chứng chỉ; xây dựng {y['pilot_models']} mô hình điểm về năng suất chất"
               " lượng.\nCác doanh nghiệp tham gia giảm 8-15% tiêu hao nguyên liệu, năng"
               " lượng; năng suất lao động tăng bình quân 10%.",
        "g24": f"Đào tạo, chứng nhận {y['experts_certified']} chuyên gia năng suất; bồi dưỡng"
               f" kiến thức năng suất chất lượng cho {y['trainees']} lượt người.",
        "g25": f"Xây dựng {y['national_standards']} dự thảo tiêu chuẩn; nâng cao năng lực"
               " cho các tổ chức đánh giá sự phù hợp trên địa bàn.",
        "g26": f"Tham gia {y['intl_activities']} hoạt động hợp tác quốc tế về năng suất chất"
               " lượng với APO.",
        "assessment_year":
            f"Năm {year} hoàn thành các chỉ tiêu đề ra; số doanh nghiệp được hỗ trợ tăng so"
            " với năm trước.",
        "assessment_cumulative":
            f"Lũy kế từ năm 2021 đã hỗ trợ {c['enterprises_supported']} doanh nghiệp, đào tạo"
            f" {c['experts_certified']} chuyên gia năng suất, đạt tiến độ kế hoạch giai đoạn"
            " 2021-2025.",
        "shortcomings": "Nguồn lực cho hoạt động năng suất chất lượng còn hạn chế; doanh"
                        " nghiệp nhỏ và vừa chưa chủ động tham gia.",
        "causes": "Kinh phí bố trí hằng năm thấp; nhận thức của một bộ phận doanh nghiệp về"
                  " năng suất chất lượng chưa đầy đủ.",
        "direction": f"Năm {year + 1} tiếp tục hỗ trợ doanh nghiệp chuyển đổi số, sản xuất"
                     " xanh, kinh tế tuần hoàn.",
        "solutions": "Lồng ghép nhiệm vụ của Chương trình với các chương trình khoa học và"
                     " công nghệ, khuyến công; tăng cường truyền thông.",
        "recommendations": "Đề nghị Bộ Khoa học và Công nghệ hướng dẫn tiêu chí lựa chọn mô"
                           " hình điểm và bố trí kinh phí đối ứng cho địa phương.",
    }


@dataclass
class ReportRound:
    """What the report round wrote: each year's inbox and configuration."""

    root: Path
    configs: dict[int, SyncConfig] = field(default_factory=dict)
    config_paths: dict[int, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _touch(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def write_report_round(out: Path) -> ReportRound:
    """Write three years of reports under ``out/bao-cao-nam`` and one configuration per
    year (the last year's master in ``out/master``); return where things are."""
    from nscl.registry import get_agency

    root = out / ROUND_FOLDER
    round_ = ReportRound(root)
    figures = _figures()
    for year in ROUND_YEARS:
        inbox = root / str(year) / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        codes: list[str] = []
        for n, reporter in enumerate(_REPORTERS):
            if year not in reporter.years:
                continue
            values = dict(figures[(reporter.code, year)])
            if reporter.rate is not None:
                rate = reporter.rate + 2.5 * (year - ROUND_YEARS[0])
                values["harmonised_rate"] = (rate, rate)
            layout = reporter.layout.get(year, "template")
            data = ReportData(reporter.code, year,
                              _narratives(reporter, year, values), values,
                              header=reporter.header)
            suffix = ".docx" if layout == "word" else ".xlsx"
            name = get_agency(reporter.code).short_name
            path = write_report(inbox / f"Bao cao {year} - {name}{suffix}", data, layout)
            _touch(path, datetime(year, 11, 20 + n % 8, 9, 30, tzinfo=VN))
            codes.append(reporter.code)
            if layout != "template":
                kind = "văn bản Word" if layout == "word" else "bảng tính tự gõ lại"
                round_.notes.append(f"{year}: {get_agency(reporter.code).name} gửi {kind}")
        if year == ROUND_YEARS[-1]:
            codes.append("tp-ha-noi")  # expected, sends nothing
            master = out / "master" / f"bao-cao-ket-qua-{year}.xlsx"
        else:
            master = root / str(year) / f"bao-cao-ket-qua-{year}.xlsx"
        config_path = root / f"nscl-bao-cao-{year}.toml"
        listed = ",\n".join(f'    "{c}"' for c in dict.fromkeys(codes))
        config_path.write_text(
            f"# Đợt báo cáo năm {year} (Mẫu B) do «nscl demo» tạo.\n"
            "[sync]\n"
            f'form = "B"\n'
            f"year = {year}\n"
            f'inbox = "{year}/inbox"\n'
            f'master = "{os.path.relpath(master, root)}"\n'
            'state = "state"\n'
            f'outbox = "{year}/phan-hoi"\n'
            f"deadline = {year}-11-30T17:00:00+07:00\n\n"
            "[agencies]\n"
            f"expected = [\n{listed},\n]\n",
            encoding="utf-8",
        )
        round_.configs[year] = load_config(config_path)
        round_.config_paths[year] = config_path
    round_.notes.append("2025: Tỉnh Quảng Nam và Thành phố Đà Nẵng (cũ) hợp nhất thành Thành phố"
                        " Đà Nẵng: lũy kế năm 2025 nối tiếp tổng lũy kế năm 2024 của hai đơn vị")
    round_.notes.append("2026: lũy kế số doanh nghiệp được hỗ trợ của Tỉnh Nghệ An không nối "
                        "tiếp năm 2025; Tỉnh Quảng Ninh ghi lũy kế chuyên gia nhỏ hơn số của năm;"
                        " Thành phố Hà Nội chưa nộp")
    return round_
