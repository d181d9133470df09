"""The concept graph: which lesson relies on which, for what, at what depth.

``build_graph(curriculum) -> Graph`` is pure; ``render(graph, fmt) -> str``
dispatches to one pure function per format (``json``, ``mermaid``, ``dot``,
``html``).
"""

from __future__ import annotations

from curriculum_cli.graph.model import Edge, Graph, Node, build_graph
from curriculum_cli.graph.render import FORMATS, render

__all__ = ["FORMATS", "Edge", "Graph", "Node", "build_graph", "render"]
