// `lathe build | head`: when the reader goes away, stop quietly like other Unix tools (exit 128 + SIGPIPE).

export function exitOnBrokenPipe(e: unknown): void {
  if (e && typeof e === "object" && "code" in e && e.code === "EPIPE") process.exit(141);
}
