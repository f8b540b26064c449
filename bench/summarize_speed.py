"""Speed: transformers ``generate`` against bantin's CTranslate2 engine on a ViT5-base-shaped T5, fairly.

The model is random (nothing is downloaded) but shaped like VietAI's ViT5-base: d_model 768,
12 encoder + 12 decoder layers, 12 heads, d_ff 3072, vocabulary 36,096, tied embeddings. Both sides
get the same 8 documents of 512 tokens and make exactly 64 new tokens with beam 4.

Fair by construction:
- both sides use the same number of threads, the CPU cores this process may use (torch
  ``set_num_threads``; CTranslate2 ``intra_threads``); ``--threads`` changes both;
- both models are loaded first, then the runs alternate (peer, bantin, peer, bantin ...), so load
  from other processes hits both alike; every run is printed with the 1-minute load average taken
  just before it, and the medians give the ratio;
- one warm-up call per side is not timed.

Sides: (a) transformers ``generate``, float32 on the CPU (float16 with --device cuda); (b) bantin's
encoder-decoder engine, int8 on the CPU (the auto GPU type with --device cuda); with ``--before``
also (c) bantin as it loaded models before, with CTranslate2's default ``intra_threads`` (4), the
speed-up that thread count alone gives.

Run: flock /tmp/bantin-bench.lock python bench/summarize_speed.py [--device cpu|cuda] [--runs N] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "summarizer"), str(ROOT / "tests")]  # test tooling

DOCS, INPUT_TOKENS, NEW_TOKENS, BEAM = 8, 512, 64, 4
SHAPE = {"d_model": 768, "layers": 12, "heads": 12, "d_ff": 3072}
VOCAB = 36_096


def prepare(work: Path, device: str) -> tuple[Path, Path, list[str]]:
    from bantin_samples import SAMPLE_ARTICLE, TOKENIZER_CORPUS
    from random_models import build_model, train_tokenizer

    from bantin.summarizer.convert import convert_model
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


def transformers_side(hf: Path, docs: list[str], device: str, threads: int) -> Callable[[], None]:
    import torch
    from transformers import AutoTokenizer, T5ForConditionalGeneration

    torch.set_num_threads(threads)
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

    return run


def bantin_side(ct2: Path, docs: list[str], device: str, threads: int) -> tuple[Callable[[], None], str, float]:
    """(one run, the compute type, bantin's own work in seconds: fitting, tokenizing, decoding)."""
    from bantin.summarizer import ModelSpec, SummaryOptions, load_summarizer

    engine = load_summarizer(ModelSpec(path=ct2, device=device, threads=threads))
    options = SummaryOptions(max_length=NEW_TOKENS, min_length=NEW_TOKENS, beam_size=BEAM, no_repeat_ngram_size=0,
                             max_input_tokens=INPUT_TOKENS, max_batch_size=DOCS)
    summaries = engine.summarize(docs, options)  # the token counts to check
    assert all(s.input_tokens == INPUT_TOKENS and s.output_tokens == NEW_TOKENS for s in summaries)
    encoded = engine.model_inputs(docs, options)
    outputs = engine.run(encoded, options)
    began = time.perf_counter()
    engine.model_inputs(docs, options)
    [engine.decode(tokens) for tokens in outputs]
    own = time.perf_counter() - began
    return (lambda: engine.summarize(docs, options)), engine.compute_type, own


def main() -> None:
    parser = argparse.ArgumentParser(description="transformers generate vs bantin CTranslate2 on a ViT5-base-shaped T5")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--work", type=Path, help="keep the random model here (default: a temporary folder)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side, alternating")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)), help="threads of both sides")
    parser.add_argument("--before", action="store_true", help="also time CTranslate2's default intra_threads (4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        hf, ct2, docs = prepare(work, args.device)
        bantin_run, compute_type, own = bantin_side(ct2, docs, args.device, args.threads)
        sides: list[tuple[str, int, Callable[[], None]]] = [
            (f"transformers generate {'float16' if args.device == 'cuda' else 'float32'}", args.threads,
             transformers_side(hf, docs, args.device, args.threads)),
            (f"bantin CTranslate2 {compute_type}", args.threads, bantin_run),
        ]
        if args.before:
            before_run, _, _ = bantin_side(ct2, docs, args.device, 4)
            sides.append((f"bantin CTranslate2 {compute_type}, CT2 default threads", 4, before_run))
        for _, _, run in sides:
            run()  # warm-up, untimed
        times: dict[str, list[float]] = {name: [] for name, _, _ in sides}
        print(f"ViT5-base-shaped random T5, {DOCS} docs x {INPUT_TOKENS} tokens, {NEW_TOKENS} new tokens, beam {BEAM}, "
              f"{args.device}, {len(os.sched_getaffinity(0))} cores")
        print("| run | side | threads | seconds | load avg (1 min) before |")
        print("| --- | --- | --- | --- | --- |")
        for number in range(1, args.runs + 1):
            for name, threads, run in sides:
                load = os.getloadavg()[0]
                began = time.perf_counter()
                run()
                seconds = time.perf_counter() - began
                times[name].append(seconds)
                print(f"| {number} | {name} | {threads} | {seconds:.2f} | {load:.2f} |", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    peer, bantin = medians[sides[0][0]], medians[sides[1][0]]
    print(f"median: transformers {peer:.2f} s, bantin {bantin:.2f} s: bantin is {peer / bantin:.1f}x faster "
          f"(per run: {', '.join(f'{p / b:.1f}x' for p, b in zip(times[sides[0][0]], times[sides[1][0]], strict=True))})")
    if args.before:
        slow = medians[sides[2][0]]
        print(f"CTranslate2's default 4 threads: {slow:.2f} s; intra_threads = cores saves {100 * (slow - bantin) / slow:.0f}%")
    print(f"bantin's own work (fit, tokenize, decode) {own:.3f} s = {100 * own / bantin:.2f}% of a bantin run")


if __name__ == "__main__":
    main()
