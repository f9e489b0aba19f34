export * from "./redis-cache-store.ts";
export * from "./redis-connection.ts";
