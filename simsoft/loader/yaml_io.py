"""Safe YAML reading that remembers where every value came from.

The file is composed into YAML nodes with ``yaml.SafeLoader`` (no object construction), then turned
into plain Python values while recording ``path -> (file, line)`` so later errors can name the line.
Large files, deep nesting, alias bombs and duplicate keys are refused with a clear message.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from simsoft.errors import Problem, ScenarioError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Path", "SourceMap", "Document", "read_yaml", "read_file_bytes", "format_path"]

MAX_BYTES = 5 * 1024 * 1024
"""Largest scenario file accepted (5 MB): real venues are far smaller; larger ones are mistakes."""
MAX_DEPTH = 40
"""Deepest nesting accepted; the schema itself never goes beyond about 8 levels."""
MAX_NODES = 500_000
"""Most values a file may expand to (guards against YAML alias bombs)."""

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``('venue', 'connections', 2, 'width_m')`` -> ``'venue.connections[2].width_m'``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class SourceMap:
    """Where each value of a merged document was written: ``path -> (file, line)``."""

    places: dict[Path, tuple[str, int]] = field(default_factory=dict)

    def locate(self, path: Path) -> tuple[str | None, int | None]:
        """The file and line of ``path``, or of its nearest written ancestor."""
        for cut in range(len(path), -1, -1):
            hit = self.places.get(tuple(path[:cut]))
            if hit:
                return hit
        return None, None

    def replace_under(self, path: Path, file: str, line: int) -> None:
        """Point ``path`` and everything below it at ``file:line`` (an override written there)."""
        n = len(path)
        for p in list(self.places):
            if p[:n] == path:
                self.places[p] = (file, line)
        self.places[path] = (file, line)


@dataclass
class Document:
    """A parsed file: its data and where each value is."""

    file: str
    data: Any
    sources: SourceMap


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return path
    return rel if not rel.startswith("..") else path


def read_file_bytes(path: str | os.PathLike[str], *, max_bytes: int, kind: str, what: str) -> bytes:
    """The bytes of a user's file, read safely: refuses a missing, unreadable or oversized file and
    anything that is not a regular file (a FIFO would block for ever; /dev/zero never ends).

    Raises ``ValueError`` with the rule (``kind`` names the files in the size limit, ``what`` the file
    expected), for the caller to wrap in its own error with the file's name.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ValueError("file not found") from None
    except OSError as exc:
        raise ValueError(f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"is a folder, not {what}")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"is not a regular file (a device, pipe or socket); give {what}")
    limit = f"{kind} are limited to {max_bytes // (1024 * 1024)} MB"
    if info.st_size > max_bytes:
        raise ValueError(f"file is {info.st_size / 1e6:.1f} MB; {limit}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ValueError(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:  # the file grew while it was read
        raise ValueError(f"file is larger than {max_bytes / 1e6:.1f} MB; {limit}")
    return raw


def read_yaml(path: str | os.PathLike[str]) -> Document:
    """Read ``path`` as safe YAML with source lines; raise :class:`ScenarioError` on any problem."""
    shown = _display(os.fspath(path))

    def fail(rule: str, line: int | None = None) -> ScenarioError:
        return ScenarioError(Problem(file=shown, line=line, path="", rule=rule))

    try:
        raw = read_file_bytes(path, max_bytes=MAX_BYTES, kind="scenario files", what="a YAML file")
    except ValueError as exc:
        raise fail(str(exc)) from None
    if b"\x00" in raw:
        raise fail("is not a YAML text file (it contains binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte {exc.start})") from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise fail("file is empty")
    bad = _BAD_CHARACTER.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise fail(f"contains the control character {bad.group()!r}, which YAML does not allow "
                   "(remove it or write it as an escape in a quoted string)", line)
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = exc.problem or str(exc)
        raise fail(f"is not valid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise fail(f"is not valid YAML: {exc}") from None
    except RecursionError:
        raise fail(f"is nested too deeply to read (more than {MAX_DEPTH} levels are refused)") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise fail("file is empty")
    sources = SourceMap()
    builder = _Builder(shown, sources)
    try:
        data = builder.build(node, (), 0)
    except RecursionError:
        raise fail(f"is nested too deeply to read (more than {MAX_DEPTH} levels are refused)") from None
    return Document(file=shown, data=data, sources=sources)


_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Characters YAML 1.1 does not allow in a stream (PyYAML's Reader refuses them)."""


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _Builder:
    """Turns composed nodes into plain values, recording lines and enforcing limits."""

    def __init__(self, file: str, sources: SourceMap) -> None:
        self.file = file
        self.sources = sources
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def _fail(self, path: Path, line: int, rule: str) -> ScenarioError:
        return ScenarioError(Problem(file=self.file, line=line, path=format_path(path), rule=rule))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(path, line, f"file expands to more than {MAX_NODES:,} values (aliases?); refusing it")
        if depth > MAX_DEPTH:
            raise self._fail(path, line, f"nested more than {MAX_DEPTH} levels deep; refusing it")
        self.sources.places.setdefault(path, (self.file, line))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise self._fail(path, line, f"tag {node.tag!r} is not allowed: use plain YAML values")
        if isinstance(node, yaml.MappingNode):
            try:
                self.constructor.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or node.start_mark
                raise self._fail(path, mark.line + 1, f"merge key '<<' {exc.problem or 'is malformed'}: "
                                 "it must name a mapping (an alias such as *defaults) or a list of them") from None
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalar(key_node, path)
                if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
                    raise self._fail(path, key_node.start_mark.line + 1, f"key {key!r} must be a plain name")
                key = str(key)
                if key in out:
                    raise self._fail(path + (key,), key_node.start_mark.line + 1, "duplicate key (written twice in the same mapping)")
                self.sources.places[path + (key,)] = (self.file, key_node.start_mark.line + 1)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.sources.places[path + (i,)] = (self.file, item.start_mark.line + 1)
                items.append(self.build(item, path + (i,), depth + 1))
            return items
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self._fail(path, node.start_mark.line + 1, "a key must be a plain name, not a mapping or list")
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            tag = node.tag
            raise self._fail(path, node.start_mark.line + 1, f"tag {tag!r} is not allowed: use plain YAML values") from None
        except (ValueError, OverflowError) as exc:
            raise self._fail(path, node.start_mark.line + 1, f"cannot read value: {exc}") from None
