// The terminal mode of `lathe chat`: mounts the Ink chat screen (ui/chat.tsx) over a session until the user leaves.
import React from "react";
import { render } from "ink";
import ChatScreen from "../ui/chat.tsx";
import type { ChatSession } from "./session.ts";

export interface ChatScreenOptions {
  /** What is being chatted with, e.g. the recipe path. */
  readonly title: string;
  /** @default process.stdin (a TTY: keys are read in raw mode) */
  readonly stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  readonly stdout?: NodeJS.WriteStream;
  /** Aborting it leaves the screen (Ctrl-C itself arrives as a key in raw mode). */
  readonly signal?: AbortSignal;
}

/** Resolves when the user quits. */
export async function runChatScreen(session: ChatSession, o: ChatScreenOptions): Promise<void> {
  const leave = () => setImmediate(() => ink.unmount()); // after the last frame is drawn
  const ink = render(React.createElement(ChatScreen, { session, title: o.title, onExit: leave }), {
    stdin: o.stdin ?? process.stdin,
    stdout: o.stdout ?? process.stdout,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  o.signal?.addEventListener("abort", leave, { once: true });
  try {
    await ink.waitUntilExit();
  } finally {
    o.signal?.removeEventListener("abort", leave);
  }
}
