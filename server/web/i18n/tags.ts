import type { Messages } from "./index.js";

/**
 * The tap page's words (#18), kept apart from en.ts / fr.ts so the page can be read (and merged)
 * on its own. Keyed by the page language the shared messages picked.
 */
export interface TapMessages {
  title: string;
  tagAuthentic: string;
  pieceVerdict: Record<"genuine" | "stolen" | "revoked" | "caution" | "do_not_buy", string>;
  copiedTitle: string;
  copiedHelp: string;
  notAuthenticTitle: string;
  notAuthenticHelp: Record<"cmac" | "unknown_key", string>;
  unboundTitle: string;
  unboundHelp: string;
  unverifiedTitle: string;
  unverifiedHelp: string;
  malformedTitle: string;
  malformedHelp: string;
  openCertificate: string;
  tapCount: string;
  /** The claim by presence a fresh tap offers (TagAttestedClaims). */
  claimTitle: string;
  claimHelp: string;
  claimRecipient: string;
  claimButton: string;
  claimedTitle: string;
  claimedHelp: string;
  claimPending: string;
  claimRefusedTitle: string;
  claimRefused: Record<"expired" | "used" | "recipient" | "unavailable" | "other", string>;
}

const en: TapMessages = {
  title: "NFC tag check",
  tagAuthentic: "Tag authentic",
  pieceVerdict: {
    genuine: "Genuine piece, issued by the brand.",
    stolen: "But this piece is reported stolen: do not buy it.",
    revoked: "But this piece's certificate was revoked: do not buy it.",
    caution: "The piece's certificate could not be fully checked right now: open it before buying.",
    do_not_buy: "But the piece's certificate does not hold: do not buy it.",
  },
  copiedTitle: "This link was already used: tap the tag on the piece",
  copiedHelp:
    "Each tap of the tag makes a new link that opens once. This one was opened before: it may have been copied or shared. Hold your phone to the tag on the piece itself.",
  notAuthenticTitle: "This tag is not authentic",
  notAuthenticHelp: {
    cmac: "The link's security code does not match: the link was altered or made by a counterfeit tag.",
    unknown_key: "No brand known to this verifier made this tag.",
  },
  unboundTitle: "This tag is not registered for this piece",
  unboundHelp:
    "The tag is a genuine one, but the certificate in the link does not name it: the tag may have been moved from another piece.",
  unverifiedTitle: "Tag authentic, registration not checked yet",
  unverifiedHelp:
    "The tag is genuine, but the piece's certificate could not be read right now to confirm that it names this tag. Try again in a moment.",
  malformedTitle: "This link is incomplete",
  malformedHelp: "The link from the tag is damaged or was cut short. Tap the tag on the piece again.",
  openCertificate: "See the piece's certificate",
  tapCount: "Tap number {counter} of this tag.",
  claimTitle: "Claim this piece with its tag",
  claimHelp:
    "This tap shows the piece is in your hands. Give the wallet address that will own its certificate: the brand's verifier attests the tap and submits the claim, at no cost to you. The offer lapses after ten minutes.",
  claimRecipient: "Your wallet address (0x…)",
  claimButton: "Claim with this tag",
  claimedTitle: "Claimed with the tag",
  claimedHelp: "The piece's certificate now belongs to {recipient}.",
  claimPending: "The claim was sent and shows on the certificate once the network records it.",
  claimRefusedTitle: "The claim was not accepted",
  claimRefused: {
    expired: "This tap's offer has lapsed: tap the tag on the piece again.",
    used: "This tap was already used, or the piece can no longer be claimed with its tag: tap the tag again to see its state.",
    recipient: "That is not a wallet address: it starts with 0x followed by 40 hexadecimal characters.",
    unavailable: "This verifier cannot submit claims for this brand.",
    other: "The claim could not be submitted. Tap the tag on the piece again.",
  },
};

const fr: TapMessages = {
  title: "Vérification de l'étiquette NFC",
  tagAuthentic: "Étiquette authentique",
  pieceVerdict: {
    genuine: "Pièce authentique, émise par la marque.",
    stolen: "Mais cette pièce est déclarée volée : ne l'achetez pas.",
    revoked: "Mais le certificat de cette pièce a été révoqué : ne l'achetez pas.",
    caution:
      "Le certificat de la pièce n'a pas pu être entièrement vérifié pour l'instant : ouvrez-le avant d'acheter.",
    do_not_buy: "Mais le certificat de la pièce n'est pas valable : ne l'achetez pas.",
  },
  copiedTitle: "Ce lien a déjà été utilisé : approchez votre téléphone de l'étiquette de la pièce",
  copiedHelp:
    "Chaque lecture de l'étiquette crée un nouveau lien, valable une fois. Celui-ci a déjà été ouvert : il a pu être copié ou partagé. Approchez votre téléphone de l'étiquette cousue dans la pièce.",
  notAuthenticTitle: "Cette étiquette n'est pas authentique",
  notAuthenticHelp: {
    cmac: "Le code de sécurité du lien ne correspond pas : le lien a été modifié ou vient d'une étiquette contrefaite.",
    unknown_key: "Aucune marque connue de ce vérificateur n'a émis cette étiquette.",
  },
  unboundTitle: "Cette étiquette n'est pas enregistrée pour cette pièce",
  unboundHelp:
    "L'étiquette est authentique, mais le certificat du lien ne la désigne pas : elle a peut-être été retirée d'une autre pièce.",
  unverifiedTitle: "Étiquette authentique, enregistrement pas encore vérifié",
  unverifiedHelp:
    "L'étiquette est authentique, mais le certificat de la pièce n'a pas pu être lu pour confirmer qu'il la désigne. Réessayez dans un instant.",
  malformedTitle: "Ce lien est incomplet",
  malformedHelp:
    "Le lien de l'étiquette est abîmé ou tronqué. Approchez à nouveau votre téléphone de l'étiquette.",
  openCertificate: "Voir le certificat de la pièce",
  tapCount: "Lecture n° {counter} de cette étiquette.",
  claimTitle: "Enregistrer cette pièce grâce à son étiquette",
  claimHelp:
    "Cette lecture montre que la pièce est entre vos mains. Indiquez l'adresse du portefeuille qui détiendra son certificat : le vérificateur de la marque atteste la lecture et soumet l'enregistrement, sans frais pour vous. L'offre expire au bout de dix minutes.",
  claimRecipient: "Adresse de votre portefeuille (0x…)",
  claimButton: "Enregistrer avec cette étiquette",
  claimedTitle: "Enregistrée grâce à l'étiquette",
  claimedHelp: "Le certificat de la pièce appartient désormais à {recipient}.",
  claimPending: "L'enregistrement a été envoyé ; il apparaît sur le certificat dès que le réseau l'inscrit.",
  claimRefusedTitle: "L'enregistrement n'a pas été accepté",
  claimRefused: {
    expired: "L'offre de cette lecture a expiré : approchez à nouveau votre téléphone de l'étiquette.",
    used: "Cette lecture a déjà servi, ou la pièce ne peut plus être enregistrée par son étiquette : lisez à nouveau l'étiquette pour voir son état.",
    recipient:
      "Ce n'est pas une adresse de portefeuille : elle commence par 0x suivi de 40 caractères hexadécimaux.",
    unavailable: "Ce vérificateur ne peut pas soumettre d'enregistrement pour cette marque.",
    other: "L'enregistrement n'a pas pu être soumis. Lisez à nouveau l'étiquette de la pièce.",
  },
};

const TAP_MESSAGES: Readonly<Record<string, TapMessages>> = { en, fr };

export function tapMessagesFor(t: Messages): TapMessages {
  return Object.hasOwn(TAP_MESSAGES, t.lang) ? TAP_MESSAGES[t.lang] : en;
}
