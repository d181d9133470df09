"""Which modules a student has, and which missing module is a typo.

A module missing on the checking machine is a fact about that machine, not a
lesson defect ("not verified here"), unless its name is a near-typo of a
module the student is known to have (``import numpyy``): then the student
hits the same ``ModuleNotFoundError``.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from functools import lru_cache

#: Packages Google Colab ships without a pip line (import names).  One per line
#: group; a course run elsewhere adds its own with ``exec.assumed_packages``.
COLAB_PACKAGES: frozenset[str] = frozenset({
    "torch", "torchvision", "torchaudio", "torchtext", "torchdata",
    "numpy", "scipy", "pandas", "matplotlib", "seaborn", "plotly", "altair", "bokeh",
    "sklearn", "skimage", "PIL", "cv2", "imageio", "h5py",
    "tensorflow", "keras", "jax", "jaxlib", "flax", "optax",
    "transformers", "tokenizers", "huggingface_hub", "safetensors", "accelerate", "sentencepiece",
    "nltk", "spacy", "gensim", "statsmodels", "sympy", "networkx", "xgboost", "lightgbm",
    "tqdm", "requests", "bs4", "yaml", "IPython", "ipywidgets", "google", "tensorboard",
    "einops", "pydot", "graphviz", "cvxpy", "numba", "pyarrow", "polars",
})


@lru_cache(maxsize=1)
def _installed_here() -> frozenset[str]:
    try:
        from importlib.metadata import packages_distributions

        return frozenset(name for name in packages_distributions() if name.isidentifier())
    except Exception:  # noqa: BLE001 - broken metadata only narrows the typo check
        return frozenset()


def known_modules(extra: Collection[str] = ()) -> set[str]:
    """Modules a student running the lesson is known to have."""
    return {*sys.stdlib_module_names, *COLAB_PACKAGES, *_installed_here(), *extra}


def near_typo(module: str, known: Collection[str]) -> str | None:
    """The known module ``module`` is a near-typo of (``numpyy`` -> ``numpy``), if any."""
    top = module.split(".")[0]
    if top in known or len(top) < 4 or top.startswith("_"):
        return None
    limit = 1 if len(top) <= 6 else 2
    best: tuple[int, str] | None = None
    for name in known:
        if name.startswith("_") or abs(len(name) - len(top)) > limit:
            continue
        if len(top) <= 5 and not _slip(top.lower(), name.lower()):
            continue  # short names differ by one letter from real packages (timm, time)
        distance = edit_distance(top.lower(), name.lower(), limit)
        if distance <= limit and (best is None or (distance, name) < best):
            best = (distance, name)
    return best[1] if best else None


def _slip(a: str, b: str) -> bool:
    """Two neighbours swapped (``torhc``) or one letter doubled (``nummpy``)."""
    if len(a) == len(b):
        return sorted(a) == sorted(b) and a != b
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and any(
        longer[i] == longer[i - 1] and longer[:i] + longer[i + 1 :] == shorter for i in range(1, len(longer))
    )


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours counts 1), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
