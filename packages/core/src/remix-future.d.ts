// Single Fetch types for every package that holds route modules (STACK.md gotcha 5).
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
