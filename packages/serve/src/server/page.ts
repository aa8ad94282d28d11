// GET /: the chat page (packages/serve/src/page/), static files imported as text so the container's one-file bundle
// carries them too. No build step, nothing from a CDN: the Content-Security-Policy lets the page load only its own
// files and talk only to this server.
/// <reference path="../page/assets.d.ts" />
import chatLibJs from "../page/chat-lib.js" with { type: "text" };
import chatCss from "../page/chat.css" with { type: "text" };
import chatJs from "../page/chat.js" with { type: "text" };
import indexHtml from "../page/index.html" with { type: "text" };

/** The page's own files only: scripts, styles and fetches from this origin; no frames, forms or plug-ins. */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const JS = "text/javascript; charset=utf-8";
// bun-types declare *.html as Bun.serve's HTMLBundle; imported `with { type: "text" }` it is the file's text.
const FILES = new Map<string, [body: string, type: string]>([
  ["/", [indexHtml as unknown as string, "text/html; charset=utf-8"]],
  ["/page/chat.css", [chatCss, "text/css; charset=utf-8"]],
  ["/page/chat.js", [chatJs, JS]],
  ["/page/chat-lib.js", [chatLibJs, JS]],
]);

/** The paths the page is served at. */
export const PAGE_ROUTES: ReadonlySet<string> = new Set(FILES.keys());

/** One of the page's files (path in PAGE_ROUTES). */
export function pageResponse(path: string): Response {
  const [body, type] = FILES.get(path)!;
  return new Response(body, {
    headers: { "Content-Type": type, "Cache-Control": "no-cache", "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" },
  });
}
