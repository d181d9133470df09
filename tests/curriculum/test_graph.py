"""Concept graph on the fixtures: every format renders; broken traces are marked."""

from __future__ import annotations

import json

import pytest

from curriculum_cli.graph import FORMATS, build_graph, render
from curriculum_cli.load.curriculum import open_curriculum

from .conftest import CLEAN, DEFECTS


def test_edges_go_from_teacher_to_learner() -> None:
    graph = build_graph(open_curriculum(CLEAN))
    assert [n.slug for n in graph.nodes] == ["alpha", "beta", "gamma", "delta", "epsilon"]
    edge = next(e for e in graph.edges if e.concept == "Broadcasting rules")
    assert (edge.source, edge.target, edge.depth, edge.status) == ("1.1/beta", "1.1/gamma", "DEVELOPED", "ok")
    assert all(e.status == "ok" for e in graph.edges)


def test_broken_traces_are_marked() -> None:
    graph = build_graph(open_curriculum(DEFECTS))
    broken = {(e.target, e.concept) for e in graph.edges if e.status == "broken"}
    assert ("1.1/gamma", "Stacking tensors") in broken
    assert ("1.2/epsilon", "Mean square loss") in broken
    assert any(n.missing and n.slug == "zeta" for n in graph.nodes)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders(fmt: str) -> None:
    text = render(build_graph(open_curriculum(DEFECTS)), fmt)
    assert "epsilon" in text


def test_json_round_trips() -> None:
    data = json.loads(render(build_graph(open_curriculum(DEFECTS)), "json"))
    assert {"modules", "nodes", "edges"} <= data.keys()


def test_html_is_self_contained() -> None:
    page = render(build_graph(open_curriculum(DEFECTS)), "html")
    assert "<script" in page and "<style>" in page
    assert "http://" not in page and "https://" not in page and "src=" not in page


def test_mermaid_and_dot_highlight_broken_edges() -> None:
    graph = build_graph(open_curriculum(DEFECTS))
    assert "linkStyle" in render(graph, "mermaid") and "-.->" in render(graph, "mermaid")
    assert 'color="#d62728"' in render(graph, "dot")


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        render(build_graph(open_curriculum(CLEAN)), "svg")
