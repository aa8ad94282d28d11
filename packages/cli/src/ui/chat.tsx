// The terminal screen of `lathe chat`: finished messages scroll up in <Static> like a log; below them the reply being
// streamed, the input line and a status bar (stage, temperature, context use). Enter sends (a line entered while a
// reply streams waits for it), ↑/↓ recall earlier lines, Ctrl-U clears the line, Ctrl-C stops a reply or (when idle)
// quits, as /quit and Ctrl-D on an empty line do.
// Slash commands are chat/commands.ts's; the conversation itself is a ChatSession.
import React, { useRef, useState } from "react";
import { Box, Static, Text, useInput } from "ink";
import { applyCommand } from "../chat/apply.ts";
import { parseChatInput } from "../chat/commands.ts";
import { droppedNotice, type ChatReply, type ChatSession } from "../chat/session.ts";
import { describeError } from "../errors.ts";

export interface ChatScreenProps {
  /** The conversation; the screen sends to it and applies slash commands to it. */
  readonly session: ChatSession;
  /** What is being chatted with, for the first line, e.g. "recipes/brown-chat.yaml". */
  readonly title: string;
  /** Called once, on /quit, Ctrl-C while idle, or Ctrl-D on an empty line. */
  readonly onExit: () => void;
}

type Entry =
  | { readonly id: number; readonly kind: "user"; readonly text: string }
  | { readonly id: number; readonly kind: "assistant"; readonly who: string; readonly text: string; readonly note: string }
  | { readonly id: number; readonly kind: "notice" | "error" | "help"; readonly text: string };

type NewEntry = Entry extends infer E ? (E extends Entry ? Omit<E, "id"> : never) : never;

/** Why a reply ended, when it is worth saying. */
const ENDINGS: Partial<Record<ChatReply["reason"], string>> = {
  length: "(cut at max tokens)",
  context: "(context full)",
  cancelled: "(stopped)",
};

/** Control characters a model may generate would move the cursor or recolour the terminal: show them as �. */
function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "\ufffd");
}

export default function ChatScreen({ session, title, onExit }: ChatScreenProps): React.JSX.Element {
  const nextId = useRef(1);
  const [entries, setEntries] = useState<Entry[]>(() => [
    { id: 0, kind: "notice", text: `chatting with ${session.stage} of ${title} · /help for commands · Ctrl-C stops a reply, or quits` },
  ]);
  const [input, setInputState] = useState("");
  const typed = useRef(""); // the input line as of the last key (keys can arrive faster than renders)
  const setInput = (v: string) => {
    typed.current = v;
    setInputState(v);
  };
  const [streaming, setStreaming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null); // what is going on: "generating", "loading sft"
  const [, refresh] = useState(0);
  const sent = useRef<string[]>([]);
  const recall = useRef(0);
  const queue = useRef<Promise<void>>(Promise.resolve()); // lines entered while a reply runs wait their turn
  const abort = useRef<AbortController | null>(null);
  const exited = useRef(false);

  const push = (...es: NewEntry[]) => setEntries((all) => [...all, ...es.map((e) => ({ ...e, id: nextId.current++ }) as Entry)]);
  const exit = () => {
    if (exited.current) return;
    exited.current = true;
    onExit();
  };

  const submit = async (line: string) => {
    const cmd = parseChatInput(line);
    if (cmd.kind === "message") {
      if (cmd.text === "") return;
      push({ kind: "user", text: cmd.text });
      setBusy("generating");
      setStreaming("");
      const ac = new AbortController();
      abort.current = ac;
      let text = "";
      try {
        const r = await session.send(
          cmd.text,
          (piece) => {
            text += piece;
            setStreaming(text);
          },
          { signal: ac.signal, onDropped: (n) => push({ kind: "notice", text: droppedNotice(n, session.context) }) },
        );
        push({ kind: "assistant", who: session.stage, text: r.text, note: ENDINGS[r.reason] ?? "" });
      } catch (e) {
        push({ kind: "error", text: describeError(e) });
      } finally {
        abort.current = null;
        setStreaming(null);
        setBusy(null);
      }
    } else {
      if (cmd.kind === "stage" && cmd.stage !== undefined) setBusy(`loading ${cmd.stage}`);
      const r = await applyCommand(session, cmd);
      setBusy(null);
      if (r.quit) return exit();
      push({ kind: r.error ? "error" : cmd.kind === "help" ? "help" : "notice", text: r.text });
    }
    refresh((n) => n + 1); // the session's settings changed under the status bar
  };

  const enter = (line: string) => {
    if (line.trim() === "") return;
    sent.current.push(line);
    recall.current = sent.current.length;
    queue.current = queue.current.then(() => (exited.current ? undefined : submit(line))).catch((e: unknown) => push({ kind: "error", text: describeError(e) }));
  };

  useInput((ch, key) => {
    if (key.ctrl && ch === "c") {
      if (abort.current) abort.current.abort();
      else if (busy === null) exit();
      return;
    }
    if (key.ctrl && ch === "d") {
      if (typed.current === "" && busy === null) exit();
      return;
    }
    if (key.ctrl && ch === "u") return setInput("");
    if (key.upArrow || key.downArrow) {
      const all = sent.current;
      if (all.length === 0) return;
      recall.current = Math.max(0, Math.min(all.length, recall.current + (key.upArrow ? -1 : 1)));
      return setInput(all[recall.current] ?? "");
    }
    if (key.return) {
      enter(typed.current);
      return setInput("");
    }
    if (key.backspace || key.delete) return setInput(Array.from(typed.current).slice(0, -1).join(""));
    if (key.ctrl || key.meta || key.escape || key.tab) return;
    // A paste (or keys faster than a frame) arrives as one chunk: each line break in it is an Enter.
    const lines = ch.split(/\r\n|\r|\n/);
    let line = typed.current + printable(lines[0]!);
    for (const next of lines.slice(1)) {
      enter(line);
      line = printable(next);
    }
    setInput(line);
  });

  return (
    <Box flexDirection="column">
      <Static items={entries}>{(e) => <EntryLine key={e.id} entry={e} />}</Static>
      {streaming !== null ? (
        <Text>
          <Text bold color="cyan">
            {session.stage} ›{" "}
          </Text>
          {printable(streaming)}
        </Text>
      ) : null}
      <Text>
        <Text bold color="green">
          you ›{" "}
        </Text>
        {input}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>
        {busy ?? "ready"} · stage {session.stage} · temperature {session.temperature} · context {session.contextUsed()}/{session.context} tokens · replies ≤{" "}
        {session.maxTokens} tokens{session.system ? " · system prompt set" : ""} · /help
      </Text>
    </Box>
  );
}

function EntryLine({ entry: e }: { readonly entry: Entry }): React.JSX.Element {
  switch (e.kind) {
    case "user":
      return (
        <Text>
          <Text bold color="green">
            you ›{" "}
          </Text>
          {e.text}
        </Text>
      );
    case "assistant":
      return (
        <Text>
          <Text bold color="cyan">
            {e.who} ›{" "}
          </Text>
          {printable(e.text)}
          {e.note ? <Text dimColor> {e.note}</Text> : null}
        </Text>
      );
    case "error":
      return <Text color="red">{e.text}</Text>;
    case "help":
      return <Text>{e.text}</Text>;
    case "notice":
      return <Text dimColor>{e.text}</Text>;
  }
}
