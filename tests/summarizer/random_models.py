"""Random Hugging Face models with a tokenizer trained on the spot, for tests and benches.

Nothing here is downloaded: ``train_tokenizer`` fits a small Unigram tokenizer (NFC, Metaspace,
like SentencePiece) on the given Vietnamese text, and ``build_model`` saves a randomly initialised
model of one family next to it, shaped as asked. The models emit junk; they exist to check the
mechanics of conversion and generation (parity, batching, limits), never wording.

Families: ``t5`` (tied embeddings, output rescaled, like ViT5-base), ``t5-untied`` (T5 v1.1 / mT5 /
ViT5-large as transformers 4.x saved them: ``tie_word_embeddings: false`` and a separate
``lm_head``), ``bart``, ``mbart`` (BARTpho-style: decoding starts at ``</s>``), ``llama``, and
``mpt`` (PhoGPT-style: the folder carries its own ``MPTConfig``/``MPTForCausalLM`` code and an
``auto_map``; that code subclasses transformers' native MPT port, because mosaicml's original
files cannot be fetched here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["FAMILIES", "build_model", "train_tokenizer"]

FAMILIES = ("t5", "t5-untied", "bart", "mbart", "llama", "mpt")

_SPECIALS: dict[str, tuple[dict[str, str], str]] = {
    "t5": ({"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}, "$A </s>"),
    "bart": ({"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}, "<s> $A </s>"),
    "llama": ({"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}, "<s> $A"),
}
_KIND = {"t5": "t5", "t5-untied": "t5", "bart": "bart", "mbart": "bart", "llama": "llama", "mpt": "llama"}


def train_tokenizer(texts: Iterable[str], family: str, vocab_size: int = 400) -> Any:
    """A ``PreTrainedTokenizerFast`` trained on ``texts`` with ``family``'s special tokens."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials, template = _SPECIALS[_KIND[family]]
    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=list(specials.values()), unk_token=specials["unk_token"]
    )
    tokenizer.train_from_iterator(list(texts), trainer)
    used = [tok for tok in specials.values() if tok in template.split()]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=template, special_tokens=[(tok, tokenizer.token_to_id(tok)) for tok in used]
    )
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, **specials)


def _ids(tokenizer: Any) -> dict[str, int]:
    names = ("pad_token_id", "eos_token_id", "bos_token_id", "unk_token_id")
    return {name: getattr(tokenizer, name) for name in names if getattr(tokenizer, name) is not None}


def _t5(tokenizer: Any, vocab: int, shape: dict[str, int], tied: bool) -> Any:
    from transformers import T5Config, T5ForConditionalGeneration

    d_model = shape.get("d_model", 32)
    config = T5Config(
        vocab_size=vocab, d_model=d_model, d_kv=d_model // shape.get("heads", 4), d_ff=shape.get("d_ff", 64),
        num_layers=shape.get("layers", 2), num_decoder_layers=shape.get("layers", 2), num_heads=shape.get("heads", 4),
        feed_forward_proj="relu" if tied else "gated-gelu", tie_word_embeddings=tied,
        decoder_start_token_id=tokenizer.pad_token_id, **_ids(tokenizer),
    )
    return T5ForConditionalGeneration(config)


def _bart(tokenizer: Any, vocab: int, shape: dict[str, int], mbart: bool) -> Any:
    from transformers import BartConfig, BartForConditionalGeneration, MBartConfig, MBartForConditionalGeneration

    config_class, model_class = (
        (MBartConfig, MBartForConditionalGeneration) if mbart else (BartConfig, BartForConditionalGeneration)
    )
    d_model = shape.get("d_model", 32)
    extra = {"tokenizer_class": "PreTrainedTokenizerFast"} if mbart else {}
    config = config_class(
        vocab_size=vocab, d_model=d_model, encoder_layers=shape.get("layers", 2), decoder_layers=shape.get("layers", 2),
        encoder_attention_heads=shape.get("heads", 4), decoder_attention_heads=shape.get("heads", 4),
        encoder_ffn_dim=shape.get("d_ff", 64), decoder_ffn_dim=shape.get("d_ff", 64), max_position_embeddings=1024,
        decoder_start_token_id=tokenizer.eos_token_id, forced_bos_token_id=None, **_ids(tokenizer), **extra,
    )
    return model_class(config)


def _llama(tokenizer: Any, vocab: int, shape: dict[str, int]) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=vocab, hidden_size=shape.get("d_model", 32), intermediate_size=shape.get("d_ff", 64),
        num_hidden_layers=shape.get("layers", 2), num_attention_heads=shape.get("heads", 4),
        num_key_value_heads=shape.get("kv_heads", 2), max_position_embeddings=1024, tie_word_embeddings=False,
        **_ids(tokenizer),
    )
    return LlamaForCausalLM(config)


_MPT_CONFIG_CODE = '''"""MPTConfig as PhoGPT's remote code names it (a thin layer over transformers' MPT port)."""
from transformers import MptConfig


class MPTConfig(MptConfig):
    model_type = "mpt"
'''
_MPT_MODEL_CODE = '''"""MPTForCausalLM as PhoGPT's remote code names it (a thin layer over transformers' MPT port)."""
from transformers import MptForCausalLM

from .configuration_mpt import MPTConfig


class MPTForCausalLM(MptForCausalLM):
    config_class = MPTConfig
'''


def _mpt(tokenizer: Any, vocab: int, shape: dict[str, int], folder: Path) -> Any:
    from transformers import MptConfig, MptForCausalLM

    config = MptConfig(
        vocab_size=vocab, d_model=shape.get("d_model", 32), n_layers=shape.get("layers", 2),
        n_heads=shape.get("heads", 4), expansion_ratio=2, max_seq_len=1024, no_bias=True,
        initializer_range=0.1, **_ids(tokenizer),
    )
    model = MptForCausalLM(config)
    (folder / "configuration_mpt.py").write_text(_MPT_CONFIG_CODE, encoding="utf-8")
    (folder / "modeling_mpt.py").write_text(_MPT_MODEL_CODE, encoding="utf-8")
    return model


def _untie_t5(folder: Path, seed: int) -> None:
    """Rewrite a saved T5 the way transformers 4.x saved untied ones (separate lm_head weights)."""
    import torch
    from safetensors.torch import load_file, save_file

    weights = load_file(str(folder / "model.safetensors"))
    generator = torch.Generator().manual_seed(seed + 1)
    weights["lm_head.weight"] = torch.randn(weights["shared.weight"].shape, generator=generator)
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.pop("scale_decoder_outputs", None)
    config["tie_word_embeddings"] = False
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def _mark_remote(folder: Path) -> None:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["architectures"] = ["MPTForCausalLM"]
    config["auto_map"] = {
        "AutoConfig": "configuration_mpt.MPTConfig",
        "AutoModelForCausalLM": "modeling_mpt.MPTForCausalLM",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def build_model(
    folder: Path, family: str, tokenizer: Any, *, vocab_size: int | None = None, seed: int = 0, **shape: int
) -> Path:
    """Save a random ``family`` model and ``tokenizer`` into ``folder`` (tiny unless ``shape`` says)."""
    import torch

    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    vocab = vocab_size or len(tokenizer)
    if family in ("t5", "t5-untied"):
        model = _t5(tokenizer, vocab, shape, tied=family == "t5")
    elif family in ("bart", "mbart"):
        model = _bart(tokenizer, vocab, shape, mbart=family == "mbart")
    elif family == "llama":
        model = _llama(tokenizer, vocab, shape)
    else:
        model = _mpt(tokenizer, vocab, shape, folder)
    model.eval().save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    if family == "t5-untied":
        _untie_t5(folder, seed)
    if family == "mpt":
        _mark_remote(folder)
    return folder
