"""Reports: documents written from records on disk, never from a live simulation.

* :mod:`~simsoft.reports.document`: the block model (:class:`Doc`) and its Markdown and
  self-contained HTML renderers; :func:`save_figure`.
* :mod:`~simsoft.reports.run`: a run folder's figures, ``report.md`` and ``report.html``.
* :mod:`~simsoft.reports.summary`: the run summary the CLI prints (and the report tabulates).
* :mod:`~simsoft.reports.experiment`: an experiment folder's figures, ``summary.md`` and ``summary.html``.
* :mod:`~simsoft.reports.compare`: runs and experiments side by side.

Reading and writing run folders is :mod:`simsoft.runfolder`. matplotlib is reached only through
:mod:`simsoft.plots`, imported when a figure is drawn, so importing this package draws nothing.

>>> from simsoft.reports import Doc, render_markdown
>>> render_markdown(Doc("Note", [("p", "Exits clear.")]))
'# Note\\n\\nExits clear.\\n'
"""

from simsoft.reports.compare import compare, compare_entries
from simsoft.reports.document import Doc, render_html, render_markdown, save_figure, write_document
from simsoft.reports.experiment import experiment_document, experiment_figures, write_experiment_report
from simsoft.reports.names import in_language
from simsoft.reports.run import REPORT_FILES, rebuild_run_report, run_figures, write_run_report
from simsoft.reports.summary import LABEL_WIDTH, summary_lines

__all__ = [
    "Doc",
    "LABEL_WIDTH",
    "REPORT_FILES",
    "compare",
    "compare_entries",
    "experiment_document",
    "experiment_figures",
    "in_language",
    "rebuild_run_report",
    "render_html",
    "render_markdown",
    "run_figures",
    "save_figure",
    "summary_lines",
    "write_document",
    "write_experiment_report",
    "write_run_report",
]
