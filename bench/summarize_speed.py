"""Speed: transformers ``generate`` against bantin's CTranslate2 engine on a ViT5-base-shaped T5.

The model is random (nothing is downloaded) but shaped like VietAI's ViT5-base: d_model 768,
12 encoder + 12 decoder layers, 12 heads, d_ff 3072, vocabulary 36,096, tied embeddings. Both sides
get the same 8 documents of 512 tokens and make exactly 64 new tokens with beam 4.

  (a) transformers ``generate``: float32 on the CPU, float16 with --device cuda;
  (b) bantin's encoder-decoder engine: int8 on the CPU, the auto GPU type (int8_bfloat16 for T5
      on compute capability >= 8.0) with --device cuda;
  (c) the raw ``Translator.translate_batch`` call bantin makes, on the same tokens;
  (d) bantin's own work timed alone (fitting, tokenization, decoding), which prices its overhead
      without the noise that other processes add to the (b) - (c) difference.

Run: python bench/summarize_speed.py [--device cpu|cuda] [--work DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "summarizer"))  # random_models: test tooling, not the product

DOCS, INPUT_TOKENS, NEW_TOKENS, BEAM = 8, 512, 64, 4
SHAPE = {"d_model": 768, "layers": 12, "heads": 12, "d_ff": 3072}
VOCAB = 36_096


def prepare(work: Path, device: str) -> tuple[Path, Path, list[str]]:
    from random_models import build_model, train_tokenizer

    from bantin.summarizer.convert import convert_model
    from bantin.summarizer.samples import SAMPLE_ARTICLE, TOKENIZER_CORPUS
    from bantin.summarizer.sentences import split_sentences

    hf, ct2 = work / "vit5-base-random", work / f"vit5-base-random-ct2-{device}"
    if not (hf / "config.json").is_file():
        build_model(hf, "t5", train_tokenizer(TOKENIZER_CORPUS, "t5", vocab_size=300), vocab_size=VOCAB, **SHAPE)
    if not (ct2 / "model.bin").is_file():
        convert_model(hf, ct2, quantization="int8", force=True)
    # No full stops: one long "sentence" per document, so both sides cut it at exactly 512 tokens.
    sentences = [s.rstrip(".") for s in split_sentences(SAMPLE_ARTICLE)]
    docs = [" ".join(sentences[(i + j) % len(sentences)] for j in range(40)) for i in range(DOCS)]
    return hf, ct2, docs


def timed(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench_transformers(hf: Path, docs: list[str], device: str, repeat: int) -> float:
    import torch
    from transformers import AutoTokenizer, T5ForConditionalGeneration

    dtype = torch.float16 if device == "cuda" else torch.float32
    model = T5ForConditionalGeneration.from_pretrained(str(hf), dtype=dtype).to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(hf))
    batch = tokenizer(docs, truncation=True, max_length=INPUT_TOKENS, return_tensors="pt").to(device)
    assert batch.input_ids.shape == (DOCS, INPUT_TOKENS), batch.input_ids.shape

    def run() -> None:
        with torch.inference_mode():
            model.generate(**batch, num_beams=BEAM, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False)
        if device == "cuda":
            torch.cuda.synchronize()

    return timed(run, repeat)


def bench_bantin(ct2: Path, docs: list[str], device: str, repeat: int) -> tuple[float, float, float, str, int]:
    from bantin.summarizer import ModelSpec, SummaryOptions, load_summarizer

    engine = load_summarizer(ModelSpec(path=ct2, device=device))
    options = SummaryOptions(max_length=NEW_TOKENS, min_length=NEW_TOKENS, beam_size=BEAM, no_repeat_ngram_size=0,
                             max_input_tokens=INPUT_TOKENS, max_batch_size=DOCS)
    summaries = engine.summarize(docs, options)  # warm-up, and the token counts to check
    assert all(s.input_tokens == INPUT_TOKENS and s.output_tokens == NEW_TOKENS for s in summaries)
    encoded = engine.model_inputs(docs, options)  # the exact tokens bantin sends

    def raw() -> None:
        engine.run(encoded, options)

    outputs = engine.run(encoded, options)
    own_s = timed(lambda: engine.model_inputs(docs, options), repeat) + timed(
        lambda: [engine.decode(tokens) for tokens in outputs], repeat
    )
    bantin_runs, raw_runs = [], []
    for _ in range(repeat):  # interleaved, so that load from other processes hits both alike
        bantin_runs.append(timed(lambda: engine.summarize(docs, options), 1))
        raw_runs.append(timed(raw, 1))
    return statistics.median(bantin_runs), statistics.median(raw_runs), own_s, engine.compute_type, len(encoded[0])


def main() -> None:
    parser = argparse.ArgumentParser(description="transformers generate vs bantin CTranslate2 on a ViT5-base-shaped T5")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--work", type=Path, help="keep the random model here (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs of each side (median)")
    parser.add_argument("--no-transformers", action="store_true", help="time only bantin and the raw call")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        hf, ct2, docs = prepare(work, args.device)
        bantin_s, raw_s, own_s, compute_type, tokens = bench_bantin(ct2, docs, args.device, args.repeat)
        hf_s = 0.0 if args.no_transformers else bench_transformers(hf, docs, args.device, args.repeat)
    hf_type = "float16" if args.device == "cuda" else "float32"
    print(f"ViT5-base-shaped random T5, {DOCS} docs x {tokens} tokens, {NEW_TOKENS} new tokens, beam {BEAM}, {args.device}")
    if hf_s:
        print(f"(a) transformers generate {hf_type:<14} {hf_s:8.2f} s")
    speed_up = f"   speed-up {hf_s / bantin_s:5.2f}x" if hf_s else ""
    print(f"(b) bantin CTranslate2 {compute_type:<17} {bantin_s:8.2f} s{speed_up}")
    print(f"(c) raw translate_batch {compute_type:<16} {raw_s:8.2f} s   (b) vs (c): {100 * (bantin_s - raw_s) / raw_s:+.1f}%")
    print(f"(d) bantin's own work alone (fit, tokenize, decode) {own_s:8.3f} s = {100 * own_s / raw_s:.2f}% of (c)")


if __name__ == "__main__":
    main()
