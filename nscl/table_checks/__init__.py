"""Read the rows of a located table form (Form A, or Form C) and check them.

``check_table(grid, loc, *, sheet, file, options) -> TableResult`` runs the steps:

* :mod:`.units`: the units the table declares (amounts in đồng, durations in years);
* :mod:`.rows`: row classification: which rows are tasks, totals rows, section
  headings, notes or the signature footer; content lines joined to their task;
  sub-items counted instead of their group;
* :mod:`.columns`: column parsing: text, money, duration and Stt, with fast paths;
* :mod:`.cross_row`: checks across rows: computed columns, duplicates, totals,
  columns the form does not have, hidden rows, formulas without results;
* :mod:`.context`: what the steps share: options, where each column is, the problems.

Every rule's code is in :mod:`nscl.rules`; the columns, their roles and computed
columns come from the form description (:mod:`nscl.forms`).
"""

from nscl.numbers import MAX_AMOUNT
from nscl.table_checks.context import TableOptions, TableResult
from nscl.table_checks.rows import FOOTER_PATTERN
from nscl.table_checks.run import check_table

__all__ = ["FOOTER_PATTERN", "MAX_AMOUNT", "TableOptions", "TableResult", "check_table"]
