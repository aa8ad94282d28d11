// The optional API key: `Authorization: Bearer <key>` on /v1/ routes, compared in constant time (both sides hashed
// to 32 bytes first, so neither the key's length nor its prefix shows in the timing).
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "./errors.ts";

/** A checker for one key: throws a 401 ApiError unless the request carries it. */
export function bearerCheck(apiKey: string): (req: Request) => void {
  const want = createHash("sha256").update(apiKey).digest();
  return (req) => {
    const header = req.headers.get("authorization");
    const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!m)
      throw new ApiError(401, "authentication_error", "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>' (the key the server was started with).", null, "missing_api_key");
    const got = createHash("sha256").update(m[1]).digest();
    if (!timingSafeEqual(got, want)) throw new ApiError(401, "authentication_error", "Incorrect API key provided.", null, "invalid_api_key");
  };
}
