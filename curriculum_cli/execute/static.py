"""The static pass over a chain of blocks: syntax, undefined names, API uses.

A chain is a lesson's blocks (or a notebook's cells) run in order in one
namespace.  Module-level code is read in order, so a name must be bound
before it is used; function and lambda bodies are resolved at the end of the
chain (like pyflakes does at the end of a module), because they run when
called: a body may use a name that a later block defines.

Scopes follow Python: builtins, module (shared by the chain), class bodies
(not visible from their methods), functions (a name assigned anywhere in a
function is local to it), comprehensions, ``global``/``nonlocal``, walrus,
``match`` captures, ``except ... as``, module-level ``del``.  A star import
makes unknown names unreportable from then on.

Alongside, every import and dotted use is resolved through the chain's
aliases (``import torch.nn.functional as F; F.relu`` ->
``torch.nn.functional.relu``), and keyword arguments are collected with their
callee.  Nothing is executed.
"""

from __future__ import annotations

import ast
import builtins
import io
import tokenize
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from curriculum_cli.execute.blocks import CodeBlock

BUILTIN_NAMES = frozenset(dir(builtins)) | {
    "__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__",
    "__package__", "__annotations__", "__debug__", "__path__", "__dict__", "__class__",
}
#: Names IPython/Jupyter puts in a notebook's namespace.
NOTEBOOK_NAMES = frozenset({"display", "get_ipython", "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "exit", "quit"})


@dataclass(slots=True)
class SyntaxProblem:
    line: int  # block source line
    column: int
    message: str


@dataclass(slots=True)
class Undefined:
    block: int  # index of the block in the chain
    name: str
    line: int  # block source line


@dataclass(slots=True)
class Borrowed:
    """A named-file block uses a name that only an earlier block defines."""

    block: int
    name: str
    line: int
    from_block: int
    from_line: int


@dataclass(slots=True)
class ApiUse:
    """A resolved module path used by the code (``torch.nn.functional.relu``)."""

    api: str
    line: int
    kind: str  # "import" | "call" | "attribute"


@dataclass(slots=True)
class KeywordUse:
    #: Resolved callee (``torch.tensor``), ``.method`` for a method call on an
    #: unresolved object, or the bare name of a local function.
    callee: str
    keyword: str
    line: int
    #: True when the callee is defined by the lesson code itself.
    local: bool = False
    #: For a method call on an object (``ax.plot(...)``): the top-level module
    #: the object came from (``matplotlib`` for ``fig, ax = plt.subplots()``),
    #: when the static pass can tell.
    receiver: str | None = None


@dataclass(slots=True)
class BlockStatic:
    syntax: SyntaxProblem | None = None
    apis: list[ApiUse] = field(default_factory=list)
    keywords: list[KeywordUse] = field(default_factory=list)
    #: ``(line, text)`` of every comment (without ``#``).
    comments: list[tuple[int, str]] = field(default_factory=list)
    #: ``(line, text)`` of every string literal token (raw token text).
    strings: list[tuple[int, str]] = field(default_factory=list)
    #: Module-level names the block binds.
    bound: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ChainStatic:
    blocks: list[BlockStatic]
    undefined: list[Undefined] = field(default_factory=list)
    borrowed: list[Borrowed] = field(default_factory=list)
    #: Every name defined by a ``def``/``class`` in the chain (local callees).
    local_defs: set[str] = field(default_factory=set)


def block_code(block: CodeBlock) -> str:
    """What the static pass reads for a block: its solution when it has one."""
    return block.source


# --------------------------------------------------------------------------- scopes


@dataclass
class _Scope:
    kind: str  # module | class | function | comprehension
    names: set[str] = field(default_factory=set)
    globals_: set[str] = field(default_factory=set)


@dataclass
class _Binding:
    block: int
    line: int


_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


class _Chain:
    """State shared by every block of the chain."""

    def __init__(self, extra_names: frozenset[str]) -> None:
        self.module: dict[str, _Binding] = {}
        self.extra = extra_names
        self.star = False
        self.global_decls: set[str] = set()
        self.aliases: dict[str, str] = {}  # local name -> module path
        self.origins: dict[str, str] = {}  # module-level name -> top-level module its value came from
        self.local_defs: set[str] = set()
        self.deferred: list[tuple[_FunctionNode, list[_Scope], int, bool]] = []
        self.undefined: list[Undefined] = []
        self.borrowed: list[Borrowed] = []
        self.used_at_module: list[tuple[int, str, int]] = []


class _Visitor(ast.NodeVisitor):
    """Walks one block; module-level code in order, function bodies deferred."""

    def __init__(self, chain: _Chain, index: int, info: BlockStatic, named: bool, report: bool) -> None:
        self.chain = chain
        self.index = index
        self.info = info
        self.named = named
        self.report = report
        self.scopes: list[_Scope] = [_Scope("module")]
        self.in_deferred = False
        self.borrow_seen: set[str] = set()

    # -- bindings

    def bind(self, name: str, line: int) -> None:
        scope = self.scopes[-1]
        if scope.kind == "module" or name in scope.globals_:
            self.chain.module[name] = _Binding(self.index, line)
            self.info.bound.add(name)
        else:
            scope.names.add(name)

    def lookup(self, name: str, line: int) -> None:
        # innermost first; class scopes are visible only from their own body
        for position in range(len(self.scopes) - 1, 0, -1):
            scope = self.scopes[position]
            if scope.kind == "class" and position != len(self.scopes) - 1:
                continue
            if name in scope.names:
                return
        binding = self.chain.module.get(name)
        if binding is not None:
            if binding.block < self.index and self.named and self.report and name not in self.borrow_seen:
                self.borrow_seen.add(name)
                self.chain.borrowed.append(Borrowed(self.index, name, line, binding.block, binding.line))
            return
        if name in BUILTIN_NAMES or name in self.chain.extra or name in self.chain.global_decls:
            return
        if self.chain.star or not self.report:
            return
        self.chain.undefined.append(Undefined(self.index, name, line))

    # -- names

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.lookup(node.id, node.lineno)
        elif isinstance(node.ctx, ast.Store):
            self.bind(node.id, node.lineno)
        elif isinstance(node.ctx, ast.Del):
            scope = self.scopes[-1]
            if scope.kind == "module" and self._top_level_del:
                self.chain.module.pop(node.id, None)

    _top_level_del = False

    def visit_Delete(self, node: ast.Delete) -> None:
        self._top_level_del = self._statement_depth == 0
        self.generic_visit(node)
        self._top_level_del = False

    _statement_depth = 0

    def _nested(self, node: ast.AST) -> None:
        self._statement_depth += 1
        self.generic_visit(node)
        self._statement_depth -= 1

    visit_If = visit_While = visit_With = visit_AsyncWith = _nested

    def visit_Try(self, node: ast.Try) -> None:
        self._nested(node)

    visit_TryStar = visit_Try  # type: ignore[assignment]  # same fields as ast.Try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type:
            self.visit(node.type)
        if node.name:
            self.bind(node.name, node.lineno)
        for statement in node.body:
            self.visit(statement)

    def visit_Global(self, node: ast.Global) -> None:
        self.scopes[-1].globals_.update(node.names)
        self.chain.global_decls.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scopes[-1].names.update(node.names)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        # walrus binds in the nearest non-comprehension scope
        for position in range(len(self.scopes) - 1, -1, -1):
            scope = self.scopes[position]
            if scope.kind != "comprehension":
                if scope.kind == "module":
                    self.chain.module[node.target.id] = _Binding(self.index, node.lineno)
                    self.info.bound.add(node.target.id)
                else:
                    scope.names.add(node.target.id)
                return

    # -- imports

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.info.apis.append(ApiUse(alias.name, node.lineno, "import"))
            if alias.asname:
                self.bind(alias.asname, node.lineno)
                self._alias(alias.asname, alias.name)
            else:
                top = alias.name.split(".")[0]
                self.bind(top, node.lineno)
                self._alias(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.chain.star = True
                self.info.apis.append(ApiUse(module, node.lineno, "import"))
                continue
            path = f"{module}.{alias.name}" if module and not node.level else alias.name
            if not node.level:
                self.info.apis.append(ApiUse(path, node.lineno, "import"))
            local = alias.asname or alias.name
            self.bind(local, node.lineno)
            if not node.level:
                self._alias(local, path)

    def _alias(self, local: str, path: str) -> None:
        if self.scopes[-1].kind == "module":
            self.chain.aliases[local] = path

    # -- definitions

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._arguments_outer(node.args)
        if node.returns:
            self.visit(node.returns)
        self.bind(node.name, node.lineno)
        if self.scopes[-1].kind in ("module", "class"):
            self.chain.local_defs.add(node.name)
        self._defer(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._arguments_outer(node.args, annotations=False)
        self._defer(node)

    def _arguments_outer(self, args: ast.arguments, annotations: bool = True) -> None:
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.visit(default)
        if annotations:
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None and arg.annotation is not None:
                    self.visit(arg.annotation)

    def _defer(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.chain.deferred.append((node, list(self.scopes), self.index, self.named and self.report))

    def run_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scopes: list[_Scope]) -> None:
        scope = _Scope("function")
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                scope.names.add(arg.arg)
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        for statement in body:
            _collect_local_bindings(statement, scope)
        self.scopes = [*scopes, scope]
        self.in_deferred = True
        for statement in body:
            self.visit(statement)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword.value)
        if self.scopes[-1].kind == "module":
            self.chain.local_defs.add(node.name)
        self.scopes.append(_Scope("class"))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()
        self.bind(node.name, node.lineno)
        if self.scopes[-1].kind == "module":  # ``class Net(nn.Module)``: its instances are torch objects
            origin = next((found for found in map(self.origin, node.bases) if found), None)
            if origin:
                self.chain.origins[node.name] = origin
            else:
                self.chain.origins.pop(node.name, None)

    # -- comprehensions

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        self.scopes.append(_Scope("comprehension"))
        for position, generator in enumerate(generators):
            if position:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    # -- match

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern:
            self.visit(node.pattern)
        if node.name:
            self.bind(node.name, node.lineno)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bind(node.name, node.lineno)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self.bind(node.rest, node.lineno)

    # -- annotations: ``x: int`` without a value binds nothing at run time

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        if node.value is not None or self.scopes[-1].kind != "module":
            self.visit(node.target)
        elif not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self.lookup(node.target.id, node.lineno)
            self.bind(node.target.id, node.lineno)
        else:
            self.visit(node.target)

    # -- where values come from (``x = torch.ones(2)``: ``x`` is torch's)

    def origin(self, node: ast.expr | None) -> str | None:
        """Top-level module the value of ``node`` comes from, when it shows."""
        while node is not None:
            if isinstance(node, (ast.Call, ast.Attribute, ast.Subscript, ast.Starred, ast.Await)):
                node = node.func if isinstance(node, ast.Call) else node.value
            elif isinstance(node, ast.BinOp):
                return self.origin(node.left) or self.origin(node.right)
            elif isinstance(node, ast.UnaryOp):
                node = node.operand
            elif isinstance(node, (ast.Tuple, ast.List)):
                return next((o for o in map(self.origin, node.elts) if o), None)
            elif isinstance(node, ast.Name):
                if any(node.id in scope.names for scope in self.scopes[1:]):
                    return None
                if node.id in self.chain.aliases:
                    return self.chain.aliases[node.id].split(".")[0]
                return self.chain.origins.get(node.id)
            else:
                return None
        return None

    def _mark_origin(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        if self.scopes[-1].kind != "module":
            return
        origin = self.origin(value)
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    if origin:
                        self.chain.origins[node.id] = origin
                    else:
                        self.chain.origins.pop(node.id, None)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        self._mark_origin(node.targets, node.value)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._mark_origin([node.target], node.iter)
        self._nested(node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        self.generic_visit(node)
        if node.optional_vars is not None:
            self._mark_origin([node.optional_vars], node.context_expr)

    # -- APIs and keywords

    def visit_Attribute(self, node: ast.Attribute) -> None:
        path = self.resolve(node)
        if path is not None:
            self.info.apis.append(ApiUse(path, node.lineno, "attribute"))
            self._visit_root(node)
            return
        self.generic_visit(node)

    def _visit_root(self, node: ast.expr) -> None:
        while isinstance(node, ast.Attribute):
            node = node.value
        self.visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        path = self.resolve(func)
        callee, local = self.callee(func, path)
        if path is not None and isinstance(func, ast.Attribute):
            self.info.apis.append(ApiUse(path, func.lineno, "call"))
            self._visit_root(func)
        elif path is not None and isinstance(func, ast.Name):
            self.info.apis.append(ApiUse(path, func.lineno, "call"))
            self.visit(func)
        else:
            self.visit(func)
        receiver = self.origin(func.value) if path is None and isinstance(func, ast.Attribute) else None
        for keyword in node.keywords:
            if keyword.arg and callee:
                self.info.keywords.append(KeywordUse(callee, keyword.arg, keyword.value.lineno, local, receiver))
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def resolve(self, node: ast.expr) -> str | None:
        """Module path of ``a.b.c`` when ``a`` is an import alias in module scope."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.chain.aliases:
            return None
        if any(node.id in scope.names for scope in self.scopes[1:]):
            return None  # shadowed by a local
        return ".".join([self.chain.aliases[node.id], *reversed(parts)])

    def callee(self, func: ast.expr, path: str | None) -> tuple[str | None, bool]:
        if path is not None:
            return path, False
        if isinstance(func, ast.Name):
            return func.id, func.id in self.chain.local_defs or func.id not in BUILTIN_NAMES
        if isinstance(func, ast.Attribute):
            return "." + func.attr, func.attr in self.chain.local_defs
        return None, False


def _collect_local_bindings(node: ast.AST, scope: _Scope) -> None:
    """Names a function binds anywhere in its body (not in nested scopes)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        scope.names.add(node.name)
        return
    if isinstance(node, ast.Lambda):
        return
    if isinstance(node, ast.Global):
        scope.globals_.update(node.names)
        return
    if isinstance(node, ast.Nonlocal):
        scope.names.update(node.names)
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        if node.id not in scope.globals_:
            scope.names.add(node.id)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                scope.names.add(alias.asname or alias.name.split(".")[0])
    elif isinstance(node, ast.ExceptHandler) and node.name:
        scope.names.add(node.name)
    elif isinstance(node, ast.NamedExpr):
        scope.names.add(node.target.id)
    elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        scope.names.add(node.name)
    elif isinstance(node, ast.MatchMapping) and node.rest:
        scope.names.add(node.rest)
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for sub in ast.walk(child):
                if isinstance(sub, ast.NamedExpr):
                    scope.names.add(sub.target.id)
            continue
        _collect_local_bindings(child, scope)


# --------------------------------------------------------------------------- tokens


def comments_and_strings(source: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """``(line, text)`` of comments (without ``#``) and string tokens of ``source``."""
    comments, strings = _comments_and_strings(source)
    return list(comments), list(strings)


@lru_cache(maxsize=1024)
def _comments_and_strings(source: str) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
    # Cached: the static pass and the writing rule both tokenize every block.
    comments: list[tuple[int, str]] = []
    strings: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments.append((token.start[0], token.string[1:]))
            elif token.type == tokenize.STRING:
                strings.append((token.start[0], token.string))
            elif token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                strings.append((token.start[0], token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return tuple(comments), tuple(strings)


#: Deeper syntax trees are not analysed (the recursive passes would overflow the stack).
MAX_TREE_DEPTH = 200


def parse_block(source: str) -> tuple[ast.Module | None, SyntaxProblem | None]:
    try:
        with warnings.catch_warnings():  # SyntaxWarnings about lesson code are not the tool's output
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError as error:
        return None, SyntaxProblem(error.lineno or 1, error.offset or 0, error.msg)
    except ValueError as error:  # null bytes
        return None, SyntaxProblem(1, 0, str(error))
    except (MemoryError, RecursionError):  # the parser's own nesting limits
        return None, SyntaxProblem(1, 0, "too deeply nested for the Python parser")
    deep = tree_too_deep(tree)
    if deep is not None:
        return None, SyntaxProblem(deep, 0, f"expressions nested more than {MAX_TREE_DEPTH} levels deep")
    return tree, None


def tree_too_deep(tree: ast.AST, limit: int = MAX_TREE_DEPTH) -> int | None:
    """Line of the first node nested deeper than ``limit``, found without recursion (``None`` if none)."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return getattr(node, "lineno", 1)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def analyze_chain(
    blocks: Sequence[CodeBlock],
    *,
    notebook: bool = False,
) -> ChainStatic:
    """Run the static pass over ``blocks`` run in order in one namespace.

    Undefined names are not reported inside exercise cells (the student fills
    them in) nor in skipped blocks; the names those blocks bind still count as
    defined for later blocks.  A block with a solution (``replacement``) is
    read as its solution for names and APIs; syntax is checked on what ships.
    """
    chain = _Chain(NOTEBOOK_NAMES if notebook else frozenset())
    infos: list[BlockStatic] = []
    trees: list[ast.Module | None] = []
    for block in blocks:
        info = BlockStatic()
        infos.append(info)
        info.comments, info.strings = comments_and_strings(block.source)
        tree, info.syntax = parse_block(block.source)
        if block.replacement is not None:
            tree, _ = parse_block(block.replacement)
        trees.append(tree)
        if tree is not None and "global" in block.source:  # ``global x`` binds x for the whole chain
            for node in ast.walk(tree):
                if isinstance(node, ast.Global):
                    chain.global_decls.update(node.names)
    for index, (block, info, tree) in enumerate(zip(blocks, infos, trees)):
        report = block.mode in ("run", "raises") and block.replacement is None
        if tree is None:
            _fallback_bindings(block, chain, index)
            continue
        visitor = _Visitor(chain, index, info, block.filename is not None, report)
        for statement in tree.body:
            visitor.visit(statement)
    for node, scopes, index, _ in list(_drain(chain)):
        info = infos[index]
        block = blocks[index]
        report = block.mode in ("run", "raises") and block.replacement is None
        visitor = _Visitor(chain, index, info, block.filename is not None, report)
        visitor.run_function(node, scopes)
    return ChainStatic(infos, _dedupe(chain.undefined), chain.borrowed, chain.local_defs)


def _drain(chain: _Chain) -> Iterator[tuple[_FunctionNode, list[_Scope], int, bool]]:
    # Nested functions are deferred while running their parent: keep draining.
    while chain.deferred:
        yield chain.deferred.pop(0)


def _fallback_bindings(block: CodeBlock, chain: _Chain, index: int) -> None:
    from curriculum_cli.execute._names import bound_names

    for name in bound_names(block.source):
        chain.module.setdefault(name, _Binding(index, block.line))


def _dedupe(undefined: list[Undefined]) -> list[Undefined]:
    seen: set[tuple[int, str, int]] = set()
    out: list[Undefined] = []
    for item in undefined:
        key = (item.block, item.name, item.line)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
