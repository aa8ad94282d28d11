// What the report page inlines so that it loads nothing when opened: uPlot's script and stylesheet from the installed
// `uplot` package (a dependency of @lathe/cli), and the page's own script (client.js beside this file).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ReportAssets {
  readonly uplotJs: string;
  readonly uplotCss: string;
  /** client.js: draws the charts, sorts the table. */
  readonly clientJs: string;
}

/** A file the report inlines is missing: the install is incomplete. */
export class ReportAssetError extends Error {
  override readonly name = "ReportAssetError";
  constructor(
    readonly asset: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`lathe report: ${asset}: ${problem}. Hint: ${hint}`);
  }
}

function resolveAsset(spec: string): string {
  try {
    return Bun.resolveSync(spec, import.meta.dir);
  } catch (e) {
    throw new ReportAssetError(spec, `cannot be found (${(e as Error).message})`, "run bun install at the repository root (@lathe/cli depends on uplot)");
  }
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  cached ??= {
    uplotJs: readFileSync(resolveAsset("uplot/dist/uPlot.iife.min.js"), "utf8"),
    uplotCss: readFileSync(resolveAsset("uplot/dist/uPlot.min.css"), "utf8"),
    clientJs: readFileSync(join(import.meta.dir, "client.js"), "utf8"),
  };
  return cached;
}
