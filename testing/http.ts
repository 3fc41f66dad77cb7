// The API as a client sees it, for tests, benchmarks and fault runs: JSON in, status, headers and
// (JSON-parsed when it is JSON) body out, and the register-then-login flow every journey starts with.

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export type HttpClient = <T = any>(method: string, path: string, options?: RequestOptions) => Promise<Reply<T>>;

/** A client of the server at `baseUrl`; a string body is sent as it is, anything else as JSON. */
export function httpClient(baseUrl: string, { timeoutMs }: { timeoutMs?: number } = {}): HttpClient {
  return async (method, path, { body, token, headers = {} } = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && { "content-type": "application/json" }),
        ...(token && { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      ...(timeoutMs !== undefined && { signal: AbortSignal.timeout(timeoutMs) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsed as any, headers: response.headers };
  };
}

/** The body of a reply with the expected status; anything else throws, saying what came back. */
export function expectStatus<T>(reply: Reply<T>, status: number, what: string): T {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export interface Account {
  email: string;
  password: string;
  token: string;
}

/** Registers an account (a fresh email unless given) and logs in; returns its bearer token. */
export async function registerAndLogin(http: HttpClient, account: { email?: string; password?: string } = {}): Promise<Account> {
  const email = account.email ?? `user-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = account.password ?? "correct-horse-battery";
  expectStatus(await http("POST", "/auth/register", { body: { email, password } }), 201, "register");
  const { token } = expectStatus(await http<{ token: string }>("POST", "/auth/login", { body: { email, password } }), 200, "login");
  return { email, password, token };
}
