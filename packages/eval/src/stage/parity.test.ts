// A shipped harness task on its hand-made fixture, scored end to end on a tiny real model: every per-choice
// log-likelihood from LatheLM (batched windows on each backend) equals the HostModel fed token by token, the
// scores of the two backends agree, and acc follows the argmax. Prints the max abs difference for the record.
import { beforeAll, describe, expect, test } from "bun:test";
import { testDevice } from "@lathe/gpu";
import { loadHostModel, loadScorer, type HostModel } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { LatheLM } from "../lm/lathe-lm.ts";
import { hostWindowScore, tinyModel } from "../lm/test-model.ts";
import type { EvalLM, LoglikelihoodRequest, LoglikelihoodResult } from "../lm/types.ts";
import { loadTask } from "../tasks/load.ts";
import { runTasks } from "../tasks/run.ts";
import { DATA, FIXTURES } from "../tasks/testing.ts";

const bytes = byteTokenizer(["<|endoftext|>"]);
let trainDir = "";
let host: HostModel;
const gpu = await testDevice();

beforeAll(async () => {
  trainDir = (await tinyModel(7)).trainDir;
  host = loadHostModel(trainDir);
});

/** Records every request and result an EvalLM sees. */
class Recording implements EvalLM {
  readonly seen: { req: LoglikelihoodRequest; res: LoglikelihoodResult }[] = [];
  constructor(private readonly inner: LatheLM) {}
  get name() {
    return this.inner.name;
  }
  async loglikelihood(reqs: readonly LoglikelihoodRequest[]) {
    const res = await this.inner.loglikelihood(reqs);
    reqs.forEach((req, i) => this.seen.push({ req, res: res[i]! }));
    return res;
  }
  loglikelihoodRolling(texts: readonly string[]) {
    return this.inner.loglikelihoodRolling(texts);
  }
  generateUntil(reqs: Parameters<EvalLM["generateUntil"]>[0]) {
    return this.inner.generateUntil(reqs);
  }
}

/** The reference: the request's windows (as LatheLM builds them) scored by the host model, token by token. */
function reference(lm: LatheLM, req: LoglikelihoodRequest): number {
  const { context, continuation } = lm.encodePair(req.context, req.continuation);
  const all = [...context, ...continuation];
  let ll = 0;
  for (let start = context.length; start < all.length; start += lm.context) {
    const end = Math.min(all.length, start + lm.context);
    const tokens = all.slice(Math.max(0, end - (lm.context + 1)), end);
    ll += hostWindowScore(host, { tokens, from: tokens.length - (end - start) }).logprobs.reduce((a, b) => a + b, 0);
  }
  return ll;
}

async function scoreHellaswag(backend: "cpu" | "webgpu") {
  const scorer = await loadScorer({ trainDir, backend, eot: 256 });
  try {
    const lm = new Recording(new LatheLM(scorer, bytes));
    const task = await loadTask("hellaswag", { root: FIXTURES, dataFiles: DATA.hellaswag });
    const results = await runTasks([task], lm, { seed: 1234, bootstrapIters: 0 });
    return { lm, results, ll: lm.seen.map((s) => s.res.logprob) };
  } finally {
    await scorer.close();
  }
}

describe("hellaswag on its fixture, on a tiny model", () => {
  test("every choice's log-likelihood on the cpu backend equals the host model's, and acc is the argmax", async () => {
    const { lm, results, ll } = await scoreHellaswag("cpu");
    const inner = new LatheLM(await loadScorer({ trainDir, backend: "cpu", eot: 256 }), bytes);
    const ref = lm.seen.map((s) => reference(inner, s.req));
    const diff = Math.max(...ll.map((v, i) => Math.abs(v - ref[i]!)));
    console.log(`hellaswag fixture: ${ll.length} choices, max |cpu − host| = ${diff.toExponential(2)} nats`);
    expect(diff).toBeLessThan(1e-4);
    // acc by hand: per doc (4 choices each, in request order), the argmax of the reference log-likelihoods vs the label.
    const docs = results.samples.hellaswag!;
    let correct = 0;
    docs.forEach((d, i) => {
      const lls = ref.slice(i * 4, i * 4 + 4);
      if (lls.indexOf(Math.max(...lls)) === Number(d.target)) correct++;
    });
    expect(results.results.hellaswag!["acc,none"]).toBeCloseTo(correct / docs.length, 12);
  }, 60_000);

  test.skipIf(!gpu)("the webgpu backend gives the cpu backend's log-likelihoods within 1e-3 nats", async () => {
    const cpu = await scoreHellaswag("cpu");
    const web = await scoreHellaswag("webgpu");
    const diff = Math.max(...web.ll.map((v, i) => Math.abs(v - cpu.ll[i]!)));
    console.log(`hellaswag fixture: max |webgpu − cpu| = ${diff.toExponential(2)} nats over ${web.ll.length} choices`);
    expect(diff).toBeLessThan(1e-3);
    expect(web.results.results.hellaswag).toEqual(cpu.results.results.hellaswag);
  }, 60_000);
});
