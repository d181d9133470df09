"""Notebooks at the file level: is parsed ``.ipynb`` JSON shaped like a notebook at all?

Every reader of notebook JSON (code blocks, prose, line maps) checks this first,
so a malformed notebook (a number as a cell's source, a cell that is a list)
becomes one clean finding instead of an error deep inside a reader.
"""

from __future__ import annotations


def notebook_shape_problem(data: object) -> str | None:
    """What makes parsed notebook JSON unusable as a notebook (``None`` when its shape is right).

    Checks what the readers rely on: a top-level object whose ``cells`` is a
    list of objects, each with a string ``cell_type`` and a ``source`` that is a
    string or a list of strings, and object ``metadata`` with list ``tags``.
    """
    if not isinstance(data, dict):
        return f"the top level is {_json_type(data)}, not an object"
    cells = data.get("cells")
    if not isinstance(cells, list):
        return "'cells' is missing or not a list" if "worksheets" not in data else None
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            return f"cell {number} is {_json_type(cell)}, not an object"
        if not isinstance(cell.get("cell_type"), str):
            return f"cell {number} has no 'cell_type' string"
        if "source" not in cell:
            return f"cell {number} has no 'source'"
        source = cell["source"]
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            return f"the source of cell {number} is {_json_type(source)}, not text or a list of lines"
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict):
            return f"the metadata of cell {number} is {_json_type(metadata)}, not an object"
        if not isinstance(metadata.get("tags", []), list):
            return f"the tags of cell {number} are not a list"
    return None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
