import QRCode from "qrcode";

/** The share QR code of a page's link, as inline SVG (decorative: the link is printed beside it). */
export async function qrSvg(url: string): Promise<string> {
  const svg = await QRCode.toString(url, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
    color: { dark: "#111111", light: "#ffffff" },
  });
  return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ');
}
