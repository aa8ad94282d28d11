// Validates a located tree with ajv and turns every ajv error into a RecipeIssue at the file:line:col where the
// offending value (or unknown key) was written, with the bad value and a hint.
import type { ErrorObject } from "ajv/dist/2020.js";
import { makeIssue, type Loc, type RecipeIssue } from "./errors.ts";
import { closest, describeValue, didYouMean, show, typeName } from "./hints.ts";
import { fillBranchDefaults } from "./schema-walk.ts";
import type { RecipeSchema } from "./schema.ts";
import { pointerSegment, toPlain, type LNode, type Located, type LocIndex } from "./tree.ts";

const NOWHERE: Loc = { file: "<defaults>", line: 0, col: 0 };

/** The value at `pointer` or its nearest written ancestor. */
function locate(index: LocIndex, pointer: string): Loc {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
    const hit = index.get(p);
    if (hit) return hit.loc;
    if (p === "") return NOWHERE;
  }
}

function keyLoc(index: LocIndex, pointer: string): Loc {
  const hit: Located | undefined = index.get(pointer);
  return hit?.keyLoc ?? locate(index, pointer);
}

export interface Validated {
  /** The recipe with defaults applied (only meaningful when `issues` is empty). */
  readonly value: Record<string, unknown>;
  readonly index: LocIndex;
  readonly issues: readonly RecipeIssue[];
}

/** Validates `tree` (defaults are filled in the returned value); `trial` labels issues of a sweep trial. */
export function validateTree(schema: RecipeSchema, tree: LNode, trial?: string): Validated {
  const index = new Map<string, Located>();
  const value = toPlain(tree, index) as Record<string, unknown>;
  if (schema.validate(value)) {
    fillBranchDefaults(schema, value);
    return { value, index, issues: [] };
  }
  const issues = explain(schema, schema.validate.errors ?? [], "").map((d) =>
    makeIssue(d.key ? keyLoc(index, d.pointer) : locate(index, d.pointer), d.pointer, d.message, d.hint, trial),
  );
  return { value, index, issues };
}

interface Diagnosis {
  readonly pointer: string;
  readonly message: string;
  readonly hint: string;
  /** Locate the key rather than the value (unknown keys). */
  readonly key?: boolean;
}

/** Ajv errors → diagnoses; errors from failing oneOf/anyOf branches are replaced by an analysis of the branches. */
function explain(schema: RecipeSchema, errors: readonly ErrorObject[], prefix: string): Diagnosis[] {
  const composite = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const under = (e: ErrorObject, p: string): boolean => e.instancePath === p || e.instancePath.startsWith(`${p}/`);
  const strictlyUnder = (e: ErrorObject, p: string): boolean => e.instancePath.startsWith(`${p}/`);
  const out: Diagnosis[] = [];
  for (const e of errors) {
    if (e.keyword === "if" || e.keyword === "propertyNames") continue; // the branch / pattern error says more
    if (composite.includes(e)) {
      // The outermost failing oneOf/anyOf re-validates its branches; inner ones come out of that.
      if (!composite.some((c) => strictlyUnder(e, c.instancePath))) out.push(...explainBranches(schema, e, prefix));
    } else if (!composite.some((c) => under(e, c.instancePath))) {
      out.push(diagnose(e, prefix));
    }
  }
  return out;
}

function explainBranches(schema: RecipeSchema, e: ErrorObject, prefix: string): Diagnosis[] {
  const pointer = prefix + e.instancePath;
  const branches = e.schema as object[];
  const base = schema.locate(e.parentSchema as object);
  const titles = branches.map((b, i) => String((b as { title?: unknown }).title ?? `#${i + 1}`));
  if (e.keyword === "oneOf" && (e.params as { passingSchemas?: unknown }).passingSchemas) {
    return [{ pointer, message: `${pointer} matches more than one of the forms ${titles.join(", ")}`, hint: "add the key that tells them apart." }];
  }
  const results = branches.map((_, i) => {
    const check = base === undefined ? undefined : schema.branch(`${base}/${e.keyword}/${i}`);
    if (!check) return [];
    check(structuredClone(e.data));
    return check.errors ?? [];
  });
  // A branch whose discriminating constant (e.g. `kind: gpt`) matches is the one the user meant.
  const isTagMismatch = (x: ErrorObject): boolean => (x.keyword === "const" || x.keyword === "enum") && x.instancePath.split("/").length === 2;
  const matching = results.map((r, i) => [r, i] as const).filter(([r]) => !r.some(isTagMismatch));
  if (matching.length === 1) return explain(schema, matching[0]![0], pointer);
  if (matching.length === 0 && results.length > 0) {
    const tags = results.flatMap((r) => r.filter(isTagMismatch));
    const tagPath = tags[0]!.instancePath;
    if (tags.every((t) => t.instancePath === tagPath)) {
      const allowed = tags.flatMap((t) => (t.keyword === "const" ? [(t.params as { allowedValue: unknown }).allowedValue] : ((t.params as { allowedValues: unknown[] }).allowedValues)));
      return [enumDiagnosis(pointer + tagPath, allowed, tags[0]!.data)];
    }
  }
  const best = results.map((r, i) => [r.length, i] as const).sort((a, b) => a[0] - b[0])[0];
  const hint = best && results[best[1]]!.length > 0 ? `as ${titles[best[1]]}: ${diagnose(results[best[1]]![0]!, pointer).message}.` : "";
  return [{ pointer, message: `${pointer} does not match any of the forms ${titles.join(", ")}`, hint }];
}

function enumDiagnosis(pointer: string, allowed: readonly unknown[], data: unknown): Diagnosis {
  const names = allowed.map(String);
  const near = typeof data === "string" ? closest(data, names) : undefined;
  return {
    pointer,
    message: `${pointer} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describeValue(data)}`,
    hint: near !== undefined ? `did you mean \`${near}\`?` : "",
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One ajv error → message and hint. */
function diagnose(e: ErrorObject, prefix: string): Diagnosis {
  const p = prefix + e.instancePath;
  const at = p || "the recipe";
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const got = describeValue(e.data);
  switch (e.keyword) {
    case "type": {
      const want = String(params.type).split(",");
      return { pointer: p, message: `${at} must be ${want.join(" or ")}, got ${got}`, hint: typeHint(want, e.data) };
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = Object.keys((parent.properties ?? {}) as object);
      const what = p === "" ? "recipe section" : "key";
      return { pointer: `${p}/${pointerSegment(key)}`, message: `${p}/${pointerSegment(key)} is not a known ${what}`, hint: didYouMean(key, allowed), key: true };
    }
    case "enum":
      return enumDiagnosis(p, params.allowedValues as unknown[], e.data);
    case "const":
      return enumDiagnosis(p, [params.allowedValue], e.data);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { pointer: p, message: `${at} must be ${params.comparison} ${params.limit}, got ${got}`, hint: rangeHint(parent) };
    case "multipleOf":
      return { pointer: p, message: `${at} must be a multiple of ${params.multipleOf}, got ${got}`, hint: "" };
    case "minItems":
      return { pointer: p, message: `${at} must have at least ${plural(Number(params.limit), "item")}, got ${plural((e.data as unknown[]).length, "item")}`, hint: Number(params.limit) === 1 ? "give at least one value, or remove the key." : "" };
    case "maxItems":
      return { pointer: p, message: `${at} must have at most ${plural(Number(params.limit), "item")}, got ${plural((e.data as unknown[]).length, "item")}`, hint: "" };
    case "minLength":
      return { pointer: p, message: `${at} must be at least ${plural(Number(params.limit), "character")} long, got ${got}`, hint: "" };
    case "maxLength":
      return { pointer: p, message: `${at} must be at most ${plural(Number(params.limit), "character")} long, got ${got}`, hint: "" };
    case "pattern": {
      const name = e.propertyName;
      if (name !== undefined) return { pointer: `${p}/${pointerSegment(name)}`, message: `${p}/${pointerSegment(name)} is not a valid name: it must match ${params.pattern}`, hint: "use letters, digits, _ and -, starting with a letter or _.", key: true };
      // A field whose schema lists `examples` (a duration, say) gets them as the hint.
      const examples = Array.isArray(parent.examples) ? parent.examples.map((x) => JSON.stringify(x)).join(", ") : "";
      return { pointer: p, message: `${at} must match the pattern ${params.pattern}, got ${got}`, hint: examples ? `write e.g. ${examples}.` : "" };
    }
    case "required":
      return { pointer: p, message: `${at} is missing the key "${params.missingProperty}"`, hint: `add \`${params.missingProperty}:\`.` };
    case "uniqueItems":
      return { pointer: p, message: `${at} must not repeat items, but items ${params.j} and ${params.i} are equal`, hint: "remove the repeated item." };
    case "format":
      return { pointer: p, message: `${at} must be a valid ${params.format}, got ${got}`, hint: "" };
    default:
      return { pointer: p, message: `${at} ${e.message ?? "is invalid"}, got ${got}`, hint: "" };
  }
}

function typeHint(want: readonly string[], data: unknown): string {
  if (typeof data === "string") {
    const t = data.trim();
    if ((want.includes("number") || want.includes("integer")) && t !== "" && Number.isFinite(Number(t))) {
      return want.includes("integer") && !Number.isInteger(Number(t)) ? "remove the quotes, and use a whole number." : "remove the quotes.";
    }
    if (want.includes("boolean") && (t === "true" || t === "false")) return "remove the quotes.";
    if (want.includes("null") && (t === "null" || t === "~")) return "remove the quotes.";
    if (want.includes("array") && /^\[.*\]$/.test(t)) return "remove the quotes around the list.";
    if (t.includes("${")) return "a reference inside longer text becomes text; make the whole value `${name}` to keep the type.";
  }
  if (want.includes("integer") && typeof data === "number") return `use a whole number, e.g. ${Math.round(data)}.`;
  if (want.includes("string") && (typeof data === "number" || typeof data === "boolean")) return `quote it: "${data}".`;
  if (want.includes("array") && !Array.isArray(data) && data !== null && typeof data !== "object") return `write a list: [${show(data)}].`;
  if (data === null) return "give it a value, or remove the key to use the default.";
  if (want.includes("object") && typeName(data) !== "object") return "write a map of keys (`key: value` lines indented below).";
  return "";
}

function rangeHint(schema: Record<string, unknown>): string {
  const lo = schema.minimum ?? schema.exclusiveMinimum;
  const hi = schema.maximum ?? schema.exclusiveMaximum;
  const loText = schema.minimum !== undefined ? `>= ${lo}` : `> ${lo}`;
  const hiText = schema.maximum !== undefined ? `<= ${hi}` : `< ${hi}`;
  if (lo !== undefined && hi !== undefined) return `use a value ${loText} and ${hiText}.`;
  if (lo !== undefined) return `use a value ${loText}.`;
  if (hi !== undefined) return `use a value ${hiText}.`;
  return "";
}
