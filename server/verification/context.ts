import type { CertificateChainReader } from "../chain/contracts.js";
import type { IndexReader } from "../store/IndexStore.js";
import type { DocumentSource } from "./committed-document.js";

/** The chain a verifier answers for: the EIP-712 domain of proofs and the chip message name it. */
export interface ChainIdentity {
  chainId: number;
  certificateAddress: string;
}

/** What the verification functions read. Built once by the composition root; no HTTP in it. */
export interface VerifierContext {
  index: IndexReader;
  documents: DocumentSource;
  /** Fresh reads at the head, for proofs. */
  chain: CertificateChainReader;
  identity: ChainIdentity;
}
