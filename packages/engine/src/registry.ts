// Stage kinds and their registry: what each kind of stage reads from the configuration, which named artifacts it
// consumes and produces, and how to load its implementation. A planner registers the kinds its packages declare and
// lets the registry decide which to plan and what feeds each one: kinds are walked in registration order and each
// input comes from the latest planned producer of its artifact. Nothing here knows which kinds or artifacts exist.
import type { StageContext, StageDef } from "./types.ts";
import { EngineError } from "./errors.ts";

/** A stage kind's implementation, loaded lazily (planning `--to clean` need not load the model package). */
export interface StageImpl<C> {
  /**
   * The StageDef of this kind for one pipeline. `inputs` maps each name of `consumes` to the id of the upstream stage
   * that produces it. Params come only from the sections the kind `reads`; the def's run must be `run` below.
   */
  plan(ctx: C, id: string, inputs: Readonly<Record<string, string>>): StageDef;
  /**
   * Instead of plan(), for a kind that expands to several stages (a list of fine-tuning stages, one evaluation per
   * model): its defs, and which one the kind's consumers read. `earlier` is every stage planned before it in this
   * pipeline, with the artifacts each holds.
   */
  planChain?(ctx: C, id: string, inputs: Readonly<Record<string, string>>, earlier: readonly PlannedDef[]): StageChain;
  /** Runs one stage of this kind: a function of its params and inputs only (a remote worker calls it by kind). */
  run(sc: StageContext): Promise<void>;
}

/** Several stages planned by one kind: `output` is the id of the one whose output the kind's consumers read. */
export interface StageChain {
  readonly defs: readonly StageDef[];
  readonly output: string;
  /** Artifacts held by a def, by id, where they differ from the kind's `produces` (a reward model in a policy chain). */
  readonly artifacts?: Readonly<Record<string, readonly string[]>>;
}

/** A stage already planned in this pipeline, and the artifacts its output holds. */
export interface PlannedDef {
  readonly def: StageDef;
  /** The kind's name ("train", "finetune"). */
  readonly kind: string;
  readonly artifacts: readonly string[];
}

export interface StageKind<C = unknown> {
  /** The stage's name within one pipeline ("clean"); the planner turns it into an id ("trial-2/clean"). */
  readonly name: string;
  /** The engine kind of the StageDefs it plans ("data.clean"). */
  readonly kind: string;
  /** Configuration sections its params come from (and nothing else). */
  readonly reads: readonly string[];
  /** Sections whose presence asks for this stage (and, through `consumes`, for its upstream). Empty: only upstream. */
  readonly wantedBy: readonly string[];
  /** Input name → the artifact it needs. */
  readonly consumes: Readonly<Record<string, string>>;
  /** Artifacts its output holds. */
  readonly produces: readonly string[];
  /** One line for help texts. */
  readonly summary?: string;
  load(): Promise<StageImpl<C>>;
}

function single(def: StageDef): StageChain {
  return { defs: [def], output: def.id };
}

/** The registry could not do what was asked (a duplicate kind, an artifact nobody produces, an unknown stage). */
export class RegistryError extends EngineError {
  override readonly name = "RegistryError";
}

export class StageRegistry<C = unknown> {
  private readonly list: StageKind<C>[] = [];
  private readonly impls = new Map<string, Promise<StageImpl<C>>>();

  /** Adds kinds after those already registered (order matters: an input comes from the latest earlier producer). */
  register(...kinds: readonly StageKind<C>[]): this {
    for (const k of kinds) {
      const clash = this.list.find((o) => o.name === k.name || o.kind === k.kind);
      if (clash) throw new RegistryError(`stage kind ${k.kind} (${k.name}) clashes with the registered ${clash.kind} (${clash.name}). Hint: stage names and kinds must be unique`);
      this.list.push(k);
    }
    return this;
  }

  get kinds(): readonly StageKind<C>[] {
    return this.list;
  }

  /** Stage names in registration (pipeline) order. */
  names(): string[] {
    return this.list.map((k) => k.name);
  }

  byName(name: string): StageKind<C> | undefined {
    return this.list.find((k) => k.name === name);
  }

  byKind(kind: string): StageKind<C> | undefined {
    return this.list.find((k) => k.kind === kind);
  }

  /** Every section some kind reads. */
  sections(): Set<string> {
    return new Set(this.list.flatMap((k) => k.reads));
  }

  /**
   * The kinds one pipeline plans, in order: those wanted by the written sections (or only `target`), plus what
   * they consume, transitively. A kind whose input has no earlier producer is a RegistryError.
   */
  select(written: ReadonlySet<string>, target?: string): StageKind<C>[] {
    const chosen = new Set<StageKind<C>>();
    if (target !== undefined) {
      const k = this.byName(target);
      if (!k) throw new RegistryError(`no stage kind is named "${target}". Hint: the stages are ${this.names().join(", ")}`);
      chosen.add(k);
    } else {
      for (const k of this.list) if (k.wantedBy.some((s) => written.has(s))) chosen.add(k);
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const k of [...chosen]) {
        for (const artifact of Object.values(k.consumes)) {
          if (this.producer([...chosen], k, artifact)) continue;
          // Nothing chosen makes it: pull in its first registered producer (the base one: train, not a fine-tuning
          // stage whose section is not written).
          const p = this.list.slice(0, this.list.indexOf(k)).find((o) => o.produces.includes(artifact));
          if (!p) throw new RegistryError(`stage kind ${k.kind} consumes "${artifact}" but no kind registered before it produces one. Hint: register the producer first`);
          chosen.add(p);
          grew = true;
        }
      }
    }
    return this.list.filter((k) => chosen.has(k));
  }

  /** `target` and the kinds of `among` it consumes from, transitively (each input's latest producer in `among`). */
  upstream(among: readonly StageKind<C>[], target: string): StageKind<C>[] {
    const t = among.find((k) => k.name === target);
    if (!t) throw new RegistryError(`no stage kind is named "${target}" here. Hint: the stages are ${among.map((k) => k.name).join(", ")}`);
    const keep = new Set<StageKind<C>>([t]);
    for (const k of [...among].reverse()) {
      if (!keep.has(k)) continue;
      for (const artifact of Object.values(k.consumes)) {
        const p = this.producer(among, k, artifact);
        if (p) keep.add(p);
      }
    }
    return among.filter((k) => keep.has(k));
  }

  /** The latest kind of `among` registered before `before` (or anywhere, without it) that produces `artifact`. */
  producer(among: readonly StageKind<C>[], before: StageKind<C> | undefined, artifact: string): StageKind<C> | undefined {
    const limit = before ? this.list.indexOf(before) : this.list.length;
    let best: StageKind<C> | undefined;
    for (const k of among) {
      const i = this.list.indexOf(k);
      if (i < limit && k.produces.includes(artifact) && (!best || i > this.list.indexOf(best))) best = k;
    }
    return best;
  }

  /** The StageDefs of the selected kinds for one pipeline, upstream first; `id` names a stage of this pipeline. */
  async plan(ctx: C, selected: readonly StageKind<C>[], id: (name: string) => string): Promise<StageDef[]> {
    return (await this.planStages(ctx, selected, id)).map((p) => p.def);
  }

  /** As plan(), with the artifacts each stage holds (what a caller looking for "the models" of a pipeline reads). */
  async planStages(ctx: C, selected: readonly StageKind<C>[], id: (name: string) => string): Promise<PlannedDef[]> {
    const out: PlannedDef[] = [];
    const outputOf = new Map<string, string>(); // kind name → the id its consumers read
    for (const k of selected) {
      const inputs: Record<string, string> = {};
      for (const [input, artifact] of Object.entries(k.consumes)) inputs[input] = outputOf.get(this.producer(selected, k, artifact)!.name)!;
      const impl = await this.impl(k);
      const chain: StageChain = impl.planChain ? impl.planChain(ctx, id(k.name), inputs, out) : single(impl.plan(ctx, id(k.name), inputs));
      if (!chain.defs.some((d) => d.id === chain.output)) throw new RegistryError(`stage kind ${k.kind} names ${chain.output} as its output but planned no such stage. Hint: output must be the id of one of its defs`);
      for (const def of chain.defs) {
        if (def.kind !== k.kind) throw new RegistryError(`stage kind ${k.kind} planned a stage of kind ${def.kind}. Hint: plan() must return its own kind`);
        out.push({ def, kind: k.name, artifacts: chain.artifacts?.[def.id] ?? k.produces });
      }
      outputOf.set(k.name, chain.output);
    }
    return out;
  }

  /** Loads the implementations of these kinds (all of them by default) ahead of a synchronous use. */
  async load(kinds: readonly StageKind<C>[] = this.list): Promise<void> {
    await Promise.all(kinds.map((k) => this.impl(k)));
  }

  /** The run function of a kind, by its engine kind (what a worker holding only a StageDef's kind needs). */
  async runner(kind: string): Promise<StageImpl<C>["run"]> {
    const k = this.byKind(kind);
    if (!k) throw new RegistryError(`no stage kind ${kind} is registered. Hint: the kinds are ${this.list.map((o) => o.kind).join(", ")}`);
    return (await this.impl(k)).run;
  }

  private impl(k: StageKind<C>): Promise<StageImpl<C>> {
    let p = this.impls.get(k.kind);
    if (!p) {
      p = k.load();
      this.impls.set(k.kind, p);
    }
    return p;
  }
}
