import { AbiCoder, concat, dataSlice, getBytes, isHexString } from "ethers";

/** ERC-6492's suffix: a signature wrapped with the deployment of the wallet that made it. */
export const ERC6492_MAGIC = "0x6492649264926492649264926492649264926492649264926492649264926492";

/** Wraps a counterfactual wallet's signature with the factory call that deploys it. */
export function wrapErc6492(factory: string, factoryCalldata: string, signature: string): string {
  return concat([
    AbiCoder.defaultAbiCoder().encode(["address", "bytes", "bytes"], [factory, factoryCalldata, signature]),
    ERC6492_MAGIC,
  ]);
}

/** Whether a signature carries the ERC-6492 suffix. */
export function isErc6492(signature: string): boolean {
  if (!isHexString(signature)) return false;
  const bytes = getBytes(signature);
  return bytes.length >= 32 && dataSlice(signature, bytes.length - 32).toLowerCase() === ERC6492_MAGIC;
}
