import { AbiCoder, concat, keccak256, solidityPacked, toBeHex, toUtf8Bytes, TypedDataEncoder } from "ethers";
import type { TypedDataDomain, TypedDataField } from "ethers";

/**
 * ERC-7739 nested typed data for a passkey account's EIP-1271 answer: the passkey signs the application's
 * struct wrapped in TypedDataSign together with the account's own domain, so a signature made for one account
 * (or one application) is worthless for another. The account's domain is its EIP-712 domain
 * ("Hallmark Passkey Account", "1", chain id, its address, salt 0).
 */

export const PASSKEY_ACCOUNT_DOMAIN = { name: "Hallmark Passkey Account", version: "1" } as const;

export interface NestedTypedData {
  /** The hash the passkey signs (its WebAuthn challenge). */
  hash: string;
  /** Appends the passkey's signature to what the account decodes. */
  wrap(innerSignature: string): string;
}

/**
 * For a one-struct application message (the certificate's OwnershipProof), the hash to sign and how to wrap
 * the result, for the account at `account` on `chainId`.
 */
export function nestedTypedData(
  appDomain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  message: Record<string, unknown>,
  account: string,
  chainId: bigint,
): NestedTypedData {
  const encoder = TypedDataEncoder.from(types);
  const contentsName = encoder.primaryType;
  const contentsType = encoder.encodeType(contentsName);
  const contentsHash = encoder.hash(message);
  const appSeparator = TypedDataEncoder.hashDomain(appDomain);
  const typehash = keccak256(
    toUtf8Bytes(
      `TypedDataSign(${contentsName} contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)${contentsType}`,
    ),
  );
  const structHash = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "bytes32", "bytes32", "uint256", "address", "bytes32"],
      [
        typehash,
        contentsHash,
        keccak256(toUtf8Bytes(PASSKEY_ACCOUNT_DOMAIN.name)),
        keccak256(toUtf8Bytes(PASSKEY_ACCOUNT_DOMAIN.version)),
        chainId,
        account,
        toBeHex(0, 32),
      ],
    ),
  );
  const hash = keccak256(concat(["0x1901", appSeparator, structHash]));
  const descr = toUtf8Bytes(contentsType);
  return {
    hash,
    wrap: (innerSignature) =>
      solidityPacked(
        ["bytes", "bytes32", "bytes32", "bytes", "uint16"],
        [innerSignature, appSeparator, contentsHash, descr, descr.length],
      ),
  };
}
