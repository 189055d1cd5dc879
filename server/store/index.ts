export * from "./IndexStore.js";
export type * from "./model.js";
export { InvalidCursorError } from "./cursor.js";
export { checksumAddress } from "./address.js";
export { SqliteIndexStore } from "./sqlite/SqliteIndexStore.js";
