"""The Excel add-in of nscl: ribbon buttons and worksheet functions.

The marking of a workbook (red and yellow cells, notes, "Kết quả kiểm tra") is not
add-in code: it lives in :mod:`nscl.marking`, written against a small workbook interface
that the add-in implements over the live Excel workbook. Layout:

- :mod:`xl.xlwings_book`: :class:`nscl.marking.workbook_api.WorkbookAccess` over the
  workbook open in Excel, through Excel's object model (``xw.Book.caller().api``), in
  bulk reads and writes, lifting and restoring sheet protection.
- :mod:`xl.snapshot`: copies the values of a live workbook into a temporary .xlsx so the
  validation engine reads exactly what the user sees, saved or not.
- :mod:`xl.button`: the ribbon callbacks ``kiem_tra()`` and ``chuan_hoa()`` (run by
  xlwings' ``RunPython`` from the add-in's VBA).
- :mod:`xl.udfs`: worksheet functions (``NSCL_TONG`` …) registered for xlwings;
  :mod:`xl.udf_vba` writes their VBA wrappers into the add-in at build time, and
  :mod:`xl.vba_text` the Vietnamese messages the VBA shows itself.
- :mod:`xl.build` / :mod:`xl.install` / :mod:`xl.commands`: ``nscl addin build|install``.

The add-in's VBA modules and ribbon XML are reviewed text in ``macros/``.
"""
