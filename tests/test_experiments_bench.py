"""Smoke test of benchmarks/experiments.py: it runs and prints well-formed ``name value unit`` lines."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^[A-Za-z0-9_.\-]+ \S+ \S+$")


@pytest.mark.slow
def test_experiments_benchmark_quick_prints_lines():
    out = subprocess.run([sys.executable, "benchmarks/experiments.py", "--quick", "--no-dask"], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    lines = out.stdout.splitlines()
    assert lines and all(LINE.match(ln) for ln in lines), lines
    names = {ln.split()[0] for ln in lines}
    assert {"exp.pow20.one_process", "exp.pow20.speedup_1_to_2", "exp.memory.growth"} <= names
