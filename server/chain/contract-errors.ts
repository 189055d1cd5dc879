import { Interface } from "ethers";
import type { ErrorDescription, JsonFragment } from "ethers";

/**
 * One interface holding the custom errors of several contracts' ABIs (each name once, the first ABI's
 * wins), so that a revert bubbling up from any of them decodes by name.
 */
export function customErrorsOf(...abis: readonly (readonly JsonFragment[])[]): Interface {
  const errors = new Map<string, JsonFragment>();
  for (const fragment of abis.flat())
    if (fragment.type === "error" && fragment.name !== undefined && !errors.has(fragment.name))
      errors.set(fragment.name, fragment);
  return new Interface([...errors.values()]);
}

/** A revert's data decoded against `errors`, or null when it is none of them. */
export function decodeCustomError(errors: Interface, data: string): ErrorDescription | null {
  try {
    return errors.parseError(data);
  } catch {
    return null;
  }
}
