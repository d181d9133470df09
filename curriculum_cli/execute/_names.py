"""Names a block binds at module level, read from its source with ``ast``.

When a block fails, is skipped or never finishes, these are the names it
would have defined; a later ``NameError`` on one of them is a cascade of that
block's failure, not a new defect.  Over-approximating is safer than missing a
name, except for names that live in their own scope (function bodies,
comprehension variables), which are left out.
"""

from __future__ import annotations

import ast
import re
import warnings

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: Used when the block does not parse: ``name =``, ``def name``, ``import a as b``.
_FALLBACK = re.compile(
    r"^\s*(?:(?:async\s+)?def\s+(\w+)|class\s+(\w+)|(\w+)\s*(?::[^=]*)?=(?!=)"
    r"|import\s+[\w.]+\s+as\s+(\w+)|import\s+(\w+)|from\s+\S+\s+import\s+(\w+)\s*$)",
    re.MULTILINE,
)


def bound_names(source: str) -> set[str]:
    """Module-level names ``source`` assigns, imports or defines."""
    try:
        with warnings.catch_warnings():  # SyntaxWarnings about lesson code are not the tool's output
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
        names: set[str] = set()
        _collect(tree, names)
        return names
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # RecursionError: absurdly deep code
        return {name for match in _FALLBACK.finditer(source) for name in match.groups() if name}


def _collect(node: ast.AST, names: set[str]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _SCOPES):
            if not isinstance(child, ast.Lambda):
                names.add(child.name)
            # Decorators, defaults and bases run in module scope.
            for part in _scope_prelude(child):
                _collect_expression(part, names)
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            for alias in child.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
            continue
        if isinstance(child, _COMPREHENSIONS):
            _collect_expression(child, names)
            continue
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, ast.MatchAs | ast.MatchStar) and child.name:
            names.add(child.name)
        elif isinstance(child, ast.MatchMapping) and child.rest:
            names.add(child.rest)
        _collect(child, names)


def _collect_expression(node: ast.AST, names: set[str]) -> None:
    """Only walrus targets escape an expression's own scopes."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
            names.add(sub.target.id)


def _scope_prelude(node: ast.AST) -> list[ast.AST]:
    parts: list[ast.AST] = list(getattr(node, "decorator_list", []))
    if isinstance(node, ast.ClassDef):
        parts += node.bases + [keyword.value for keyword in node.keywords]
    else:
        arguments = node.args  # type: ignore[attr-defined]
        parts += [value for value in arguments.defaults + arguments.kw_defaults if value]
    return parts
