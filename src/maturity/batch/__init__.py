"""Consultant batch work: answer-sheet templates, reading filled sheets, scoring many enterprises, summaries.

Pure logic lives here; the commands are in :mod:`maturity.cli.batch`. openpyxl is imported inside the
functions that need it so that the CLI starts fast.

- :mod:`.sheet`   blank answer sheets (xlsx with dropdowns and range checks, or csv)
- :mod:`.reader`  filled sheets / csv / answer-file folders -> one AnswersFile or row errors per enterprise
- :mod:`.runner`  scoring in a process pool, streaming, resumable
- :mod:`.cohort`  level distribution, quartiles, percentiles (groups < 5 not reported separately)
- :mod:`.export`  summary.xlsx / summary.csv, safe per-enterprise file names
"""

from maturity.batch.cells import neutralise

__all__ = ["neutralise"]
