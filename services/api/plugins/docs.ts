// The OpenAPI document (/openapi/json, built from the routes by ../openapi.ts) and a Swagger UI
// page (/openapi) whose script and styles are served from our own node_modules: the page works
// without internet access and its version is pinned.
import { Elysia } from "elysia";

const ASSETS = "/openapi/assets";
const asset = (file: string) => Bun.file(Bun.resolveSync(`swagger-ui-dist/${file}`, import.meta.dir));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ml-task-scheduler API</title>
  <link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS}/swagger-ui-bundle.js"></script>
  <script>SwaggerUIBundle({ url: "/openapi/json", dom_id: "#swagger-ui" });</script>
</body>
</html>`;

/** `document` is called once, on the first request, when every route is registered. */
export const docs = (document: () => object) => {
  let json: string | undefined;
  return new Elysia({ name: "docs" })
    .get("/openapi/json", ({ set }) => {
      set.headers["content-type"] = "application/json";
      return (json ??= JSON.stringify(document()));
    }, { detail: { hide: true } })
    .get("/openapi", ({ set }) => {
      set.headers["content-type"] = "text/html; charset=utf-8";
      return PAGE;
    }, { detail: { hide: true } })
    .get(`${ASSETS}/:file`, ({ params, set }) => {
      if (params.file !== "swagger-ui-bundle.js" && params.file !== "swagger-ui.css") return new Response(null, { status: 404 });
      set.headers["cache-control"] = "public, max-age=86400";
      return asset(params.file);
    }, { detail: { hide: true } });
};
