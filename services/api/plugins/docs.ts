// The OpenAPI document (/openapi/json) and a Swagger UI page (/openapi) whose script and styles are
// served from our own node_modules: the page works without internet access and its version is pinned.
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";

const ASSETS = "/openapi/assets";
const asset = (file: string) => Bun.file(Bun.resolveSync(`swagger-ui-dist/${file}`, import.meta.dir));

/** A function, not a shared instance: the plugin's page is a Response object, consumed once per app. */
export const docs = () =>
  new Elysia({ name: "docs" })
    .use(
      openapi({
        path: "/openapi",
        provider: "swagger-ui",
        swagger: { cdn: `${ASSETS}/swagger-ui-bundle.js`, theme: `${ASSETS}/swagger-ui.css` },
        exclude: { paths: [/^\/openapi\/assets/] },
        documentation: {
          info: { title: "ml-task-scheduler API", version: "1.0.0", description: "Submit ML tasks and read their results." },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
        },
      }),
    )
    .get(`${ASSETS}/:file`, ({ params, set }) => {
      if (params.file !== "swagger-ui-bundle.js" && params.file !== "swagger-ui.css") return new Response(null, { status: 404 });
      set.headers["cache-control"] = "public, max-age=86400";
      return asset(params.file);
    });
