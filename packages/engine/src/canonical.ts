// Canonical JSON: sorted keys, no whitespace, numbers normalized (-0 → 0, shortest round-trip form), so equal values
// always serialize to equal bytes. Rejects anything that is not plain JSON, naming its JSON pointer.

import { CanonicalJsonError } from "./errors.ts";

/** Serialize a JSON value canonically. Throws CanonicalJsonError for undefined, functions, NaN/Infinity, class instances... */
export function canonicalJson(value: unknown): string {
  return write(value, "");
}

function write(v: unknown, ptr: string): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return JSON.stringify(v);
    case "number":
      if (!Number.isFinite(v)) throw new CanonicalJsonError(ptr, String(v));
      return Object.is(v, -0) ? "0" : JSON.stringify(v);
    case "object": {
      if (Array.isArray(v)) {
        const parts: string[] = [];
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) throw new CanonicalJsonError(`${ptr}/${i}`, "a hole in a sparse array");
          parts.push(write(v[i], `${ptr}/${i}`));
        }
        return `[${parts.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(ptr, `a ${proto?.constructor?.name ?? "non-plain"} object`);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      const parts: string[] = [];
      for (const k of keys) parts.push(`${JSON.stringify(k)}:${write(obj[k], `${ptr}/${escapePointer(k)}`)}`);
      return `{${parts.join(",")}}`;
    }
    default:
      throw new CanonicalJsonError(ptr, typeof v);
  }
}

/** RFC 6901 escaping of one pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** sha256 hex of a string: used for stage keys (strong, and fast enough for small inputs). */
export function sha256Hex(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}
