"""Validation of the response-side models against published incidents, and the library's magnitudes.

Verification (``simsoft verify``, :mod:`simsoft.verification`) asks whether the code computes what the
model says (hand calculations, standard test cases). **Validation** asks whether the model's outcomes
match what happened in real incidents. A published figure that was used to *choose* a default is a
**calibration** target: it is shown, but it cannot validate that default.

* :mod:`~simsoft.validation.spec`: the case-file schema (:class:`CaseSpec`, :class:`Comparison`, :class:`Band`);
* :mod:`~simsoft.validation.calibration`: the figures that set defaults (:data:`CALIBRATED`);
* :mod:`~simsoft.validation.cases`: loads the case files (package data in ``cases/``) and checks roles;
* :mod:`~simsoft.validation.measures`: derived per-run quantities (``validation.*``) from the event records;
* :mod:`~simsoft.validation.runner`: replications on a process pool;
* :mod:`~simsoft.validation.suite`: statistics and verdicts (:func:`run_suite`, :func:`evaluate`);
* :mod:`~simsoft.validation.library`: the shipped library's magnitudes against reference ranges;
* :mod:`~simsoft.validation.table`: text tables, Markdown and JSON.

``simsoft validate-model`` runs it; ``docs/validation.md`` explains every case.

Dependencies point one way: spec, calibration, measures <- cases, runner <- suite, library <- table.
"""

from simsoft.validation.calibration import CALIBRATED
from simsoft.validation.cases import CASES_DIR, Case, load_case, load_cases
from simsoft.validation.library import REFERENCES, LibraryResult, Reference, run_library
from simsoft.validation.spec import Band, CaseSpec, Comparison
from simsoft.validation.suite import ComparisonResult, SuiteResult, evaluate, run_suite
from simsoft.validation.table import format_library, format_suite, library_markdown, suite_json, suite_markdown

__all__ = [
    "Band",
    "CALIBRATED",
    "CASES_DIR",
    "Case",
    "CaseSpec",
    "Comparison",
    "ComparisonResult",
    "LibraryResult",
    "REFERENCES",
    "Reference",
    "SuiteResult",
    "evaluate",
    "format_library",
    "format_suite",
    "library_markdown",
    "load_case",
    "load_cases",
    "run_library",
    "run_suite",
    "suite_json",
    "suite_markdown",
]
