"""Benchmark: ``validate_path`` on a 10,000-row Form A workbook vs a plain calamine read.

Usage::

    .venv/bin/python bench/validate_bench.py [--rows 10000] [--repeat 5]

Builds the workbook (retyped-style: rows above the table, merged two-row header, number
row, a mix of real numbers, Vietnamese text numbers and durations in words), then prints
the best-of-N time of (a) python-calamine opening the file and reading the sheet, and
(b) ``nscl.validation.validate_path`` (safety checks, identity, locating, parsing every
cell, rules, budget). Target: ratio (b)/(a) <= 2.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

TASK_NAMES = [
    "Hỗ trợ doanh nghiệp ngành dệt may áp dụng công cụ cải tiến năng suất Lean",
    "Xây dựng mô hình điểm năng suất xanh cho doanh nghiệp chế biến gỗ",
    "Đào tạo chuyên gia năng suất cho doanh nghiệp nhỏ và vừa",
    "Xây dựng tiêu chuẩn quốc gia về sản phẩm halal",
]


def build(path: Path, rows: int, *, clean: bool = False) -> None:
    """Write a Form A workbook with ``rows`` tasks (XlsxWriter, constant memory).

    Unless ``clean``, every 10th NSNN is typed as Vietnamese text and every 3rd duration
    as "24 tháng", as agencies do (1,000 number-as-text warnings on 10,000 rows).
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Bieu tong hop")
    ws.write_row(0, 0, ["UBND TỈNH NGHỆ AN", None, None, None, None,
                        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.write(3, 0, "BẢNG TỔNG HỢP DANH MỤC ĐỀ XUẤT NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ CẤP QUỐC GIA"
                   " DỰ KIẾN THỰC HIỆN TỪ NĂM 2026 THUỘC CHƯƠNG TRÌNH 1322")
    ws.write_row(5, 0, ["Stt", "Tên nhiệm vụ\n(sắp xếp theo thứ tự ưu tiên)",
                        "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
                        "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện",
                        "Dự kiến kinh phí (triệu đồng)", None, None, "Ghi chú"])
    ws.write_row(6, 0, [None] * 7 + ["Tổng số", "NSNN", "Đối ứng"])
    ws.write_row(7, 0, [f"({i})" for i in range(1, 12)])
    for i in range(rows):
        r = 8 + i
        state = 1000 + (i % 97) * 10.5
        counterpart = 200 + (i % 13) * 5
        text_number = not clean and i % 10 == 0
        ws.write_row(r, 0, [
            i + 1,
            f"{TASK_NAMES[i % 4]} (đợt {i + 1})",
            "Viện Năng suất Việt Nam; Hiệp hội doanh nghiệp tỉnh",
            "Nâng năng suất lao động của doanh nghiệp thêm 10%",
            "Đào tạo, tư vấn áp dụng Lean, 5S, Kaizen tại doanh nghiệp",
            "20 doanh nghiệp áp dụng thành công; 01 bộ tài liệu hướng dẫn",
            "24 tháng" if not clean and i % 3 == 0 else 24,
            state + counterpart,
            f"{state:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
            if text_number else state,
            counterpart,
            "",
        ])
    wb.close()


def plain_read(path: Path) -> int:
    """What any reader must do: open with calamine and read the sheet."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    book.close()
    return len(rows)


def best_of(repeat: int, fn: object, *args: object) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from nscl.validation import validate_path

    print(f"rows: {args.rows:,}   best of {args.repeat}")
    for clean in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "form_a_bench.xlsx"
            build(path, args.rows, clean=clean)
            report = validate_path(path, year=2026)  # warm-up, and a sanity check
            assert report.summary.tasks == args.rows, report.summary
            assert not report.errors, report.errors[:3]
            read = best_of(args.repeat, plain_read, path)
            validate = best_of(args.repeat, validate_path, path)
            size_kb = path.stat().st_size / 1024
        label = "clean file" if clean else "agency-style file (text numbers, durations in words)"
        print(f"\n{label}: {size_kb:,.0f} KB, {len(report.warnings):,} warnings")
        print(f"  calamine read:   {read * 1000:8.1f} ms")
        print(f"  nscl validate:   {validate * 1000:8.1f} ms")
        print(f"  ratio:           {validate / read:8.2f}   (target <= 2)")


if __name__ == "__main__":
    main()
