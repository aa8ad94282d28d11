// The decontamination report: items sharing a 13-gram with training are counted, and mean metrics are recomputed
// on the clean items only (perplexity-like metrics are not, their mean would mean nothing).
import { expect, test } from "bun:test";
import { NgramIndex } from "../contamination/ngrams.ts";
import type { SampleRecord } from "../tasks/results.ts";
import type { LoadedTask } from "../tasks/types.ts";
import { contaminationReport } from "./contamination.ts";

const train = "the old mill stood by the river for a hundred years and ground the corn of the whole valley every autumn";
const task = { config: { task: "t", output_type: "multiple_choice", doc_to_text: "q", doc_to_target: 0 }, source: "x", docs: [], fewshotDocs: [] } as unknown as LoadedTask;
const rec = (q: string, acc: number): SampleRecord => ({ doc_id: 0, doc: { q, choices: ["a", "b"] }, target: 0, arguments: [], resps: [], metrics: { acc, perplexity: 5 } });

test("counts the items that share a 13-gram with the training text and scores the rest on their own", async () => {
  const index = await NgramIndex.build([train]);
  const samples = [
    rec("Q: the old mill stood by the river for a hundred years and ground the corn of it?", 1), // shares 13+ words
    rec("Q: the old mill stood by the river for a while.", 0), // shares fewer than 13
    rec("Q: something else entirely, with no overlap at all in any way whatsoever here.", 1),
  ];
  const r = contaminationReport(task, samples, index);
  expect(r.items).toBe(3);
  expect(r.affected).toBe(1);
  expect(r.clean).toEqual({ acc: 0.5 });
  expect(r.examples[0]).toContain("old mill stood by the river");
});

test("uses the task's doc_to_decontamination_query column when it names one", async () => {
  const index = await NgramIndex.build([train]);
  const t = { ...task, config: { ...task.config, doc_to_decontamination_query: "q" } } as LoadedTask;
  const samples = [{ ...rec("nothing shared", 1), doc: { q: "nothing shared", other: train } }];
  expect(contaminationReport(t, samples, index).affected).toBe(0);
  expect(contaminationReport(task, samples, index).affected).toBe(1);
});
