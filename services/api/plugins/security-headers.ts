import { Elysia } from "elysia";

// The API serves JSON; only the docs page loads a script (from the OpenAPI plugin's page).
const headers = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
};

export const securityHeaders = new Elysia({ name: "security-headers" }).onRequest(({ set }) => {
  Object.assign(set.headers, headers);
});
