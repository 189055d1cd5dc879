import type { Messages } from "./index.js";

/**
 * The "Sustainability and care" section's words (#19), kept apart from en.ts / fr.ts so the section
 * can be read (and merged) on its own. Keyed by the page language the shared messages picked.
 */
export interface SustainabilityMessages {
  heading: string;
  environmentalFootprint: string;
  carbonFootprint: string;
  recyclability: string;
  recycledContent: string;
  origin: Record<"pre-consumer" | "post-consumer", string>;
  durability: string;
  substances: string;
  concentrationIn: string;
  economicOperator: string;
  facility: string;
  commodityCode: string;
  classLabel: string;
  restricted: string;
  byWeight: string;
}

const en: SustainabilityMessages = {
  heading: "Sustainability and care",
  environmentalFootprint: "Environmental footprint",
  carbonFootprint: "Carbon footprint",
  recyclability: "Recyclability",
  recycledContent: "Recycled content",
  origin: { "pre-consumer": "pre-consumer", "post-consumer": "post-consumer" },
  durability: "Durability",
  substances: "Substances of concern",
  concentrationIn: "in",
  economicOperator: "Responsible economic operator",
  facility: "Manufacturing facility",
  commodityCode: "Commodity code",
  classLabel: "class",
  restricted:
    "Further details (substances, facility) are kept for repairers, recyclers, resale partners and market-surveillance authorities.",
  byWeight: "by weight",
};

const fr: SustainabilityMessages = {
  heading: "Durabilité et entretien",
  environmentalFootprint: "Empreinte environnementale",
  carbonFootprint: "Empreinte carbone",
  recyclability: "Recyclabilité",
  recycledContent: "Matières recyclées",
  origin: { "pre-consumer": "pré-consommation", "post-consumer": "post-consommation" },
  durability: "Durabilité",
  substances: "Substances préoccupantes",
  concentrationIn: "dans",
  economicOperator: "Opérateur économique responsable",
  facility: "Site de fabrication",
  commodityCode: "Code de nomenclature",
  classLabel: "classe",
  restricted:
    "D'autres informations (substances, site) sont réservées aux réparateurs, recycleurs, partenaires de revente et autorités de surveillance du marché.",
  byWeight: "du poids",
};

const SUSTAINABILITY_MESSAGES: Readonly<Record<string, SustainabilityMessages>> = { en, fr };

export function sustainabilityMessagesFor(t: Messages): SustainabilityMessages {
  return Object.hasOwn(SUSTAINABILITY_MESSAGES, t.lang) ? SUSTAINABILITY_MESSAGES[t.lang] : en;
}
