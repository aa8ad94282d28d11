// The chat page's script (an ES module): fills the model pickers from /v1/models, streams chat replies from
// /v1/chat/completions token by token into the page, keeps the conversation (and the settings) in localStorage, and
// runs blind comparisons: one prompt to two models at once, shown as A and B in a seeded order (?seed=N), with a
// vote POSTed to /v1/ratings. The logic without DOM is chat-lib.js.
import { blindOrder, chatMessages, checkResponse, randomSeed, streamChat, voteBody } from "./chat-lib.js";

const $ = (id) => document.getElementById(id);
const STORE = "lathe-chat";
const KEY_STORE = "lathe-chat-key"; // sessionStorage: the API key does not outlive the tab

const saved = readStore();
const params = new URLSearchParams(location.search);
const state = {
  models: [],
  /** The conversation: [{role, content}], without the system prompt (it is the field's current value). */
  history: Array.isArray(saved.history) ? saved.history : [],
  seed: Number.isInteger(Number(params.get("seed"))) && params.get("seed") !== null ? Number(params.get("seed")) >>> 0 : randomSeed(),
  round: 0,
  /** The AbortController of the request(s) in flight, or null. */
  busy: null,
  compare: false,
};

function readStore() {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

function save() {
  const s = { history: state.history, temperature: $("temperature").value, maxTokens: $("max-tokens").value, system: $("system").value, model: $("model").value, model1: $("model-1").value, model2: $("model-2").value };
  localStorage.setItem(STORE, JSON.stringify(s));
  sessionStorage.setItem(KEY_STORE, $("api-key").value);
}

function notice(text) {
  $("notice").textContent = text;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function scrollDown() {
  const view = state.compare ? $("compare-view") : $("chat-view");
  view.scrollTop = view.scrollHeight;
}

/** The sampling fields of a request from the settings. */
function sampling() {
  const body = { temperature: Number($("temperature").value) };
  const max = $("max-tokens").value.trim();
  if (max) body.max_tokens = Number(max);
  return body;
}

async function loadModels() {
  try {
    const key = $("api-key").value;
    const res = await checkResponse(await fetch("/v1/models", { headers: key ? { Authorization: `Bearer ${key}` } : {} }));
    state.models = (await res.json()).data;
  } catch (e) {
    notice(e.status === 401 ? "This server needs an API key: enter it under Settings." : `Could not list the models: ${e.message}`);
    return;
  }
  notice("");
  for (const [id, want] of [["model", saved.model ?? state.models[0]?.id], ["model-1", saved.model1 ?? state.models[0]?.id], ["model-2", saved.model2 ?? state.models[1]?.id]]) {
    const select = $(id);
    select.replaceChildren(...state.models.map((m) => {
      const o = el("option", "", m.id);
      o.value = m.id;
      o.title = `context ${m.max_model_len} tokens`;
      return o;
    }));
    if (state.models.some((m) => m.id === want)) select.value = want;
  }
  const two = state.models.length >= 2;
  $("mode-compare").disabled = !two;
  $("mode-compare").title = two ? "" : "Comparing needs a server with two models";
  if (!two && state.compare) setMode(false);
}

function setMode(compare) {
  state.compare = compare;
  document.body.classList.toggle("compare", compare);
  $("mode-chat").setAttribute("aria-selected", String(!compare));
  $("mode-compare").setAttribute("aria-selected", String(compare));
  $("chat-view").hidden = compare;
  $("compare-view").hidden = !compare;
  $("new-chat").textContent = compare ? "Clear rounds" : "New chat";
}

function setBusy(ctrl) {
  state.busy = ctrl;
  $("send").disabled = ctrl !== null;
  $("stop").disabled = ctrl === null;
}

/** A message in the conversation; returns its element and the text node replies stream into. */
function addMessage(role, content, who) {
  const li = el("li", `msg ${role}`);
  const node = document.createTextNode(content);
  const p = el("p", "text");
  p.append(node);
  li.append(el("p", "who", who ?? role), p);
  $("history").append(li);
  scrollDown();
  return { li, node };
}

async function sendChat(prompt) {
  const model = $("model").value;
  if (!model) return notice("No model to talk to: the server lists none (see the notice above).");
  const messages = chatMessages($("system").value, state.history, prompt);
  addMessage("user", prompt, "you");
  const { li, node } = addMessage("assistant", "", model);
  li.classList.add("streaming");
  const ctrl = new AbortController();
  setBusy(ctrl);
  let text = "";
  try {
    const r = await streamChat({ url: "/v1/chat/completions", apiKey: $("api-key").value, body: { model, messages, ...sampling() }, signal: ctrl.signal, onDelta: (d) => {
      text += d;
      node.appendData(d);
      scrollDown();
    } });
    state.history.push({ role: "user", content: prompt }, { role: "assistant", content: r.text });
  } catch (e) {
    if (ctrl.signal.aborted) {
      state.history.push({ role: "user", content: prompt }, { role: "assistant", content: text });
      li.append(el("p", "error-note", "stopped"));
    } else {
      li.classList.add("failed");
      li.append(el("p", "error-note", `${e.message}${e.code === "context_length_exceeded" ? " Start a new chat, or ask for fewer max tokens." : ""}`));
    }
  } finally {
    li.classList.remove("streaming");
    setBusy(null);
    save();
  }
}

async function sendCompare(prompt) {
  const picked = [$("model-1").value, $("model-2").value];
  if (!picked[0] || picked[0] === picked[1]) return notice("Pick two different models to compare.");
  notice("");
  const order = blindOrder(state.seed, state.round++);
  const round = { prompt, systems: [picked[order[0]], picked[order[1]]], outputs: ["", ""] };
  const li = el("li", "round");
  const outs = ["A", "B"].map((label) => {
    const out = el("article", "out streaming");
    out.dataset.label = label;
    const node = document.createTextNode("");
    const p = el("p", "text");
    p.append(node);
    out.append(el("h3", "", label), p);
    return { out, node };
  });
  const votes = el("div", "votes");
  const status = el("span", "vote-status", "waiting for both answers…");
  const buttons = [["A", "A is better"], ["B", "B is better"], ["tie", "Tie"]].map(([choice, label]) => {
    const b = el("button", "", label);
    b.type = "button";
    b.dataset.vote = choice;
    b.disabled = true;
    b.addEventListener("click", () => vote(round, choice, { outs, buttons, status }));
    return b;
  });
  votes.append(...buttons, status);
  const pair = el("div", "pair");
  pair.append(...outs.map((o) => o.out));
  li.append(el("p", "prompt", prompt), pair, votes);
  $("rounds").append(li);
  scrollDown();

  const ctrl = new AbortController();
  setBusy(ctrl);
  const messages = chatMessages($("system").value, [], prompt);
  const results = await Promise.allSettled(round.systems.map((model, i) =>
    streamChat({ url: "/v1/chat/completions", apiKey: $("api-key").value, body: { model, messages, ...sampling() }, signal: ctrl.signal, onDelta: (d) => {
      round.outputs[i] += d;
      outs[i].node.appendData(d);
      scrollDown();
    } }).finally(() => outs[i].out.classList.remove("streaming"))));
  setBusy(null);
  const failed = results.map((r, i) => (r.status === "rejected" ? `${"AB"[i]}: ${r.reason.message}` : null)).filter(Boolean);
  if (ctrl.signal.aborted) status.textContent = "stopped: no vote for an unfinished pair";
  else if (failed.length) status.textContent = failed.join("; ");
  else {
    status.textContent = "Which answer is better?";
    for (const b of buttons) b.disabled = false;
  }
}

async function vote(round, choice, { outs, buttons, status }) {
  for (const b of buttons) b.disabled = true;
  status.textContent = "recording…";
  try {
    const key = $("api-key").value;
    await checkResponse(await fetch("/v1/ratings", { method: "POST", headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(voteBody(round, choice)) }));
  } catch (e) {
    status.textContent = `Not recorded: ${e.message}`;
    if (e.code !== "ratings_disabled") for (const b of buttons) b.disabled = false;
    return;
  }
  status.textContent = `Recorded: ${choice === "tie" ? "a tie" : `${choice} is better`}.`;
  outs.forEach(({ out }, i) => {
    out.append(el("p", "reveal", `${out.dataset.label} was ${round.systems[i]}`));
    if (choice === out.dataset.label) out.classList.add("won");
  });
}

function send() {
  const prompt = $("prompt").value;
  if (!prompt.trim() || state.busy) return;
  $("prompt").value = "";
  (state.compare ? sendCompare(prompt) : sendChat(prompt)).catch((e) => notice(`Unexpected error: ${e.message}`));
}

function init() {
  $("temperature").value = saved.temperature ?? $("temperature").value;
  $("max-tokens").value = saved.maxTokens ?? "";
  $("system").value = saved.system ?? "";
  $("api-key").value = sessionStorage.getItem(KEY_STORE) ?? "";
  $("seed").textContent = String(state.seed);
  const showTemperature = () => ($("temperature-value").textContent = Number($("temperature").value).toFixed(2));
  showTemperature();
  $("temperature").addEventListener("input", showTemperature);
  for (const id of ["temperature", "max-tokens", "system", "model", "model-1", "model-2"]) $(id).addEventListener("change", save);
  $("api-key").addEventListener("change", () => {
    save();
    loadModels();
  });
  $("mode-chat").addEventListener("click", () => setMode(false));
  $("mode-compare").addEventListener("click", () => setMode(true));
  $("send").addEventListener("click", send);
  $("stop").addEventListener("click", () => state.busy?.abort());
  $("prompt").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  $("new-chat").addEventListener("click", () => {
    if (state.compare) return $("rounds").replaceChildren();
    state.history = [];
    $("history").replaceChildren();
    save();
  });
  for (const m of state.history) addMessage(m.role, m.content, m.role === "user" ? "you" : undefined);
  setMode(params.get("mode") === "compare");
  loadModels();
}

init();
