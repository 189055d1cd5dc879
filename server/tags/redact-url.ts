import type { Request } from "express";

/**
 * A tap's URL carries the tag's encrypted PICC data and its MAC. The shared error handler logs the
 * URL of a request that fails with a 5xx (a database outage); the tap routes drop the query from
 * it first, so no log line holds a tap's CMAC inputs.
 */
export async function withTapQueryKeptOutOfLogs<T>(request: Request, handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    request.originalUrl = `${request.baseUrl}${request.path}`;
    throw error;
  }
}
