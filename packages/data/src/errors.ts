// Typed errors of @lathe/data: each says what, where, the bad value, and a hint.

/** A dataset source cannot be read at all (missing file, unknown format, unresolvable npm package). */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly source: string,
    readonly where: string,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: source ${JSON.stringify(source)}: ${detail}. Hint: ${hint}`, options);
  }
}

/** A downloaded file's SHA-256 differs from the one the recipe pins. */
export class ChecksumError extends Error {
  override readonly name = "ChecksumError";
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `download ${url}: sha256 ${actual} does not match the recipe's sha256 ${expected}; the file was not cached. ` +
        `Hint: if the upstream file changed on purpose, verify it and put the new sha256 in the recipe.`,
    );
  }
}

/** A `datasets` or `clean` section does not match its schema. */
export class SectionError extends Error {
  override readonly name = "SectionError";
  constructor(
    readonly section: "datasets" | "clean",
    readonly pointer: string,
    /** What is wrong, with the bad value ("must be >= 1, got number 0"). */
    readonly detail: string,
    readonly value: unknown,
    readonly hint = `see schemas/sections/${section}.schema.json for the allowed fields and values`,
  ) {
    super(`${section}${pointer}: ${detail}. Hint: ${hint.replace(/\.$/, "")}.`);
  }
}

/** A stage input (docs.jsonl of an upstream stage) is malformed. */
export class ArtifactError extends Error {
  override readonly name = "ArtifactError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}. Hint: rebuild the upstream stage (lathe build --force collect).`);
  }
}

/** A clean rule was built before the module it needs was loaded (call `await prepareClean(clean)` first). */
export class RuleSetupError extends Error {
  override readonly name = "RuleSetupError";
  constructor(
    readonly rule: string,
    readonly detail: string,
  ) {
    super(`${rule}: ${detail}. Hint: await prepareClean(clean) before new Cleaner(clean) (runClean does this).`);
  }
}
