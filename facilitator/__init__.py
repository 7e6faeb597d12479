"""facilitator: exercise conduct on top of the simsoft engine (MSEL, sessions, scoring, AAR/IP).

It imports :mod:`simsoft`, never the reverse; its ``exercise`` command group joins the ``simsoft``
CLI through the ``simsoft.commands`` entry-point group. The exercise-conduct features arrive with
the exercise issues; this package holds the namespace and the dependency rule today.
"""

__all__: list[str] = []
