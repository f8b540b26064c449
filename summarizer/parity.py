"""Parity of a converted model with its Hugging Face original: same log-probs for the same tokens.

``check_parity`` scores (source, target) pairs with CTranslate2's ``score_batch`` (encoder-decoder)
or ``Generator.score_batch`` (decoder-only) and with the transformers model, and returns the
largest absolute difference of any token's log-probability. A float32 conversion should agree to
about 1e-4; the untied-T5 trap shows up as differences of 5 to 20.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ctranslate2
import numpy as np

from bantin.errors import ModelError
from bantin.summarizer.card import model_card

__all__ = ["PARITY_SAMPLE", "check_parity"]

# The pair ``bantin model convert --check`` and ``bantin model pull`` score on both sides.
PARITY_SAMPLE = (
    (
        "vietnews: Tại TP.HCM, các doanh nghiệp công nghệ đang ứng dụng trí tuệ nhân tạo vào sản xuất.",
        "Doanh nghiệp TP.HCM ứng dụng trí tuệ nhân tạo.",
    ),
)


def _hf_model(source: Path, engine: str, trust_remote_code: bool):  # noqa: ANN202 - transformers types
    import transformers

    auto = transformers.AutoModelForSeq2SeqLM if engine == "encoder-decoder" else transformers.AutoModelForCausalLM
    return auto.from_pretrained(str(source), trust_remote_code=trust_remote_code, dtype="float32").eval()


def _seq2seq_gap(model, tokenizer, folder: Path, pairs: Sequence[tuple[str, str]]) -> float:  # noqa: ANN001
    import torch

    translator = ctranslate2.Translator(str(folder), device="cpu", compute_type="float32")
    worst = 0.0
    for source, target in pairs:
        src = tokenizer(source).input_ids
        tgt = tokenizer(text_target=target).input_ids
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([src]), labels=torch.tensor([tgt])).logits[0]
        expected = torch.log_softmax(logits.float(), -1)[torch.arange(len(tgt)), torch.tensor(tgt)].numpy()
        eos = tokenizer.eos_token_id
        body = tgt[:-1] if tgt and tgt[-1] == eos else tgt  # CTranslate2 appends the end token itself
        start = tokenizer.convert_ids_to_tokens(body[:1]) if model.config.model_type in ("bart", "mbart") else []
        result = translator.score_batch(
            [tokenizer.convert_ids_to_tokens(src)], [tokenizer.convert_ids_to_tokens(body)]
        )[0]
        got = np.asarray(result.log_probs)
        if len(start) and len(got) == len(expected) - 1:
            expected = expected[1:]
        worst = max(worst, float(np.abs(got - expected[: len(got)]).max()))
    return worst


def _causal_gap(model, tokenizer, folder: Path, pairs: Sequence[tuple[str, str]]) -> float:  # noqa: ANN001
    import torch

    generator = ctranslate2.Generator(str(folder), device="cpu", compute_type="float32")
    worst = 0.0
    for source, target in pairs:
        ids = tokenizer(source + " " + target).input_ids
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0]
        logp = torch.log_softmax(logits.float(), -1)
        expected = logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].numpy()
        result = generator.score_batch([tokenizer.convert_ids_to_tokens(ids)])[0]
        got = np.asarray(result.log_probs)
        worst = max(worst, float(np.abs(got - expected[: len(got)]).max()))
    return worst


def check_parity(
    source: Path,
    converted: Path,
    pairs: Sequence[tuple[str, str]],
    *,
    trust_remote_code: bool = False,
) -> float:
    """Largest |log p_CTranslate2 - log p_transformers| over every target token of ``pairs``."""
    from transformers import AutoTokenizer

    card = model_card(Path(converted))
    if not pairs:
        raise ModelError("check_parity needs at least one (source, target) pair")
    tokenizer = AutoTokenizer.from_pretrained(str(converted), trust_remote_code=trust_remote_code)
    model = _hf_model(Path(source), card.engine, trust_remote_code)
    if card.engine == "encoder-decoder":
        return _seq2seq_gap(model, tokenizer, Path(converted), pairs)
    return _causal_gap(model, tokenizer, Path(converted), pairs)
