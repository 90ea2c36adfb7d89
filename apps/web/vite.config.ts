import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: Number(process.env.PORT ?? 3000) },
  plugins: [
    !process.env.VITEST &&
      remix({
        // A separate build folder lets the browser suite build without replacing a running app's files.
        buildDirectory: process.env.AFTERCARE_BUILD_DIR ?? "build",
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_lazyRouteDiscovery: true,
          v3_singleFetch: true,
          v3_routeConfig: true,
        },
      }),
  ],
  optimizeDeps: { include: ["survey-core", "survey-react-ui"] },
  ssr: { noExternal: [/^@aftercare\//] },
  build: { target: "es2022" },
});
