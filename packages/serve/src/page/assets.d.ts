// The page's files as server/page.ts imports them: `with { type: "text" }` makes each one its text (so Bun.build
// inlines them into the container's one-file bundle), which these declarations tell TypeScript. Narrow patterns, so
// no other import is retyped.
declare module "*/page/chat.css" {
  const text: string;
  export default text;
}
declare module "*/page/chat.js" {
  const text: string;
  export default text;
}
declare module "*/page/chat-lib.js" {
  const text: string;
  export default text;
}
