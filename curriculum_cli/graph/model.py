"""Graph nouns and :func:`build_graph`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from curriculum_cli.model.curriculum import Curriculum, Lesson, Trace, lesson_traces

EdgeStatus = Literal["ok", "broken", "gap"]


@dataclass(frozen=True)
class Node:
    id: str
    slug: str
    module_id: str | None
    number: int | None
    order: int
    type: str | None
    status: str
    planned: bool
    #: A lesson cited but absent from the course (only the end of a broken trace).
    missing: bool = False


@dataclass(frozen=True)
class Edge:
    """``source`` taught ``concept``; ``target`` relies on it at ``depth``."""

    source: str
    target: str
    concept: str
    depth: str
    kind: str
    status: EdgeStatus
    line: int | None = None
    problem: str = ""


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    #: Module id -> title, in course order.
    modules: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "modules": [{"id": k, "title": v} for k, v in self.modules.items()],
            "nodes": [asdict(n) for n in self.nodes],
            "edges": [asdict(e) for e in self.edges],
        }


def node_id(lesson: Lesson) -> str:
    return f"{lesson.module_id}/{lesson.slug}" if lesson.module_id else lesson.slug


def _status(lesson: Lesson) -> str:
    if lesson.entry is not None and lesson.entry.status:
        return lesson.entry.status
    return "built" if lesson.artifacts else "planned" if lesson.plan else "listed"


def _problem(trace: Trace) -> str:
    if trace.missing:
        return "cited lesson is not in the course"
    if not trace.earlier:
        return "cited lesson does not come earlier"
    if trace.misplaced:
        return f"citation says {trace.misplaced}"
    if not trace.found:
        closest = f" (closest: {trace.row.concept})" if trace.row else ""
        return f"not in the cited lesson's record{closest}"
    if trace.shallow and trace.row is not None and trace.row.depth.depth is not None:
        return f"record gives {trace.row.depth.depth.name}"
    return ""


def build_graph(curriculum: Curriculum) -> Graph:
    """Lessons in course order; an edge per traced Phase 1 concept and prerequisite."""
    graph = Graph(modules={m.module_id: m.title for m in curriculum.modules.values()})
    ids: set[str] = set()
    for lesson in curriculum.lessons:
        node = Node(
            id=node_id(lesson), slug=lesson.slug, module_id=lesson.module_id, number=lesson.number,
            order=lesson.order, type=lesson.type.value if lesson.type else None, status=_status(lesson),
            planned=lesson.plan is not None,
        )
        graph.nodes.append(node)
        ids.add(node.id)
        if lesson.module_id and lesson.module_id not in graph.modules:
            graph.modules[lesson.module_id] = ""
    for lesson in curriculum.lessons:
        for trace in lesson_traces(curriculum, lesson):
            if trace.external or (trace.source is None and not trace.missing):
                continue
            if trace.source is not None:
                source = node_id(trace.source)
            else:
                source = f"missing/{trace.citation.raw}"
                if source not in ids:
                    ids.add(source)
                    graph.nodes.append(
                        Node(source, trace.citation.slug or trace.citation.raw, trace.citation.module_id, None,
                             -1, None, "missing", False, missing=True)
                    )
            status: EdgeStatus = "broken" if trace.broken else "gap" if trace.gap else "ok"
            depth = trace.claimed.name if trace.claimed else ("GAP" if trace.gap else "")
            graph.edges.append(
                Edge(source, node_id(lesson), trace.name, depth, trace.kind, status, trace.line,
                     _problem(trace) if status == "broken" else "")
            )
    return graph
