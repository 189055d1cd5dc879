import { expect } from "chai";
import { validateDocument } from "../../../server/metadata/validate-document.js";
import { en } from "../../../server/web/i18n/en.js";
import { fr } from "../../../server/web/i18n/fr.js";
import { physicalPieces, renderGarmentPage } from "../../../server/web/pages/garment.js";
import type { DesignView } from "../../../server/verification/catalogue.js";
import { loadExample } from "../../../server/metadata/examples.js";

const example = loadExample("garment-metadata.json") as { wearable: { model: Record<string, unknown> } };
const CID = "bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly";

function design(wearableModel: Record<string, unknown>, twinClaims: number | null = null): DesignView {
  const document = validateDocument("garment-metadata", {
    ...example,
    wearable: { ...example.wearable, model: { ...example.wearable.model, ...wearableModel } },
  });
  return {
    designId: "3",
    brand: { id: 1, name: "Maison Aurelle" },
    creator: "0x" + "11".repeat(20),
    edition: { cap: 500, minted: 4, burned: 0, closesAt: null, soldOut: false },
    locked: false,
    redeemable: true,
    royalty: { receiver: null, bps: 0, source: "brand" },
    twin: twinClaims === null ? null : { collectionRoot: "0x" + "22".repeat(32), claims: twinClaims },
    created: { block: 7, time: "2026-12-05T10:00:00.000Z", txHash: "0x" + "33".repeat(32) },
    metadata: { cid: CID, digest: "0x" + "44".repeat(32), verified: true, document },
  };
}

const options = { path: "/g/3", pageUrl: "https://verify.example/g/3", qrSvg: "<svg></svg>", twinPieces: [] };

describe("web: the garment page", function () {
  describe("AR", function () {
    it("offers WebXR and Scene Viewer for a .glb, and Quick Look with ios-src when the brand gives a .usdz", function () {
      const markup = renderGarmentPage(
        en,
        design({ usdz: { uri: `ipfs://${CID}/tote.usdz`, mediaType: "model/vnd.usdz+zip" } }),
        options,
      );
      expect(markup).to.include(`ios-src="/ipfs/${CID}/tote.usdz"`);
      expect(markup).to.include(' ar ar-modes="webxr scene-viewer quick-look"');
      expect(markup).to.include('slot="ar-button"');
    });

    it("offers no Quick Look without a .usdz, and no AR at all for a .gltf without one", function () {
      const glb = renderGarmentPage(en, design({}), options);
      expect(glb).to.include(' ar ar-modes="webxr scene-viewer"');
      expect(glb).to.not.include("ios-src");
      const gltf = renderGarmentPage(
        en,
        design({ uri: `ipfs://${CID}/tote.gltf`, format: "gltf", mediaType: "model/gltf+json" }),
        options,
      );
      expect(gltf).to.not.include(" ar ");
      expect(gltf).to.not.include('slot="ar-button"');
      expect(gltf).to.include("Drag to turn the model");
    });

    it("refuses a usdz entry of another media type (the schema names the one AR Quick Look reads)", function () {
      expect(() =>
        design({ usdz: { uri: `ipfs://${CID}/tote.usdz`, mediaType: "model/gltf-binary" } }),
      ).to.throw();
    });
  });

  describe("plural forms", function () {
    for (const [t, count, expected] of [
      [en, 1, "1 physical piece"],
      [en, 2, "2 physical pieces"],
      [en, 0, "0 physical pieces"],
      [fr, 1, "1 pièce physique"],
      [fr, 0, "0 pièce physique"],
      [fr, 12, "12 pièces physiques"],
    ] as const) {
      it(`says "${expected}"`, function () {
        expect(physicalPieces(t, count)).to.equal(expected);
      });
    }
  });
});
