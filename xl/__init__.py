"""The Excel add-in of nscl: ribbon buttons, worksheet functions and workbook marking.

Layout:

- :mod:`xl.workbook_api`: the small workbook interface the marking logic is written against.
- :mod:`xl.openpyxl_book` / :mod:`xl.xlwings_book`: its two implementations (files on disk
  for the nightly job, the live Excel workbook for the ribbon button).
- :mod:`xl.marking`: marks a workbook from a validation report (fills empty Tổng số cells,
  colours error/warning cells, notes, the "Kết quả kiểm tra" sheet), written once;
  :func:`xl.marking.annotate_copy` writes a marked copy of a file.
- :mod:`xl.snapshot`: copies the values of a live workbook into a temporary .xlsx so the
  validation engine reads exactly what the user sees, saved or not.
- :mod:`xl.button`: the ribbon callbacks ``kiem_tra()`` and ``chuan_hoa()`` (run by
  xlwings' ``RunPython`` from the add-in's VBA).
- :mod:`xl.udfs`: worksheet functions (``NSCL_TONG`` …) registered for xlwings.
- :mod:`xl.build` / :mod:`xl.install` / :mod:`xl.commands`: ``nscl addin build|install``.

The add-in's VBA modules and ribbon XML are reviewed text in ``macros/``.
"""
