"""``curriculum.yaml`` (or ``[tool.curriculum]`` in pyproject.toml) -> :class:`Config`.

The YAML file is read with ruamel.yaml in round-trip mode so that a
validation error points at the line of the offending key, and so that
:func:`update_config_file` rewrites values keeping comments and key order.
Keys are the :class:`Config` field names; ``kebab-case`` is accepted too.
"""

from __future__ import annotations

import io
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

from curriculum_cli.config import Config
from curriculum_cli.errors import ConfigError, InputError
from curriculum_cli.load.files import atomic_write, decode, read_bytes

CONFIG_NAMES = ("curriculum.yaml", "curriculum.yml")


def config_path(root: Path) -> Path | None:
    """The configuration file at ``root``, if any (whatever its type: reading it says what is wrong)."""
    for name in CONFIG_NAMES:
        if os.path.lexists(root / name):
            return root / name
    return None


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def _plain(data: Any, parent_key: str = "") -> Any:
    """Plain Python data with ``kebab-case`` keys read as ``snake_case`` and severities upper-cased."""
    if isinstance(data, Mapping):
        keep = parent_key == "severity"  # rule codes are keys there, not config fields
        if parent_key in ("per_file_ignores", "per-file-ignores"):  # globs are keys there
            return {str(k): _plain(v) for k, v in data.items()}
        return {
            (str(k).upper() if keep else str(k).replace("-", "_")): _plain(v, "severity_value" if keep else str(k))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, str) and parent_key in ("fail_on", "fail-on", "severity_value"):
        return data.strip().upper()
    return data


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node ``loc`` reaches."""
    line = None
    for key in loc:
        if isinstance(node, CommentedMap):
            match = next((k for k in node if str(k).replace("-", "_") == str(key)), None)
            if match is None:
                break
            line = node.lc.key(match)[0] + 1
            node = node[match]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _validation_error(error: ValidationError, name: str, tree: Any) -> ConfigError:
    located = []
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        located.append((_line_of(tree, loc) if tree is not None else None, loc, item))
    line, loc, first = min(located, key=lambda entry: entry[0] or 10**9)
    key = ".".join(str(part) for part in loc) or "(top level)"
    where = f"{name}:{line}" if line else name
    more = f" (and {len(error.errors()) - 1} more)" if len(error.errors()) > 1 else ""
    return ConfigError(f"{where}: key '{key}': {first['msg']}{more}")


def validate(data: Any, name: str = "configuration", tree: Any = None) -> Config:
    """Build a :class:`Config` from plain data; :class:`ConfigError` names the key (and line)."""
    if data is None:
        return Config()
    if not isinstance(data, Mapping):
        raise ConfigError(f"{name}: expected a mapping of configuration keys, got {type(data).__name__}")
    try:
        return Config.model_validate(_plain(data))
    except ValidationError as error:
        raise _validation_error(error, name, tree) from None


#: Deepest nesting of mappings and lists accepted in a configuration file.
MAX_DEPTH = 32
#: Larger configuration files are refused (a real one is a few KB).
CONFIG_MAX_BYTES = 256 * 1024


def _read_config_text(path: Path) -> str:
    try:
        return decode(path.name, read_bytes(path, CONFIG_MAX_BYTES)).text
    except InputError as error:
        raise ConfigError(f"cannot read the configuration: {error}") from None


def _flow_depth_line(text: str) -> int | None:
    """Line where ``[``/``{`` brackets first nest deeper than :data:`MAX_DEPTH` (a cheap scan:
    the YAML parser is slow on deep flow collections)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for char in line.split(" #", 1)[0]:
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
    return None


def _check_structure(yaml: YAML, text: str, name: str) -> None:
    """Refuse aliases and nesting deeper than :data:`MAX_DEPTH` before anything is built.

    YAML aliases (``*name``) are refused outright: a few lines of them can
    expand to gigabytes (an alias bomb), and no configuration key needs them.
    Only parser events are read here, so nothing is expanded.
    """
    deep = _flow_depth_line(text)
    if deep is not None:
        raise ConfigError(f"{name}:{deep}: nested deeper than {MAX_DEPTH} levels; not a configuration")
    depth = 0
    for event in yaml.parse(text):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, AliasEvent):
            raise ConfigError(
                f"{name}:{line}: YAML aliases (*{event.anchor}) are not allowed in a configuration; write the value out"
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{name}:{line}: nested deeper than {MAX_DEPTH} levels; not a configuration")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _read_yaml(path: Path) -> Any:
    text = _read_config_text(path)
    yaml = _yaml()
    try:
        _check_structure(yaml, text, path.name)
        return yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path.name}{line}: invalid YAML: {error.problem or error}") from None
    except (YAMLError, RecursionError) as error:
        raise ConfigError(f"{path.name}: invalid YAML: {error or type(error).__name__}") from None


def load_config(root: Path) -> Config:
    """The configuration of the curriculum at ``root`` (defaults when there is no file).

    ``curriculum.yaml`` wins over ``[tool.curriculum]`` in ``pyproject.toml``.
    Raises :class:`ConfigError` as ``curriculum.yaml:LINE: key 'x': message``.
    """
    path = config_path(root)
    if path is None and os.path.lexists(root / "pyproject.toml"):
        path = root / "pyproject.toml"
    return load_config_file(path) if path is not None else Config()


def load_config_file(path: Path) -> Config:
    """Read one configuration file: YAML, or a ``pyproject.toml`` with ``[tool.curriculum]``."""
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        text = _read_config_text(path)
        if _flow_depth_line(text) is not None:
            raise ConfigError(f"{path.name}: nested deeper than {MAX_DEPTH} levels; not a configuration")
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as error:
            raise ConfigError(f"{path.name}: cannot read: {error or type(error).__name__}") from None
        section = data.get("tool", {}).get("curriculum")
        return validate(section, f"{path.name} [tool.curriculum]") if section is not None else Config()
    tree = _read_yaml(path)
    return validate(tree, path.name, tree)


def _deep_merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        key = key.replace("-", "_") if key not in out else key
        if value is None:
            continue
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def merge(file_config: Config, overrides: Mapping[str, Any] | None) -> Config:
    """``file_config`` with command-line ``overrides`` applied on top.

    ``overrides`` uses config keys (nested mappings for ``layout``/``exec``);
    ``None`` values mean "option not given" and are skipped. Lists replace
    lists (``select=["X1"]`` replaces the file's select).
    """
    if not overrides:
        return file_config
    data = _deep_merge(file_config.model_dump(mode="json"), overrides)
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"option '{key}': {first['msg']}") from None


def resolve_config(root: Path | None, overrides: Mapping[str, Any] | None = None) -> Config:
    """File config of ``root`` (defaults without a root) with ``overrides`` on top."""
    base = load_config(root) if root is not None else Config()
    return merge(base, overrides)


def update_config_file(root: Path, values: Mapping[str, Any]) -> Path:
    """Set top-level keys of ``curriculum.yaml`` (created if missing), keeping comments and order.

    The result is validated before it is written; the write is atomic.
    """
    path = config_path(root) or root / CONFIG_NAMES[0]
    tree = _read_yaml(path) if path.exists() else CommentedMap()
    if tree is None:
        tree = CommentedMap()
    for key, value in values.items():
        existing = next((k for k in tree if str(k).replace("-", "_") == key), key)
        tree[existing] = value
    validate(tree, path.name, tree)
    buffer = io.StringIO()
    _yaml().dump(tree, buffer)
    atomic_write(path, buffer.getvalue())
    return path
