export * from "./dialect";
export * from "./open";
export * from "./migrate";
export * from "./test-db";
export * from "./schema-description";
export * from "./copy-to-postgres";
