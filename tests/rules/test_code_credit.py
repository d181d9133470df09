"""What credits an API or a keyword: allowlist forms, record rows, module constructors.

A small course about sensor readings; each defect has a near miss that stays silent.
"""

from __future__ import annotations

from collections import defaultdict

from curriculum_cli.execute.analysis import Chain, check_chain
from curriculum_cli.execute.blocks import BlockResult
from curriculum_cli.execute.inventory import ApiRow, build_inventory
from curriculum_cli.execute.sources import read_artifact
from curriculum_cli.execute.static import analyze_chain


def _check(
    code: str,
    records: tuple[str, ...] = (),
    allowlist: tuple[str, ...] = (),
    called: set[str] | None = None,
    prose: str = "Readings from one sensor.",
) -> dict[str, list[str]]:
    artifact = read_artifact("sensors.md", f"# Sensors\n\n{prose}\n\n```python\n{code}```\n")
    chain = Chain(artifact, analyze_chain(artifact.blocks))
    if called is not None:
        chain.results = {b.index: BlockResult(b.index, "ok", called=set(called)) for b in artifact.blocks}
    rows = [ApiRow("basics (3.1)", 0, "`import torch`, `from torch import nn`, `torch.tensor(data)`")]
    rows += [ApiRow("sensors (3.2)", 1, text) for text in records]
    inventory = build_inventory(rows, 1, (), allowlist)
    issues: dict[str, list] = defaultdict(list)
    check_chain(chain, inventory, 1e-4, issues, ["torch"])
    return {code: [issue.subject for issue in items] for code, items in issues.items() if items}


READINGS = "import torch\nreadings = torch.tensor([20.5, 21.0, 19.5])\nfirst = readings[0].item()\nprint(readings.shape, first)\n"


def test_a_method_allowlisted_as_dot_name_covers_traced_tensor_methods() -> None:
    called = {"torch.tensor", "torch.Tensor.item", "torch.Tensor.shape"}
    found = _check(READINGS, allowlist=(".item", ".shape"), called=called)
    assert "C201" not in found


def test_an_allowlisted_method_does_not_cover_another_method() -> None:
    called = {"torch.tensor", "torch.Tensor.item", "torch.Tensor.shape"}
    found = _check(READINGS, allowlist=(".shape",), called=called)
    assert found["C201"] == ["torch.Tensor.item"]


def test_alias_and_bare_name_allowlist_entries() -> None:
    code = "import torch\nfrom torch import nn\nfrom torch.utils.data import ConcatDataset\nflat = nn.Flatten()\n"
    assert "C201" not in _check(code, allowlist=("nn.Flatten", "ConcatDataset"))
    assert _check(code, allowlist=("nn.Flatten",))["C201"] == ["torch.utils.data.ConcatDataset"]


LOADING = (
    "import torch\n"
    "from torch.utils.data import ConcatDataset, Subset, WeightedRandomSampler\n"
    "weights = torch.ones(4)\n"
    "sampler = WeightedRandomSampler(weights, 8)\n"
)


def test_record_rows_writing_an_import_or_a_bare_call_teach_those_names() -> None:
    records = (
        "Joining sensors `from torch.utils.data import ConcatDataset, Subset`",
        "Sampling rare readings `WeightedRandomSampler(weights, num_samples=8)`, `torch.ones(n)`",
    )
    assert "C201" not in _check(LOADING, records=records)


def test_a_name_no_record_writes_is_still_untaught() -> None:
    records = ("Joining sensors `from torch.utils.data import ConcatDataset, Subset`", "`torch.ones(n)`")
    found = _check(LOADING, records=records)
    assert found["C201"] == ["torch.utils.data.WeightedRandomSampler"]


NORM = "import torch\nfrom torch import nn\nnorm = nn.LayerNorm(4, elementwise_affine=False)\n"


def test_a_keyword_of_a_module_constructor_is_judged_even_when_its_module_is_allowlisted() -> None:
    found = _check(NORM, allowlist=("torch.nn",))
    assert found["C203"] == ["elementwise_affine="]
    assert "C201" not in found


def test_a_constructor_keyword_explained_or_its_class_allowlisted_is_silent() -> None:
    assert "C203" not in _check(NORM, allowlist=("torch.nn",), prose="Without `elementwise_affine` the layer has no weights.")
    assert "C203" not in _check(NORM, allowlist=("nn.LayerNorm",))
    commented = NORM.replace("False)", "False)  # elementwise_affine: no learnable scale")
    assert "C203" not in _check(commented, allowlist=("torch.nn",))


def test_a_traced_tensor_attribute_no_record_names_is_not_an_api_finding() -> None:
    called = {"torch.tensor", "torch.Tensor.item", "torch.Tensor.shape"}
    assert "C201" not in _check(READINGS, allowlist=(".item",), called=called)


def test_a_traced_tensor_attribute_a_later_record_names_is_reported() -> None:
    called = {"torch.tensor", "torch.Tensor.item", "torch.Tensor.shape"}
    rows = [ApiRow("basics (3.1)", 0, "`import torch`, `torch.tensor(data)`"), ApiRow("shapes (3.4)", 4, "`x.shape`")]
    artifact = read_artifact("sensors.md", f"# Sensors\n\nText.\n\n```python\n{READINGS}```\n")
    chain = Chain(artifact, analyze_chain(artifact.blocks))
    chain.results = {b.index: BlockResult(b.index, "ok", called=called) for b in artifact.blocks}
    issues: dict[str, list] = defaultdict(list)
    check_chain(chain, build_inventory(rows, 1, (), (".item",)), 1e-4, issues, ["torch"])
    assert [issue.message for issue in issues["C201"]] == [
        "API `torch.Tensor.shape` is not taught by this lesson or an earlier one; taught later in `shapes (3.4)`"
    ]


STATION = (
    "import torch\nfrom torch import nn\n"
    "class Station(nn.Module):\n"
    "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, 1)\n"
    "    def calibrate(self, offset=0.0):\n        return offset\n"
    "station = Station()\n"
    "station.calibrate(offset=0.5)\n"
    "station.load_state_dict(station.state_dict(), strict=False)\n"
)


def test_a_keyword_of_an_inherited_torch_method_is_judged_on_a_subclass_instance() -> None:
    found = _check(STATION, allowlist=("torch",))
    assert found["C203"] == ["strict="]  # offset= belongs to the lesson's own method


def test_an_inherited_method_keyword_explained_in_prose_is_silent() -> None:
    assert "C203" not in _check(STATION, allowlist=("torch",), prose="With `strict` off, missing keys are ignored.")


GAUGES = "import torch\nfrom torch import nn\nstep = nn.GRUCell(input_size=2, hidden_size=6)\n"


def test_parameters_a_record_names_in_another_signature_are_credited_by_name() -> None:
    records = ("Whole sequences of gauge readings `nn.GRU(input_size, hidden_size, batch_first=True)`",)
    assert "C203" not in _check(GAUGES, records=records)


def test_a_keyword_no_signature_names_is_still_unexplained() -> None:
    records = ("Whole sequences of gauge readings `nn.GRU(input_size, batch_first=True)`, `nn.GRU(x)`",)
    assert _check(GAUGES, records=records)["C203"] == ["hidden_size="]
    mixed = GAUGES + "norm = nn.BatchNorm1d(6, affine=False)\n"
    records = ("`nn.GRU(input_size, hidden_size)` over the gauges",)
    assert _check(mixed, records=records)["C203"] == ["affine="]
