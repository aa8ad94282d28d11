// The typed error of task files and task data: where (file[:line:col], row, field), what is wrong with which value,
// and a hint. Every task-runner failure a user can fix is one of these.

export interface TaskErrorWhere {
  /** The task YAML or the data file. */
  readonly file: string;
  /** 1-based position in a YAML file. */
  readonly line?: number;
  readonly col?: number;
  /** 0-based row of a data file (after process_docs the row of the processed split). */
  readonly row?: number;
  /** The task field (doc_to_text, ...) or data column concerned. */
  readonly field?: string;
}

export class TaskError extends Error {
  override readonly name = "TaskError";
  readonly file: string;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly row: number | undefined;
  readonly field: string | undefined;
  constructor(
    where: TaskErrorWhere,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${formatWhere(where)}: ${detail}. Hint: ${hint}`, options);
    this.file = where.file;
    this.line = where.line;
    this.col = where.col;
    this.row = where.row;
    this.field = where.field;
  }
}

/** "file:3:5", "file row 2, doc_to_text", "file, field metric_list". */
export function formatWhere(w: TaskErrorWhere): string {
  let s = w.file;
  if (w.line !== undefined) s += `:${w.line}:${w.col ?? 1}`;
  const parts: string[] = [];
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.field !== undefined) parts.push(w.field);
  return parts.length ? `${s} (${parts.join(", ")})` : s;
}
