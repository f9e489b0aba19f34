export * from "./redis-cache-store.ts";
export * from "./redis-connection.ts";
export * from "./redis-provider-budgets.ts";
export * from "./redis-shared-state.ts";
