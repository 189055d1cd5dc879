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
};

const TAP_MESSAGES: Readonly<Record<string, TapMessages>> = { en, fr };

export function tapMessagesFor(t: Messages): TapMessages {
  return Object.hasOwn(TAP_MESSAGES, t.lang) ? TAP_MESSAGES[t.lang] : en;
}
