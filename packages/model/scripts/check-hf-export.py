# Checks a `lathe export --format hf` directory with an independent reader: the `safetensors` Python package and a
# numpy GPT-2 forward written from Hugging Face's modeling_gpt2 (Conv1D x @ W + b, gelu_new, c_attn split q|k|v,
# heads as contiguous slices, causal softmax /sqrt(D), tied head), against logits from Lathe's host model.
# Usage: python3 check-hf-export.py <hf dir> <ref.json with {"ids": [...], "rows": [[V logits] per id]}>
import json, sys, numpy as np
from safetensors.numpy import load_file
w = load_file(f"{sys.argv[1]}/model.safetensors"); cfg = json.load(open(f"{sys.argv[1]}/config.json"))
ref = json.load(open(sys.argv[2]))
C, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]; D = C // H
def ln(x, p): m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True); return (x - m) / np.sqrt(v + cfg["layer_norm_epsilon"]) * w[p + ".weight"] + w[p + ".bias"]
def conv(x, p): return x @ w[p + ".weight"] + w[p + ".bias"]
def gelu_new(x): return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
ids = np.array(ref["ids"]); T = len(ids)
x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][:T]
for l in range(L):
    p = f"transformer.h.{l}"
    q, k, v = np.split(conv(ln(x, p + ".ln_1"), p + ".attn.c_attn"), 3, axis=-1)
    q, k, v = [t.reshape(T, H, D).transpose(1, 0, 2) for t in (q, k, v)]
    att = q @ k.transpose(0, 2, 1) / np.sqrt(D) + np.triu(np.full((T, T), -1e9), 1)
    att = np.exp(att - att.max(-1, keepdims=True)); att /= att.sum(-1, keepdims=True)
    y = (att @ v).transpose(1, 0, 2).reshape(T, C)
    x = x + conv(y, p + ".attn.c_proj")
    x = x + conv(gelu_new(conv(ln(x, p + ".ln_2"), p + ".mlp.c_fc")), p + ".mlp.c_proj")
logits = ln(x, "transformer.ln_f") @ w.get("lm_head.weight", w["transformer.wte.weight"]).T
print("max |hf - lathe| =", np.abs(logits - np.array(ref["rows"])).max(), "over", logits.size, "logits; tied:", "lm_head.weight" not in w)
tok = json.load(open(f"{sys.argv[1]}/tokenizer.json")); print("tokenizer.json model:", tok["model"]["type"], "vocab", len(tok["model"]["vocab"]), "config vocab", cfg["vocab_size"])
sys.exit(0 if np.abs(logits - np.array(ref["rows"])).max() < 1e-4 else 1)
