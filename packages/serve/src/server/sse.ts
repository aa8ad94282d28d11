// Server-sent events in OpenAI's streaming format: one `data: <json>` event per chunk, an error as
// `data: {"error": {...}}`, and `data: [DONE]` last. The client going away cancels the stream, which aborts the request.
import { type ApiError, toApiError } from "./errors.ts";

export const SSE_HEADERS = { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" };

/** One SSE event carrying data (a JSON value, or the literal [DONE]). */
export function sseEvent(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/**
 * A streaming Response: run() sends chunks; when it ends, [DONE] follows; if it throws, an error event then [DONE].
 * onCancel runs when the client disconnects (the caller aborts the engine request there); onEnd after the last
 * event, with the error sent, if any.
 */
export function sseResponse(run: (send: (chunk: unknown) => void) => Promise<void>, onCancel: () => void, onEnd?: (e: ApiError | null) => void): Response {
  const enc = new TextEncoder();
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (s: string) => {
        if (!open) return;
        try {
          controller.enqueue(enc.encode(s));
        } catch {
          open = false; // the stream was cancelled under us
        }
      };
      let error: ApiError | null = null;
      run((chunk) => write(sseEvent(chunk)))
        .catch((e: unknown) => {
          error = toApiError(e);
          write(sseEvent(error.body()));
        })
        .finally(() => {
          write(sseEvent("[DONE]"));
          if (open) {
            open = false;
            controller.close();
          }
          onEnd?.(error);
        });
    },
    cancel() {
      open = false;
      onCancel();
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
