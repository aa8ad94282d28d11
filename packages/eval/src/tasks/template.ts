// Jinja for task fields, as the harness renders them (jinja2 with StrictUndefined, keep_trailing_newline): a
// variable that is not a column is an error naming it, and the harness's additions exist: the `regex_replace`
// filter and Python's list.index(). Built on @huggingface/jinja's tokenizer, parser and interpreter.
import { Environment, Interpreter, parse, tokenize } from "@huggingface/jinja";

type Program = ReturnType<typeof parse>;
interface Node {
  readonly type: string;
  readonly [k: string]: unknown;
}
interface RValue {
  readonly type: string;
  readonly value: unknown;
}

/** A variable the template reads that the document does not have. */
export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`undefined variable ${JSON.stringify(variable)}`);
  }
}

const scratch = new Environment();
let scratchN = 0;
/** A JS value as a runtime value (the runtime classes are not exported; Environment.set converts). */
function toRuntime(v: unknown): RValue {
  const name = `__v${scratchN++}`;
  const r = scratch.set(name, v) as unknown as RValue;
  (scratch as unknown as { variables: Map<string, unknown> }).variables.delete(name);
  return r;
}

/** A runtime value as plain JS (arrays, objects from Maps, primitives). */
export function fromRuntime(v: RValue): unknown {
  if (v.type === "ArrayValue" || v.type === "TupleValue") return (v.value as RValue[]).map(fromRuntime);
  if (v.type === "ObjectValue" || v.type === "KeywordArgumentsValue") return Object.fromEntries([...(v.value as Map<string, RValue>)].map(([k, x]) => [k, fromRuntime(x)]));
  if (v.type === "UndefinedValue" || v.type === "NullValue") return null;
  return v.value;
}

/** Python's re.sub(pattern, repl, s, count): \1 group references become $1. */
function regexReplace(s: string, pattern: string, repl: string, count = 0): string {
  const re = new RegExp(pattern, "g");
  const jsRepl = repl.replace(/\$/g, "$$$$").replace(/\\(\d+)/g, "$$$1");
  if (count <= 0) return s.replace(re, jsRepl);
  let n = 0;
  return s.replace(re, (...m) => (n++ < count ? m[0].replace(new RegExp(pattern), jsRepl) : m[0]));
}

// The interpreter's hooks are private in its typings; they are plain methods at run time, overridden here.
const Base = Interpreter as unknown as new (env: Environment) => { run(p: Program): RValue };

class HarnessInterpreter extends Base {
  private lenient = 0;

  evaluateIdentifier(node: Node, env: Environment): RValue {
    const v = env.lookupVariable(node.value as string) as unknown as RValue;
    if (v.type === "UndefinedValue" && this.lenient === 0) throw new MissingVariableError(node.value as string);
    return v;
  }

  evaluateTestExpression(node: Node, env: Environment): RValue {
    this.lenient++;
    try {
      return (Interpreter.prototype as unknown as { evaluateTestExpression(n: Node, e: Environment): RValue }).evaluateTestExpression.call(this, node, env);
    } finally {
      this.lenient--;
    }
  }

  evaluateMemberExpression(expr: Node, env: Environment): RValue {
    const prop = expr.property as Node;
    if (!expr.computed && prop.type === "Identifier" && prop.value === "index") {
      const obj = this.evaluateNode(expr.object as Node, env);
      if (obj.type === "ArrayValue" || obj.type === "TupleValue") {
        const items = obj.value as RValue[];
        return toRuntime((x: unknown) => {
          const i = items.findIndex((it) => it.value === x);
          if (i < 0) throw new Error(`${JSON.stringify(x)} is not in list`);
          return i;
        });
      }
    }
    return (Interpreter.prototype as unknown as { evaluateMemberExpression(n: Node, e: Environment): RValue }).evaluateMemberExpression.call(this, expr, env);
  }

  applyFilter(operand: RValue, filter: Node, env: Environment): RValue {
    if (filter.type === "CallExpression" && (filter.callee as Node).type === "Identifier" && (filter.callee as Node).value === "regex_replace") {
      const args = (filter.args as Node[]).map((a) => this.evaluateNode(a, env).value);
      return toRuntime(regexReplace(String(operand.value), String(args[0]), String(args[1] ?? ""), Number(args[2] ?? 0)));
    }
    return (Interpreter.prototype as unknown as { applyFilter(o: RValue, f: Node, e: Environment): RValue }).applyFilter.call(this, operand, filter, env);
  }

  evaluateNode(node: Node, env: Environment): RValue {
    return (this as unknown as { evaluate(n: Node, e: Environment): RValue }).evaluate(node, env);
  }
}

const STATEMENTS = new Set(["Program", "If", "For", "Break", "Continue", "Set", "Macro", "Comment", "FilterStatement", "CallStatement"]);

/** A parsed template; render() and value() throw MissingVariableError for an undefined variable. */
export class Template {
  private readonly program: Program;
  /** The template is one `{{ expression }}`, so its value (a list, a number) can be had unrendered. */
  private readonly expression: Node | null;

  constructor(readonly source: string) {
    // @huggingface/jinja drops one trailing newline; jinja2 with keep_trailing_newline (the harness) keeps it.
    this.program = parse(tokenize(source.endsWith("\n") ? `${source}\n` : source, {}));
    const body = (this.program as unknown as { body: Node[] }).body;
    this.expression = body.length === 1 && !STATEMENTS.has(body[0]!.type) ? body[0]! : null;
  }

  private run<T>(doc: Readonly<Record<string, unknown>>, f: (it: HarnessInterpreter, env: Environment) => T): T {
    const env = new Environment();
    const vars = (env as unknown as { variables: Map<string, unknown> }).variables;
    for (const [k, v] of [["true", true], ["false", false], ["none", null], ["True", true], ["False", false], ["None", null]] as const) vars.set(k, toRuntime(v));
    vars.set("range", toRuntime((a: number, b?: number, s = 1) => {
      const [lo, hi] = b === undefined ? [0, a] : [a, b];
      const out: number[] = [];
      for (let i = lo; s > 0 ? i < hi : i > hi; i += s) out.push(i);
      return out;
    }));
    for (const [k, v] of Object.entries(doc)) vars.set(k, toRuntime(normalize(v)));
    return f(new HarnessInterpreter(env), env);
  }

  /** The rendered string. */
  render(doc: Readonly<Record<string, unknown>>): string {
    return this.run(doc, (it) => String(it.run(this.program).value));
  }

  /** The expression's value for a single-expression template, else the rendered string. */
  value(doc: Readonly<Record<string, unknown>>): unknown {
    const expr = this.expression;
    if (!expr) return this.render(doc);
    return this.run(doc, (it, env) => fromRuntime(it.evaluateNode(expr, env)));
  }
}

/** BigInt (Parquet INT64) as number; typed arrays as arrays. */
function normalize(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, normalize);
  if (v !== null && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

const cache = new Map<string, Template>();
/** A compiled template, cached by source. */
export function template(source: string): Template {
  let t = cache.get(source);
  if (!t) {
    t = new Template(source);
    cache.set(source, t);
  }
  return t;
}
