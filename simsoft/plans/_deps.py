"""The optional dependencies of plan import (ezdxf, shapely), imported only when a plan is read.

``pip install simsoft`` leaves them out (they are only needed to import floor plans); a user who runs
``simsoft venue import`` without them gets one clear line instead of a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from simsoft.errors import SimsoftError

__all__ = ["require"]


def require(module: str) -> ModuleType:
    """Import ``module`` (``"ezdxf"``, ``"shapely"``...) or raise a :class:`SimsoftError` saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise SimsoftError(f"reading floor plans needs {top}, which is not installed: "
                           f"pip install \"simsoft[plans]\" (or pip install {top})") from None
