"""The one naming rule for the files a run derives from its input files (annotated copies, the
add-in's JA file and rejects).

An output takes its input's own name (`registro_annotato.xlsx`) when no other input of the run
would give the same output name; otherwise the name is prefixed by the nearest folders of the
input's path, as few as tell it apart from the others (`Ancona_registro_annotato.xlsx`,
`Macerata_registro_annotato.xlsx`; nested folders joined with `_` only as far as needed:
`Ancona_centro_registro_annotato.xlsx`). Names are compared as Windows compares them (without
case), so two outputs of one run never share a path on any system. Where the folders cannot tell
two inputs apart (`registro.xlsx` and `registro.csv` in one folder) the input's extension joins the
name (`registro_csv_annotato.xlsx`), and a number is the last resort.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Callable, Iterable


def name_key(name: str) -> str:
    """How a file system that ignores case (Windows, macOS) compares two names."""
    return unicodedata.normalize("NFC", name).casefold()


def _common_folder(sources: list[Path]) -> Path | None:
    """The deepest folder holding every source (None when they are on different drives)."""
    try:
        return Path(os.path.commonpath([os.path.dirname(os.path.abspath(s)) for s in sources])) if sources else None
    except ValueError:
        return None


def _folders(source: Path, root: Path | None) -> list[str]:
    """The source's folders below root (all but the drive or root without one), the nearest first."""
    parent = Path(os.path.abspath(source)).parent
    parts = parent.relative_to(root).parts if root is not None else parent.parts[1:]
    return list(reversed(parts))


Name = Callable[[Path, str], str]  # (source, label) -> the output's file name


def _candidate(source: Path, folders: list[str], depth: int, name: Name) -> str:
    """The output name with `depth` folders before the input's stem; past the folders, with its extension too."""
    label = "_".join([*reversed(folders[:depth]), source.stem])
    if depth > len(folders) and source.suffix:
        label += "_" + source.suffix.lstrip(".")
    return name(source, label)


def _numbered(names: dict[Path, str], sources: list[Path], reserved: set[str], name: Name,
              labels: dict[Path, str]) -> dict[Path, str]:
    """The last resort: a number after the label of each source whose name is still taken, in input order."""
    out: dict[Path, str] = {}
    used = set(reserved)
    for s in sources:
        candidate, n = names[s], 1
        while name_key(candidate) in used:
            n += 1
            candidate = name(s, f"{labels[s]}_{n}")
        used.add(name_key(candidate))
        out[s] = candidate
    return out


def output_names(sources: Iterable[Path], name: Name, *, taken: Iterable[str] = ()) -> dict[Path, str]:
    """The file name of each source's output, distinct without regard to case: name(stem) when no other
    source gives the same, else prefixed by as few of the source's nearest folders as tell it apart.

    name(source, label) is the output's file name for a label (`lambda s, label: f"{label}_ja.csv"`); taken are
    names the run's outputs must not take (its other outputs in the same folder), compared without case.
    """
    sources = list(dict.fromkeys(Path(s) for s in sources))
    root = _common_folder(sources)
    folders = {s: _folders(s, root) for s in sources}
    depth = dict.fromkeys(sources, 0)
    reserved = {name_key(t) for t in taken}
    while True:
        names = {s: _candidate(s, folders[s], depth[s], name) for s in sources}
        groups: dict[str, list[Path]] = {}
        for s, n in names.items():
            groups.setdefault(name_key(n), []).append(s)
        clashes = [g for k, g in groups.items() if len(g) > 1 or k in reserved]
        growing = []
        for group in clashes:  # in a clash, those with the fewest folders in their name take one more
            room = [s for s in group if depth[s] <= len(folders[s])]
            if room:
                fewest = min(depth[s] for s in room)
                growing += [s for s in room if depth[s] == fewest]
        if not growing:  # no folder or extension left to tell the clashing ones apart
            if not clashes:
                return names
            labels = {s: _candidate(s, folders[s], depth[s], lambda _, label: label) for s in sources}
            return _numbered(names, sources, reserved, name, labels)
        for s in growing:
            depth[s] += 1
