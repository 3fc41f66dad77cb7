// The OpenAPI document (/openapi/json) and a Swagger UI page (/openapi) whose script and styles are
// served from our own node_modules: the page works without internet access and its version is pinned.
import { openapi } from "@elysiajs/openapi";
import { FormatRegistry } from "@sinclair/typebox";
import { Elysia } from "elysia";

// Importing @elysiajs/openapi re-registers TypeBox's string formats as zod checks that build a new
// zod schema on every call: ~10% of the API's CPU on GET /tasks/:id (a uuid param). The formats our
// schemas use get the same zod patterns back, compiled once.
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
FormatRegistry.Set("uuid", (value) => UUID.test(value));
FormatRegistry.Set("email", (value) => EMAIL.test(value));

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
