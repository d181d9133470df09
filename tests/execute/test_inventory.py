"""The taught-API inventory: spans, aliases, course order, NOT-list exclusions."""

from __future__ import annotations

from pathlib import Path

from curriculum_cli.config import Config
from curriculum_cli.execute.inventory import (
    ApiRow,
    build_inventory,
    parse_span,
    record_rows,
    teach_text,
)
from curriculum_cli.model.curriculum import Curriculum, Lesson, Module

MODULE = Path(__file__).parent.parent / "fixtures" / "code" / "course" / "series-2" / "module-2-1"

ROWS = [
    ApiRow("tensors (2.1)", 0, "Tensors | `torch.tensor()`, `.shape`, `.sum(dim=...)`"),
    ApiRow("autograd (2.1)", 1, "`requires_grad=True`, `.backward()`, `torch.no_grad()`"),
    ApiRow("nn-module (2.1)", 2, "`nn.Linear`, `F.relu`, `torch.matmul()`"),
]


def test_span_parsing() -> None:
    span = parse_span(".sum(dim=...)")
    assert span.methods == {"sum"} and span.keywords == {"dim"}
    assert parse_span("nn.Linear").paths == {"torch.nn.Linear"}
    assert parse_span("F.relu(x)").paths == {"torch.nn.functional.relu"}
    assert parse_span("np.zeros((2, 3))").paths == {"numpy.zeros"}
    assert parse_span("x.grad.zero_()").methods == {"grad", "zero_"}
    assert parse_span("requires_grad=True").keywords == {"requires_grad"}
    assert parse_span("torch.Tensor.backward").methods == {"backward"}
    assert parse_span("x = torch.ones(3)").keywords == set()


def test_bare_names_in_planning_text() -> None:
    taught = teach_text("creates them with torch.zeros() and plt.plot, then .detach() it")
    assert {"torch.zeros", "matplotlib.pyplot.plot"} <= taught.paths
    assert "detach" in taught.methods


def test_course_order_and_later_lessons() -> None:
    inventory = build_inventory(ROWS, 1)
    assert inventory.covers("torch.tensor") and inventory.covers("torch.no_grad")
    assert inventory.covers("torch.Tensor.backward") and inventory.covers_keyword("dim")
    assert inventory.covers("torch", "import") and not inventory.covers("torch.zeros")
    assert not inventory.covers("torch.nn.Linear")
    assert inventory.taught_later("torch.nn.Linear") == "nn-module (2.1)"
    assert inventory.taught_later("torch.matmul") == "nn-module (2.1)"
    assert inventory.taught_later("torch.zeros") is None


def test_taught_module_does_not_cover_its_members() -> None:
    inventory = build_inventory([ApiRow("a", 0, "`torch`")], 0)
    assert inventory.covers("torch", "import")
    assert not inventory.covers("torch.randn")


def test_allowlist_default_and_config() -> None:
    inventory = build_inventory([], 0, allowlist=["matplotlib.pyplot", ".item"])
    assert inventory.covers("math.sqrt") and inventory.covers("collections.Counter")
    assert inventory.covers("matplotlib.pyplot.plot") and inventory.covers_method("item")
    assert not inventory.covers("os.path.join")


def test_not_list_exclusions() -> None:
    inventory = build_inventory(
        ROWS, 1, lesson_texts=["`nn.Linear` only"],
        not_items=["`torch.nn.functional` or `nn.Module` (lesson 3)", "optimizers such as torch.optim (module 2.2)"],
    )
    assert inventory.excluded_by("torch.nn.functional.relu") == "torch.nn.functional"
    assert inventory.excluded_by("torch.nn.functional") == "torch.nn.functional"
    assert inventory.excluded_by("torch.optim.SGD") == "torch.optim"
    assert inventory.excluded_by("torch.nn.Module") == "torch.nn.Module"
    assert inventory.excluded_by("torch.nn.Linear") is None  # taught by this lesson
    assert inventory.excluded_by("torch.tensor") is None


def test_record_rows_from_markdown_record() -> None:
    lessons = [Lesson("tensors", "2.1", 1, 0), Lesson("autograd", "2.1", 2, 1), Lesson("nn-module", "2.1", 3, 2)]
    curriculum = Curriculum(
        root=MODULE, config=Config(), lessons=lessons,
        modules={"2.1": Module("2.1", record_path=str(MODULE / "record.md"))},
    )
    rows = record_rows(curriculum)
    assert [(r.lesson, r.order) for r in rows] == [
        ("tensors (2.1)", 0), ("tensors (2.1)", 0), ("autograd (2.1)", 1), ("nn-module (2.1)", 2), ("nn-module (2.1)", 2),
    ]


def test_record_rows_from_modelled_record() -> None:
    class Row:
        def __init__(self, concept: str, lesson: str, notes: str) -> None:
            self.concept, self.lesson, self.notes = concept, lesson, notes

    class Record:
        concept_index = [Row("Autograd", "autograd (2.1.2)", "`.backward()`")]

    lessons = [Lesson("autograd", "2.1", 2, 0)]
    curriculum = Curriculum(root=MODULE, config=Config(), lessons=lessons, modules={"2.1": Module("2.1", record=Record())})
    assert record_rows(curriculum) == [ApiRow("autograd (2.1)", 0, "Autograd `.backward()`")]


def test_a_bare_backticked_name_teaches_the_attribute() -> None:
    inventory = build_inventory([], 0, ["`requires_grad` flag and its effect"])
    assert inventory.covers("torch.Tensor.requires_grad")
    assert not inventory.covers("torch.Tensor.grad_fn")


def test_misconceptions_and_examples_of_the_lessons_own_plan_name_what_it_shows() -> None:
    from curriculum_cli.execute.inventory import plan_texts
    from curriculum_cli.model.plan import Example, LessonPlan, Misconception

    plan = LessonPlan(
        path="humidity.md",
        misconceptions=[Misconception(text="A rounded reading is exact", negative_example="`.round()` drops the fraction")],
        examples=[Example(name="Two sensors", purpose="compare them with `torch.isclose()`")],
    )
    inventory = build_inventory([], 0, plan_texts(plan))
    assert inventory.covers("torch.Tensor.round") and inventory.covers("torch.isclose")
    assert not inventory.covers("torch.Tensor.floor") and not inventory.covers("torch.allclose")
