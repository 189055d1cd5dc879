/**
 * Rows to records and back. The PostgreSQL tables keep the sqlite columns and encodings (JSON text
 * chain references, 0/1 flags), so the mapping is sqlite's, unchanged: both stores answer with
 * the same records by construction. bigint columns arrive as decimal strings; the mappers' num()
 * reads both.
 */
export * from "../sqlite/rows.js";

/** A row as pg returns it (or as the writer builds it before binding). */
export type Row = Record<string, unknown>;
