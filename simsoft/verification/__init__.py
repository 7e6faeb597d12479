"""Verification and validation of the models against published figures.

* :mod:`~simsoft.verification.spec`: how a case is written (:class:`Case`, :class:`RunSpec`, :class:`Check`).
* :mod:`~simsoft.verification.measures`: what cases read from their runs (milestones, series, rates).
* :mod:`~simsoft.verification.expected`: the expected values, literal published or hand-computed
  numbers with their arithmetic (it imports nothing, least of all the model's constants).
* :mod:`~simsoft.verification.cases`: the egress cases (:data:`CASES`: IMO MSC.1/Circ.1533, RiMEA,
  NIST TN 1822, SFPE hand calculations); their scenario files are package data in ``simsoft/verification/scenarios/``.
* :mod:`~simsoft.verification.suite`: runs them (:func:`run_verification`).
* :mod:`~simsoft.verification.table`: the results as a text table or ``docs/verification.md``.

Validation against published incidents (the police response against the FBI figures among them)
lives in :mod:`simsoft.validation` (``simsoft validate-model``, ``docs/validation.md``).

Dependencies point one way: spec <- measures, expected <- cases <- suite <- table.

>>> "H-2" in {case.id for case in CASES}
True
"""

from simsoft.verification.cases import CASES
from simsoft.verification.spec import Case, Check, RunSpec
from simsoft.verification.suite import VERIFICATION_DIR, CaseResult, CheckResult, run_verification
from simsoft.verification.table import format_table, write_markdown

__all__ = [
    "CASES",
    "Case",
    "CaseResult",
    "Check",
    "CheckResult",
    "RunSpec",
    "VERIFICATION_DIR",
    "format_table",
    "run_verification",
    "write_markdown",
]
