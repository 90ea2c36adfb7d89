export * from "./translate";
