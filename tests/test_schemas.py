"""The published JSON Schemas match the models, and the tool's output matches them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from curriculum_cli import schemas
from curriculum_cli.cli import run
from curriculum_cli.config import Config

ROOT = Path(__file__).parent.parent
SCHEMA_DIR = ROOT / "schemas"
FIXTURES = ROOT / "tests" / "fixtures" / "plan"


def load(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for schema ``name`` (its own validity is tested once, below)."""
    return jsonschema.Draft202012Validator(load(name))


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_schema_file_is_up_to_date(name: str) -> None:
    path = SCHEMA_DIR / name
    assert path.is_file(), f"schemas/{name} is missing; regenerate with: {schemas.REGENERATE}"
    want = schemas.generate()[name]
    assert path.read_text(encoding="utf-8") == want, f"schemas/{name} is stale; regenerate with: {schemas.REGENERATE}"


def test_schema_folder_has_no_other_files() -> None:
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(schemas.SCHEMAS)


def test_generation_is_deterministic() -> None:
    first, second = schemas.generate(), schemas.generate()
    assert first == second
    for text in first.values():
        assert text.endswith("}\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_schemas_are_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load(name))


def test_check_mode_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert schemas.main(["--dir", str(tmp_path)]) == 0
    assert schemas.main(["--dir", str(tmp_path), "--check"]) == 0
    (tmp_path / "finding.schema.json").write_text("{}\n", encoding="utf-8")
    assert schemas.main(["--dir", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "finding.schema.json" in err and schemas.REGENERATE in err


@pytest.mark.parametrize("fixture", ["clean.md", "done-when.md", "P101-ok-older-names.md", "P103-ragged-rows.md"])
def test_parse_json_output_validates(fixture: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["parse", "--format", "json", str(FIXTURES / fixture)]) == 0
    output = json.loads(capsys.readouterr().out)
    validator("lesson-plan.schema.json").validate(output)


def test_lesson_plan_schema_rejects_a_wrong_document() -> None:
    schema = validator("lesson-plan.schema.json")
    with pytest.raises(jsonschema.ValidationError):
        schema.validate({"path": "x.md", "concepts": "not a list"})
    with pytest.raises(jsonschema.ValidationError):
        schema.validate({"header": {}})  # no path


def test_check_json_findings_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--no-exec", "--format", "json", str(FIXTURES / "done-when.md")]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings
    for finding in findings:
        validator("finding.schema.json").validate(finding)


def test_default_config_validates() -> None:
    schema = validator("config.schema.json")
    schema.validate(Config().model_dump(mode="json"))
    with pytest.raises(jsonschema.ValidationError):
        schema.validate({"fail_on": "FATAL"})
    with pytest.raises(jsonschema.ValidationError):
        schema.validate({"selekt": ["P"]})  # unknown keys are refused, as by Config
