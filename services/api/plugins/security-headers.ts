import { Elysia } from "elysia";

// The API serves JSON; only the docs page loads a script. Nothing it answers may be kept by a cache:
// tokens, and everything a bearer token reads (the docs' static assets say otherwise for themselves).
const headers = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
};

// Elysia's default headers (every response's `set.headers` starts as a copy) rather than an
// onRequest hook assigning them: no hook call per request.
export const securityHeaders = new Elysia({ name: "security-headers" }).headers(headers);
