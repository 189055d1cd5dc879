import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** A generated catalogue export: `count` rows in items.csv and one small picture per row under media/. */
export interface GeneratedCatalogue {
  manifest: string;
  media: string;
  serials: string[];
}

const MODELS = [
  { productName: "Sac Aurelle 30", reference: "AU-S30", colour: "#7a3b2e" },
  { productName: "Pochette Lune", reference: "AU-PL1", colour: "#1f3a5f" },
  { productName: "Cabas Riviera", reference: "AU-CR2", colour: "#c49a3a" },
];

export function picture(label: string, colour: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${colour}"/>` +
    `<text x="4" y="36" font-size="8" fill="#fff">${label}</text></svg>`
  );
}

export const CSV_HEADER =
  "serial,productName,modelName,modelReference,gtin,materials,manufactureCity,manufactureCountry,manufactureDate,care,careRepair,images,attributes";

export function csvRow(serial: string, index: number, image: string): string {
  const model = MODELS[index % MODELS.length];
  const month = String(1 + (index % 12)).padStart(2, "0");
  return [
    serial,
    model.productName,
    model.productName,
    model.reference,
    "",
    "Calfskin:85;Brass:15",
    "Florence",
    "IT",
    `2024-${month}-15`,
    "Keep away from direct sunlight;Store in its dust bag",
    "Brand ateliers only",
    image,
    `Colour=${model.colour};Edition=${index + 1}`,
  ].join(",");
}

export async function generateCatalogue(
  directory: string,
  count: number,
  prefix = "MT-2025-",
): Promise<GeneratedCatalogue> {
  const media = path.join(directory, "media");
  await mkdir(media, { recursive: true });
  const serials: string[] = [];
  const lines = [CSV_HEADER];
  for (let i = 0; i < count; i++) {
    const serial = `${prefix}${String(i + 1).padStart(5, "0")}`;
    serials.push(serial);
    const image = `${serial}.svg`;
    await writeFile(path.join(media, image), picture(serial, MODELS[i % MODELS.length].colour));
    lines.push(csvRow(serial, i, image));
  }
  const manifest = path.join(directory, "items.csv");
  await writeFile(manifest, lines.join("\n") + "\n");
  return { manifest, media, serials };
}
