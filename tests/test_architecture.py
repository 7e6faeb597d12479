"""Dependencies point one way: the core loads neither click nor matplotlib, nor facilitator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return set(out.stdout.split())


def test_import_simsoft_loads_neither_click_nor_matplotlib():
    mods = _loaded_after("import simsoft; simsoft.run")
    assert "click" not in mods
    assert not any(m == "matplotlib" or m.startswith("matplotlib.") for m in mods)
    assert "facilitator" not in mods


def test_simsoft_sources_never_import_facilitator_and_only_the_cli_imports_click():
    for path in sorted((ROOT / "simsoft").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "import facilitator" not in text and "from facilitator" not in text, path
        if path.name != "cli.py":
            assert "import click" not in text, path


def test_no_global_random_seeding_in_the_code():
    for path in sorted((ROOT / "simsoft").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for bad in ("np.random.seed(", "random.seed(", "numpy.random.seed("):
            assert bad not in text, f"{path}: {bad}"
