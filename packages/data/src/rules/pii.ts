// pii: find emails, phone numbers, IPv4/IPv6 addresses and Luhn-valid credit card numbers; redact each with a
// placeholder (<EMAIL>, <PHONE>, <IP>, <CREDIT_CARD>) or drop the document.
import { isIPv6 } from "node:net";
import type { PiiKind, PiiRule } from "../params.ts";
import { drop, type Rule } from "./rule.ts";

/** Luhn checksum over a digit string. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

interface Detector {
  readonly kind: PiiKind;
  readonly placeholder: string;
  readonly re: RegExp;
  /** Extra check on a regex match (Luhn, digit count, address parse). */
  readonly ok: (m: string) => boolean;
}

const octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
// Order matters: cards before phones (both are digit runs), emails before IPs.
const detectors: readonly Detector[] = [
  {
    kind: "credit_card",
    placeholder: "<CREDIT_CARD>",
    re: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    ok: (m) => luhn(m.replace(/\D/g, "")) && !/^(\d)\1+$/.test(m.replace(/\D/g, "")),
  },
  { kind: "email", placeholder: "<EMAIL>", re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, ok: () => true },
  { kind: "ip", placeholder: "<IP>", re: new RegExp(`(?<![\\d.])${octet}(?:\\.${octet}){3}(?![\\d.])`, "g"), ok: () => true },
  {
    kind: "ip",
    placeholder: "<IP>",
    re: /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})(?![\w:])|(?<![\w:])::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}(?![\w:])/g,
    ok: (m) => isIPv6(m) && (m.match(/[0-9a-f]{1,4}/gi)?.length ?? 0) >= 2,
  },
  {
    kind: "phone",
    placeholder: "<PHONE>",
    // +1 (555) 123-4567, 555-123-4567, +44 20 7946 0958, 555.123.4567: 9-15 digits with separators.
    re: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g,
    ok: (m) => {
      const d = m.replace(/\D/g, "").length;
      return d >= 9 && d <= 15 && /[ .()+-]/.test(m);
    },
  },
];

export interface PiiMatch {
  readonly kind: PiiKind;
  readonly text: string;
  readonly index: number;
}

/** Every PII match of the given kinds, scanning detector by detector on the progressively redacted text. */
export function redactPii(text: string, kinds: readonly PiiKind[]): { text: string; matches: PiiMatch[] } {
  const matches: PiiMatch[] = [];
  let t = text;
  for (const d of detectors) {
    if (!kinds.includes(d.kind)) continue;
    t = t.replace(d.re, (m: string, ...rest: unknown[]) => {
      if (!d.ok(m)) return m;
      const index = rest.find((x) => typeof x === "number") as number;
      matches.push({ kind: d.kind, text: m, index });
      return d.placeholder;
    });
  }
  return { text: t, matches };
}

export function piiRule(p: PiiRule): Rule {
  return {
    label: "pii",
    perMessage: true,
    apply(text) {
      const r = redactPii(text, p.kinds);
      if (r.matches.length === 0) return text;
      if (p.action === "drop") {
        const m = r.matches[0]!;
        return drop(m.kind, `contains ${r.matches.length} PII match(es), first a ${m.kind} at ${m.index}: ${JSON.stringify(m.text)}`);
      }
      return r.text;
    },
  };
}
