// Graph checks (duplicate ids, unknown inputs, cycles) and the Mermaid / DOT pictures.
import { expect, test } from "bun:test";
import { GraphError } from "./errors.ts";
import { toDot, toMermaid } from "./format-graph.ts";
import { topoOrder } from "./graph.ts";
import { stage } from "./test-fixtures.ts";

function graphError(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error("expected a GraphError");
}

test("stages come after their upstreams, ties in the given order", () => {
  const g = [stage("c", { deps: ["b"] }), stage("a"), stage("b", { deps: ["a"] }), stage("d")];
  expect(topoOrder(g).map((s) => s.id)).toEqual(["a", "b", "c", "d"]);
});

test.each([
  [
    "a cycle, naming its stages in order",
    [stage("a", { deps: ["c"] }), stage("b", { deps: ["a"] }), stage("c", { deps: ["b"] })],
    "cycle",
    'the stage graph has a cycle: a → c → b → a. Hint: a stage cannot depend on its own output; remove one of these inputs.',
  ],
  [
    "an unknown input with a did-you-mean",
    [stage("tokenize"), stage("train", { deps: ["tokenise"] })],
    "unknown-input",
    'stage "train" input "dep0" names unknown stage "tokenise". Hint: did you mean "tokenize"?',
  ],
  [
    "an unknown input without a near name",
    [stage("a"), stage("b", { deps: ["zzzzzz"] })],
    "unknown-input",
    'stage "b" input "dep0" names unknown stage "zzzzzz". Hint: add that stage to the graph.',
  ],
  [
    "a duplicate id",
    [stage("a"), stage("a", { kind: "fixture.other" })],
    "duplicate-id",
    'two stages have the id "a" (kinds "fixture.concat" and "fixture.other"). Hint: stage ids must be unique within a graph; prefix trial stages, e.g. "trial-3/train".',
  ],
  ["a self-loop", [stage("a", { deps: ["a"] })], "cycle", "the stage graph has a cycle: a → a. Hint: a stage cannot depend on its own output; remove one of these inputs."],
])("rejects %s", (_name, graph, problem, message) => {
  const e = graphError(() => topoOrder(graph));
  expect(e.problem).toBe(problem as GraphError["problem"]);
  expect(e.message).toBe(message);
});

test("toMermaid draws one node per stage and one labelled edge per stage input", () => {
  const g = [stage("a"), stage("b", { deps: ["a"] }), { ...stage("c", { deps: ["a", "b"] }), title: 'say "hi"' }];
  expect(toMermaid(g)).toBe(
    [
      "flowchart TD",
      '  n0["a<br/><small>fixture.concat</small>"]',
      '  n1["b<br/><small>fixture.concat</small>"]',
      '  n2["c: say #quot;hi#quot;<br/><small>fixture.concat</small>"]',
      "  n0 -->|dep0| n1",
      "  n0 -->|dep0| n2",
      "  n1 -->|dep1| n2",
      "",
    ].join("\n"),
  );
});

test("toDot quotes ids and marks gpu stages bold", () => {
  const g = [stage("trial-1/a"), stage("b", { deps: ["trial-1/a"], resource: "gpu" })];
  expect(toDot(g)).toBe(
    [
      "digraph lathe {",
      "  rankdir=TB;",
      '  node [shape=box, fontname="Helvetica"];',
      '  "trial-1/a" [label="trial-1/a\\nfixture.concat"];',
      '  "b" [label="b\\nfixture.concat", style=bold];',
      '  "trial-1/a" -> "b" [label="dep0"];',
      "}",
      "",
    ].join("\n"),
  );
});
