// The table of `lathe` commands: positionals, options, help text, examples. args.ts parses against it and
// usage.ts prints it, so help and parsing can never disagree.
import type { CommandSpec, OptionSpec } from "./args.ts";
import { stageRegistry } from "./registry.ts";

const set: OptionSpec = {
  type: "string",
  multiple: true,
  value: "key=value",
  description: "Override a recipe field, e.g. --set train.lr=1e-3 (repeatable)",
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "build",
    summary: "Build recipes: run every stage that is not cached",
    description:
      "Loads each recipe, expands its sweep into trials, plans the stage graph and runs it. Stages whose key (params,\n" +
      "input contents, version) is already in the cache are not rerun. A recipe's pipeline ends where its sections do:\n" +
      "without model/train sections it stops after pack, without a tokenizer section after clean. With no recipe,\n" +
      "builds the default recipe named in package.json under lathe.default.",
    positionals: [{ name: "recipes", required: false, variadic: true }],
    options: {
      set,
      dry: { type: "boolean", description: "Run nothing; print for each stage hit or miss and, for a miss, what changed" },
      json: { type: "boolean", description: "Print one JSON object per line (build events, or the --dry plan)" },
      plain: { type: "boolean", description: "Plain log lines even in a terminal (the default when not a TTY)" },
      concurrency: { type: "int", value: "n", description: "Stages running at once (default: number of CPUs)" },
      continue: { type: "boolean", description: "Keep building independent stages and trials after a failure" },
      "remote-cache": {
        type: "string",
        value: "url",
        description: "A Turborepo remote cache: download stages before building, upload after (token LATHE_REMOTE_TOKEN, team LATHE_REMOTE_TEAM; default LATHE_REMOTE_CACHE)",
      },
      "remote-read-only": { type: "boolean", description: "Download from the remote cache, never upload" },
      queue: { type: "string", value: "url", description: "Run stages on `lathe worker`s through this Redis queue, e.g. redis://10.0.0.5:6379 (needs --remote-cache)" },
      fallback: { type: "string", choices: ["local", "error"], value: "mode", description: "When the queue's Redis or remote cache is unreachable: fail with one line (default) or build here (local)" },
      "remote-fallback": { type: "string", choices: ["local", "error"], value: "mode", description: "When the remote cache fails: build locally (default) or fail" },
      to: {
        type: "string",
        value: "stage",
        // The registered stages, in pipeline order (read when help is printed).
        get description() {
          return `Build each trial only up to this stage: ${stageRegistry().names().join(", ")}`;
        },
      },
    },
    examples: ["lathe build", "lathe build recipes/tiny.yaml --set train.lr=1e-3", "lathe build recipes/tiny.yaml --dry --json", "lathe build recipes/tiny.yaml --to clean --plain"],
  },
  {
    name: "explain",
    summary: "Say which stages are cached, and for each miss what changed",
    description:
      "For every stage of the recipe (or just [stage]): hit or miss, and for a miss what changed since the last\n" +
      "successful build of that stage: params (train.lr 3e-4 → 1e-4), input files, upstream stages.",
    positionals: [
      { name: "recipe", required: true },
      { name: "stage", required: false },
    ],
    options: { set },
    examples: ["lathe explain recipes/tiny.yaml", "lathe explain recipes/tiny.yaml train --set train.lr=1e-4"],
  },
  {
    name: "graph",
    summary: "Print the stage graph as Mermaid or Graphviz dot",
    description: "Prints the recipe's stage graph (all trials) in the chosen format to stdout.",
    positionals: [{ name: "recipe", required: true }],
    options: {
      format: { type: "string", choices: ["mermaid", "dot"], value: "format", description: "Output format: mermaid or dot (default mermaid)" },
      set,
    },
    examples: ["lathe graph recipes/tiny.yaml --format mermaid", "lathe graph recipes/tiny.yaml --format dot | dot -Tsvg > graph.svg"],
  },
  {
    name: "status",
    summary: "Show the cache: entries, size, last runs",
    description: "Summarizes the store in LATHE_CACHE (or <repo>/cache): stage entries by kind, their size, and the latest runs.",
    positionals: [],
    options: { json: { type: "boolean", description: "Print the store status as JSON" } },
    examples: ["lathe status"],
  },
  {
    name: "gc",
    summary: "Delete cache entries that current recipes do not use",
    description:
      "Keeps every stage key that the given recipes (default: all recipes/*.yaml) plan today, and deletes the rest —\n" +
      "or, with --max-size/--max-age, only as much of the rest as needed, least recently used first.",
    positionals: [{ name: "recipes", required: false, variadic: true }],
    options: {
      "max-size": { type: "string", value: "size", description: "Evict unreferenced entries until the store is at most this big, e.g. 10G" },
      "max-age": { type: "string", value: "age", description: "Evict unreferenced entries unused for longer than this, e.g. 30d" },
      dry: { type: "boolean", description: "Report what would be deleted; delete nothing" },
    },
    examples: ["lathe gc", "lathe gc --max-size 10G --max-age 30d", "lathe gc --dry"],
  },
  {
    name: "inspect",
    summary: "Show a data stage's report and sample documents",
    description: "Builds the recipe up to <stage> if it is not cached, then prints its report: counts per rule and samples.",
    positionals: [
      { name: "recipe", required: true },
      { name: "stage", required: true },
    ],
    options: { samples: { type: "int", value: "n", description: "Sample documents to show (default 3)" }, set },
    examples: ["lathe inspect recipes/tiny.yaml clean", "lathe inspect recipes/tiny.yaml collect --samples 10"],
  },
  {
    name: "sample",
    summary: "Generate text from a recipe's trained model",
    description:
      "Builds the recipe up to its train stage if it is not cached, then streams generated text to stdout. Settings\n" +
      "not given as flags come from the recipe's train.sample section.",
    positionals: [{ name: "recipe", required: true }],
    options: {
      prompt: { type: "string", value: "text", description: "Text to continue (default: train.sample.prompt)" },
      temperature: { type: "number", value: "t", description: "Sampling temperature, 0 = greedy (default: train.sample.temperature)" },
      "top-k": { type: "int", value: "k", description: "Keep the k most likely tokens, 0 = all (default: train.sample.top_k)" },
      "top-p": { type: "number", value: "p", description: "Keep the smallest set of tokens with probability ≥ p (default: train.sample.top_p)" },
      "max-tokens": { type: "int", value: "n", description: "Tokens to generate (default: train.sample.max_tokens)" },
      seed: { type: "int", value: "n", description: "Sampler seed (default: train.sample.seed)" },
      trial: { type: "string", value: "id", description: "Which trial of a sweep, e.g. trial-3" },
      set,
    },
    examples: ['lathe sample recipes/tiny.yaml --prompt "Once upon a time" --temperature 0.7 --max-tokens 100'],
  },
  {
    name: "chat",
    summary: "Chat with a recipe's model in the terminal (or line by line from a script)",
    description:
      "Builds the recipe's model stage if it is not cached (by default its latest: the last fine-tuning stage, else\n" +
      "train), then opens a chat: replies stream in, the history is kept within the model's context (the oldest turns\n" +
      "are dropped, with a notice), and slash commands change the session: /reset, /temperature <t>, /stage <name>,\n" +
      "/system <text>, /help, /quit. When stdin or stdout is not a terminal it reads one message per line and writes\n" +
      "one reply per line to stdout (line breaks in a reply as \\n; notices and command answers on stderr). Settings\n" +
      "not given as flags come from the recipe's train.sample section.",
    positionals: [{ name: "recipe", required: true }],
    options: {
      stage: { type: "string", value: "name", description: "Model stage to chat with: base (the train stage), sft, dpo, rl, … (default: the recipe's latest)" },
      system: { type: "string", value: "text", description: "System prompt (default none; /system changes it)" },
      temperature: { type: "number", value: "t", description: "Sampling temperature, 0 = greedy (default: train.sample.temperature)" },
      "max-tokens": { type: "int", value: "n", description: "Tokens per reply at most (default: half the context, at most 256)" },
      seed: { type: "int", value: "n", description: "Sampler seed; reply n uses seed + n (default: train.sample.seed)" },
      trial: { type: "string", value: "id", description: "Which trial of a sweep, e.g. trial-3" },
      set,
    },
    examples: [
      "lathe chat recipes/brown-chat.yaml",
      'lathe chat recipes/brown-chat.yaml --stage sft --system "You are terse." --temperature 0.7',
      'echo "What does lathe mean?" | lathe chat recipes/brown-chat.yaml',
    ],
  },
  {
    name: "export",
    summary: "Export a trained model (Hugging Face folder, or GGUF for llama.cpp / Ollama)",
    description:
      "Builds the recipe's model if it is not cached, then writes it with its tokenizer: --format hf a Hugging Face GPT-2\n" +
      "folder; --format gguf one GGUF file in llama.cpp's gpt2 layout (f32, or --dtype f16) for llama.cpp and Ollama;\n" +
      "--format docker a container build context (Dockerfile, the model, the server) for docker or podman build.",
    positionals: [{ name: "recipe", required: true }],
    options: {
      format: { type: "string", choices: ["hf", "gguf", "docker"], value: "format", description: "Export format (default hf)" },
      port: { type: "int", value: "n", description: "docker: the port the container serves on (default 8080)" },
      dtype: { type: "string", choices: ["f32", "f16"], value: "dtype", description: "GGUF tensor type (default f32)" },
      out: { type: "string", value: "path", description: "Output directory for hf and docker, file for gguf (default export/<recipe name>[.gguf|-docker])" },
      trial: { type: "string", value: "id", description: "Which trial of a sweep, e.g. trial-3" },
      set,
    },
    examples: ["lathe export recipes/tiny.yaml --format hf --out out/tiny-hf", "lathe export recipes/brown-gpt.yaml --format gguf --dtype f16", "lathe export recipes/brown-gpt.yaml --format docker --out build/brown-gpt"],
  },
  {
    name: "eval",
    summary: "Evaluate models: a report card of intrinsic metrics and benchmark tasks",
    description:
      "Builds each recipe's eval stage (one per trial) if it is not cached, then prints one report card: rows are\n" +
      "metrics and tasks (perplexity, bits per byte; built-in, lm-evaluation-harness and your own tasks, with chance\n" +
      "levels and standard errors), columns are the models (trials, or several recipes side by side), plus human\n" +
      "ratings from the ratings file. The eval: section of the recipe says which tasks; the stage writes results.json\n" +
      "(harness layout), samples_<task>.jsonl, report.json and report.md. Exits 1 when a task failed.",
    positionals: [{ name: "recipes", required: true, variadic: true }],
    options: {
      json: { type: "boolean", description: "Print the report card as JSON" },
      md: { type: "boolean", description: "Print the report card as Markdown" },
      plain: { type: "boolean", description: "Plain build log lines while building (the default when not a TTY)" },
      ratings: { type: "string", value: "file", description: "Ratings file to add to the card (default ratings/<recipe names>.jsonl)" },
      set,
    },
    examples: ["lathe eval recipes/brown-gpt.yaml", "lathe eval recipes/brown-gpt.yaml recipes/brown-lstm.yaml --md", "lathe eval recipes/tiny.yaml --set 'eval.tasks=[wordnet_define]'"],
  },
  {
    name: "rate",
    summary: "Rate two models' outputs side by side, blind (human evaluation)",
    description:
      "Builds the models of the given recipes (or a sweep's trials), lets each continue the same held-out prompts, and\n" +
      "shows two outputs at a time, blind and shuffled: a/1 or b/2 picks the better one, t a tie, s scores fluency,\n" +
      "coherence and relevance 1-5, n skips, q quits. Judgements append to the ratings file; lathe eval shows win rates\n" +
      "(and Bradley-Terry / Elo strengths once more than two models were rated).",
    positionals: [{ name: "recipes", required: true, variadic: true }],
    options: {
      systems: { type: "string", value: "a,b", description: "The two models to compare (default the first two)" },
      n: { type: "int", value: "n", description: "Prompts to rate (default 10)" },
      prompts: { type: "string", value: "file", description: "One prompt per line (default: openings of held-out documents)" },
      temperature: { type: "number", value: "t", description: "Sampling temperature (default 0.8)" },
      "max-tokens": { type: "int", value: "n", description: "Tokens per output (default 48)" },
      seed: { type: "int", value: "n", description: "Seed for sampling and the blind order (default 1)" },
      ratings: { type: "string", value: "file", description: "Ratings file (default ratings/<recipe names>.jsonl)" },
      set,
    },
    examples: ["lathe rate recipes/brown-gpt.yaml recipes/brown-lstm.yaml", "lathe rate recipes/sweep.yaml --systems trial-1/train,trial-3/train --n 20"],
  },
  {
    name: "compare",
    summary: "Compare a sweep's trials: differing parameters, losses, eval scores, status",
    description:
      "Prints one row per trial of the recipe's sweep from what is in the cache; it builds nothing, and trials not yet\n" +
      "built say so. Columns: the parameters that differ between trials, final and best val loss and bits per byte,\n" +
      "the main metric of each eval task, tokens, steps, wall time, and status (done, stopped early, failed, not built).",
    positionals: [{ name: "recipe", required: true }],
    options: {
      sort: { type: "string", value: "column", description: "Sort by a column (key or header), e.g. --sort val_bpb; empty cells last" },
      desc: { type: "boolean", description: "Sort descending" },
      json: { type: "boolean", description: "Print the table as JSON (raw values, seconds for wall time)" },
      csv: { type: "boolean", description: "Print the table as CSV (raw values)" },
      md: { type: "boolean", description: "Print the table as Markdown" },
      set,
    },
    examples: ["lathe compare recipes/sweep.yaml", "lathe compare recipes/sweep.yaml --sort val_bpb", "lathe compare recipes/sweep.yaml --csv > trials.csv"],
  },
  {
    name: "report",
    summary: "Write a sweep's report: one self-contained HTML page",
    description:
      "Writes one HTML file from what is in the cache (it builds nothing): train and val loss curves of every trial\n" +
      "(log-axis toggles), the trial table of lathe compare (click a header to sort), the eval report card, a scaling\n" +
      "fit when the trials span three or more model sizes, and samples. The page loads nothing from the network.",
    positionals: [{ name: "recipe", required: true }],
    options: {
      out: { type: "string", value: "file", description: "Where to write the page (default export/<recipe name>.html)" },
      sort: { type: "string", value: "column", description: "Initial order of the trial table, e.g. --sort val_bpb" },
      desc: { type: "boolean", description: "Sort descending" },
      set,
    },
    examples: ["lathe report recipes/sweep.yaml", "lathe report recipes/sweep.yaml --out sweep.html --sort val_bpb"],
  },
  {
    name: "serve",
    summary: "Serve models with an OpenAI-compatible API and a chat page",
    description:
      "Builds the recipes' models if they are not cached, then serves them until Ctrl-C: a chat page at / (streaming chat\n" +
      "and a blind side-by-side comparison that votes into the ratings file), GET /v1/models, POST /v1/completions\n" +
      "(echo + logprobs, as lm-evaluation-harness's local-completions uses), POST /v1/chat/completions, stream: true\n" +
      "(server-sent events), /health, /metrics (Prometheus). Binds 127.0.0.1 unless --host says otherwise; with\n" +
      "LATHE_API_KEY (or --api-key) every /v1 request needs Authorization: Bearer <key>.",
    positionals: [{ name: "recipes", required: true, variadic: true }],
    options: {
      port: { type: "int", value: "n", description: "Port (default 8080; 0 picks a free one)" },
      host: { type: "string", value: "addr", description: "Address to bind (default 127.0.0.1)" },
      "api-key": { type: "string", value: "key", description: "Require this bearer token (default LATHE_API_KEY)" },
      "max-queue": { type: "int", value: "n", description: "Requests waiting before 429 (default 64)" },
      "max-tokens": { type: "int", value: "n", description: "Cap on max_tokens (default: the model's context)" },
      timeout: { type: "int", value: "s", description: "Per-request timeout in seconds (default 600)" },
      trial: { type: "string", value: "id", description: "Serve only this trial of a sweep, e.g. trial-3 (default: every trial)" },
      ratings: { type: "string", value: "file", description: "Where the page's comparison votes go (default ratings/<recipe names>.jsonl)" },
      set,
    },
    examples: ["lathe serve recipes/brown-gpt.yaml", "lathe serve recipes/brown-gpt.yaml --port 9000 --api-key secret"],
  },
  {
    name: "worker",
    summary: "Run the stages that lathe build --queue puts on a Redis queue",
    description:
      "Takes stage jobs from the queue until Ctrl-C: downloads the stage's inputs from the remote cache, runs it by kind\n" +
      "(the same stage kinds as lathe build), uploads its output there and reports back to the build. GPU stages run only\n" +
      "in one of --gpu-slots. Run it on any machine with this checkout (file inputs are checked by digest) that reaches\n" +
      "Redis and the remote cache (token LATHE_REMOTE_TOKEN, team LATHE_REMOTE_TEAM as for the build).",
    positionals: [],
    options: {
      queue: { type: "string", value: "url", description: "The Redis queue the builds use, e.g. redis://10.0.0.5:6379 (required)" },
      "remote-cache": { type: "string", value: "url", description: "The Turborepo remote cache the builds use (default LATHE_REMOTE_CACHE)" },
      concurrency: { type: "int", value: "n", description: "CPU stages at once (default: number of CPUs)" },
      "gpu-slots": { type: "int", value: "n", description: "GPU stages at once; 0 takes none (default 1)" },
      name: { type: "string", value: "name", description: "This worker's name in the builds' output (default <hostname>-<pid>)" },
    },
    examples: ["lathe worker --queue redis://10.0.0.5:6379 --remote-cache http://10.0.0.5:3000", "lathe worker --queue redis://10.0.0.5:6379 --remote-cache http://10.0.0.5:3000 --gpu-slots 0 --concurrency 8"],
  },
  {
    name: "doctor",
    summary: "Check the WebGPU adapter (backend, limits, features)",
    description: "Looks for a WebGPU adapter and prints what it offers, or how to install one.",
    positionals: [],
    options: {},
    examples: ["lathe doctor"],
  },
  {
    name: "help",
    summary: "Show help for a command",
    description: "Without a command, lists all commands.",
    positionals: [{ name: "command", required: false }],
    options: {},
    examples: ["lathe help build"],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
