// What the fine-tuning data readers drop and why: a count per rule with up to N example lines each, and its text
// form (the same shape as the clean stage's report: counts, then "- file:line: reason" and the excerpt).

/** Why a line was dropped; each line is dropped by the first rule it breaks, in this order. */
export const CHAT_RULES = ["bad_json", "missing_field", "unknown_role", "empty_content", "no_assistant", "chosen_equals_rejected", "too_long"] as const;
export type ChatRule = (typeof CHAT_RULES)[number];

export interface ChatDataExample {
  /** "file:line" (1-based line). */
  readonly where: string;
  /** The line, cut to 120 characters. */
  readonly value: string;
  /** What is wrong with it, e.g. `messages[2].role is "tool"`. */
  readonly detail: string;
}

export interface ChatRuleCount {
  readonly count: number;
  readonly examples: readonly ChatDataExample[];
}

export interface ChatDataReport {
  /** Non-blank lines read. */
  readonly read: number;
  readonly kept: number;
  /** Only the rules that dropped something. */
  readonly dropped: Readonly<Partial<Record<ChatRule, ChatRuleCount>>>;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : "0%");

/** The report as lines for a log or `lathe inspect`. */
export function formatChatReport(report: ChatDataReport): string[] {
  const dropped = report.read - report.kept;
  const lines = [`chat data: read ${report.read} lines, kept ${report.kept} (${pct(report.kept, report.read)}), dropped ${dropped}`];
  for (const rule of CHAT_RULES) {
    const r = report.dropped[rule];
    if (!r) continue;
    lines.push(`  ${rule.padEnd(24)} ${String(r.count).padStart(8)}`);
    for (const e of r.examples) {
      lines.push(`      - ${e.where}: ${e.detail}`);
      lines.push(`        ${e.value}`);
    }
  }
  return lines;
}
