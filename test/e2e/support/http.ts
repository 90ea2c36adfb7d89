// A tiny HTTP client for the server tests: keeps cookies like a browser, never follows redirects.

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Stores the cookies of a response's Set-Cookie headers; Max-Age=0 or an empty value removes one. */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export interface HttpClient {
  readonly base: string;
  readonly jar: CookieJar;
  /** A request with the jar's cookies (`redirect: "manual"`); Set-Cookie answers go into the jar. */
  request(pathname: string, init?: RequestInit): Promise<Response>;
  get(pathname: string, headers?: Record<string, string>): Promise<Response>;
  /** A form POST (application/x-www-form-urlencoded). */
  post(pathname: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** GETs a page and returns the CSRF token in its `_csrf` hidden input. */
  csrf(pathname?: string): Promise<string>;
}

/** A client for `base` that speaks English unless told otherwise. */
export function createClient(base: string, defaults: Record<string, string> = { "Accept-Language": "en" }): HttpClient {
  const jar = new CookieJar();
  const client: HttpClient = {
    base,
    jar,
    async request(pathname, init = {}) {
      const headers = new Headers(defaults);
      new Headers(init.headers).forEach((value, key) => headers.set(key, value));
      const cookie = jar.header();
      if (cookie) headers.set("Cookie", cookie);
      const response = await fetch(new URL(pathname, base), { ...init, headers, redirect: "manual" });
      jar.store(response);
      return response;
    },
    get(pathname, headers = {}) {
      return client.request(pathname, { headers });
    },
    post(pathname, fields, headers = {}) {
      return client.request(pathname, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    },
    async csrf(pathname = "/login") {
      const res = await client.get(pathname);
      const html = await res.text();
      return csrfFrom(html);
    },
  };
  return client;
}

/** The value of the first `_csrf` hidden input of a page. */
export function csrfFrom(html: string): string {
  const input = html.match(/<input[^>]*name="_csrf"[^>]*>/);
  const value = input?.[0].match(/value="([^"]*)"/);
  if (!value) throw new Error(`No _csrf field in the page:\n${html.slice(0, 500)}`);
  return value[1];
}

/** Posts the login form (with a fresh CSRF token) and returns the answer. */
export async function loginHttp(client: HttpClient, email: string, password: string, next = "/"): Promise<Response> {
  // A logged-in client is sent away from /login: any page carries the same token.
  const page = await client.get("/login");
  const csrf = csrfFrom(await (page.status >= 300 && page.status < 400 ? await client.get("/") : page).text());
  return client.post("/login", { _csrf: csrf, email, password, next });
}

export const DEMO_PASSWORD = "aftercare-demo";
export const ADMIN = "admin@aftercare.local";
export const MANAGER = "manager@aftercare.local";
export const STAFF = "zhang.wei@aftercare.local";
