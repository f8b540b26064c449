"""Choosing the device and the CTranslate2 compute type.

``auto`` picks CUDA when ``ctranslate2.get_cuda_device_count() > 0``, else the CPU. The compute type
``auto`` is ``int8`` on the CPU and ``int8_float16`` on a GPU, except for T5-family models, whose
activations overflow in float16: they get ``int8_bfloat16`` where the GPU supports bfloat16
(compute capability >= 8.0), else ``int8_float32``.

``cuda_problem`` says in one line why CUDA cannot be used (CTranslate2 built without CUDA, no GPU
or driver, a compute type the GPU lacks) before CTranslate2 is asked to load anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import ctranslate2

from bantin.errors import ModelError

__all__ = ["Placement", "choose_placement", "cuda_device_count", "cuda_problem"]

FLOAT16_UNSAFE = frozenset({"t5", "mt5", "umt5", "longt5"})


@dataclass(frozen=True)
class Placement:
    """Where a model runs and with which compute type (and why, for the summary info)."""

    device: str
    compute_type: str
    reason: str


def cuda_device_count() -> int:
    return ctranslate2.get_cuda_device_count()


def _cuda_compute_types() -> tuple[set[str], str]:
    """(compute types CTranslate2 supports on the GPU, why it could not tell); ``ModelError`` when
    this CTranslate2 has no CUDA at all."""
    try:
        return set(ctranslate2.get_supported_compute_types("cuda")), ""
    except ValueError as exc:  # str_to_device: "not compiled with CUDA support"
        raise ModelError(
            f"--device cuda: this CTranslate2 {ctranslate2.__version__} was built without CUDA "
            "(install the PyPI wheel for Linux x86-64, which has it, or use --device cpu)"
        ) from exc
    except RuntimeError as exc:  # a CUDA build without a usable driver or device
        return set(), " ".join(str(exc).split())[:160]


def cuda_problem(compute_type: str = "auto") -> str | None:
    """Why ``--device cuda`` cannot run (one line), or None when it can, with ``compute_type``."""
    try:
        supported, cause = _cuda_compute_types()
    except ModelError as exc:
        return str(exc)
    if cuda_device_count() == 0:
        detail = f" ({cause})" if cause else " (no NVIDIA driver or device visible: check nvidia-smi and CUDA_VISIBLE_DEVICES)"
        return f"--device cuda was asked for, but CTranslate2 sees no CUDA GPU{detail}; use --device cpu or auto"
    if compute_type not in ("auto", "default") and compute_type not in supported:
        return (f"--device cuda: compute type {compute_type!r} is not supported on this GPU "
                f"(supported: {', '.join(sorted(supported)) or 'none'})")
    return None


def choose_placement(device: str, compute_type: str, family: str) -> Placement:
    """Resolve ``device`` (auto|cpu|cuda) and ``compute_type`` (auto or a CTranslate2 name).

    ``family`` is the Hugging Face ``model_type`` (``t5``, ``bart``, ``llama``...). Raises
    ``ModelError`` for ``cuda`` without a GPU or a compute type the device cannot run.
    """
    if device == "auto":
        device = "cuda" if cuda_device_count() > 0 else "cpu"
    elif device == "cuda":
        problem = cuda_problem(compute_type)
        if problem:
            raise ModelError(problem)
    elif device != "cpu":
        raise ModelError(f"unknown device {device!r} (choose: auto, cpu, cuda)")
    supported = set(ctranslate2.get_supported_compute_types(device))
    if compute_type != "auto":
        if compute_type not in supported and compute_type not in ("default", "auto"):
            raise ModelError(
                f"compute type {compute_type!r} is not supported on {device} (supported: {', '.join(sorted(supported))})"
            )
        return Placement(device, compute_type, "asked for")
    if device == "cpu":
        return Placement("cpu", "int8" if "int8" in supported else "float32", "CPU default")
    if family.lower() in FLOAT16_UNSAFE:
        if "int8_bfloat16" in supported:
            return Placement("cuda", "int8_bfloat16", "T5 overflows in float16; GPU supports bfloat16")
        if "bfloat16" in supported:
            return Placement("cuda", "bfloat16", "T5 overflows in float16; GPU supports bfloat16")
        return Placement("cuda", "int8_float32", "T5 overflows in float16; GPU lacks bfloat16 (< 8.0)")
    if "int8_float16" in supported:
        return Placement("cuda", "int8_float16", "GPU default")
    return Placement("cuda", "float16" if "float16" in supported else "float32", "GPU without int8")
