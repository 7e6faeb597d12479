"""The per-replication metrics table: streamed to disk while runs finish, sorted into a CSV at the end.

Runs finish in any order (processes, Dask). Each finished row is appended at once to a JSON-lines
spool file, and only its byte offset is kept in memory; :meth:`RowSpool.write_csv` then writes
``replications.csv`` sorted by (variant, replication) with the union of metric keys as columns, so
the CSV is byte-identical whichever executor ran the experiment, and memory stays flat.
"""

from __future__ import annotations

import csv
import json
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simsoft.experiments.executors import Row

__all__ = ["RowSpool", "MetricsTable", "read_table", "format_value", "FIXED_COLUMNS"]

FIXED_COLUMNS = ("variant", "replication", "seed")
"""First columns of ``replications.csv``; metric columns follow in sorted order."""


def format_value(value: Any) -> str:
    """How a metric is written to the CSV: empty for ``None``, ``repr`` for floats (exact round trip)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


class RowSpool:
    """Append-only spool of finished runs (JSON lines) with an in-memory index of offsets."""

    def __init__(self, path: Path, variants: Sequence[str]) -> None:
        self.path = path
        self.variants = tuple(variants)
        self._file = open(path, "ab")  # noqa: SIM115 - closed in close()
        self._index: dict[tuple[int, int], tuple[int, int]] = {}
        self.keys: set[str] = set()

    def add(self, rows: Iterable[Row]) -> None:
        """Append rows and flush them to disk (a crash or Ctrl-C keeps them)."""
        for vi, rep, seed, metrics in rows:
            line = json.dumps([vi, rep, seed, metrics], sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"
            offset = self._file.tell()
            self._file.write(line)
            self._index[(vi, rep)] = (offset, len(line))
            self.keys.update(metrics)
        self._file.flush()

    def __len__(self) -> int:
        return len(self._index)

    def done_by_variant(self) -> dict[str, int]:
        """Finished runs per variant."""
        counts = dict.fromkeys(self.variants, 0)
        for vi, _ in self._index:
            counts[self.variants[vi]] += 1
        return counts

    def close(self) -> None:
        """Close the spool file."""
        if not self._file.closed:
            self._file.close()

    def write_csv(self, target: Path) -> None:
        """Write the sorted table (one read of each row from the spool; flat memory)."""
        self.close()
        columns = sorted(self.keys)
        with open(self.path, "rb") as spool, open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([*FIXED_COLUMNS, *columns])
            for key in sorted(self._index):
                offset, length = self._index[key]
                spool.seek(offset)
                vi, rep, seed, metrics = json.loads(spool.read(length))
                writer.writerow([self.variants[vi], rep, seed, *(format_value(metrics.get(c)) for c in columns)])


@dataclass
class MetricsTable:
    """``replications.csv`` read back: numeric metric columns as float arrays (NaN where missing)."""

    variants: list[str]
    """Variant of each row."""
    replications: np.ndarray
    seeds: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    """Numeric metrics by key (columns holding text, such as ``run.end_reason``, are left out)."""
    text_columns: list[str] = field(default_factory=list)

    def variant_names(self) -> list[str]:
        """Variants in order of first appearance."""
        return list(dict.fromkeys(self.variants))

    def values(self, metric: str, variant: str) -> np.ndarray:
        """The metric's values for one variant, in replication order."""
        mask = np.asarray([v == variant for v in self.variants])
        return self.columns[metric][mask]

    def paired(self, metric: str, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        """Values of ``metric`` in variants ``a`` and ``b`` for the replications both finished."""
        reps_a = {int(r): i for i, (r, v) in enumerate(zip(self.replications, self.variants)) if v == a}
        reps_b = {int(r): i for i, (r, v) in enumerate(zip(self.replications, self.variants)) if v == b}
        common = sorted(set(reps_a) & set(reps_b))
        col = self.columns[metric]
        return col[[reps_a[r] for r in common]], col[[reps_b[r] for r in common]]


def read_table(path: Path) -> MetricsTable:
    """Read ``replications.csv`` into a :class:`MetricsTable` (column-wise float arrays)."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if tuple(header[:3]) != FIXED_COLUMNS:
            raise ValueError(f"{path} is not a replications table (header starts {header[:3]})")
        names = header[3:]
        cols = [array("d") for _ in names]
        numeric = [True] * len(names)
        variants: list[str] = []
        reps, seeds = array("q"), array("q")
        for row in reader:
            variants.append(row[0])
            reps.append(int(row[1]))
            seeds.append(int(row[2]))
            for j, text in enumerate(row[3:]):
                if not numeric[j]:
                    continue
                if text == "":
                    cols[j].append(math.nan)
                    continue
                try:
                    cols[j].append(float(text))
                except ValueError:
                    numeric[j] = False
    table = MetricsTable(variants, np.asarray(reps, dtype=int), np.asarray(seeds, dtype=int))
    for name, col, ok in zip(names, cols, numeric):
        if ok:
            table.columns[name] = np.frombuffer(col, dtype=float).copy() if len(col) else np.zeros(0)
        else:
            table.text_columns.append(name)
    return table
