// Exporting a chart: the SVG the panel drew, serialised as a standalone file, or rendered to a
// PNG by drawing that SVG onto a canvas. The SVG travels as a `data:` URL, which the app's CSP
// already allows for images (`img-src 'self' data:`), so nothing is loaded from anywhere and
// the CSP needs no `blob:`. The bytes are written by the `save_export` command.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The chart as a standalone SVG file: namespaced, sized (width and height from the viewBox
 * when missing), with an XML declaration. The charts carry their styling as attributes, so
 * nothing from the page's stylesheet is needed.
 */
export function serializeSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  // the namespace declaration as a namespace attribute: a plain `xmlns` attribute would be
  // written beside the one the serializer writes for an SVG-namespaced element
  copy.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", SVG_NS);
  copy.setAttribute("version", "1.1");
  const box = (copy.getAttribute("viewBox") ?? "").split(/[\s,]+/).map(Number);
  if (!copy.getAttribute("width") && box.length === 4 && Number.isFinite(box[2])) copy.setAttribute("width", String(box[2]));
  if (!copy.getAttribute("height") && box.length === 4 && Number.isFinite(box[3])) copy.setAttribute("height", String(box[3]));
  // test ids and classes mean nothing outside the app
  for (const el of [copy, ...Array.from(copy.querySelectorAll("*"))]) {
    for (const a of Array.from(el.attributes)) if (a.name.startsWith("data-") || a.name === "class") el.removeAttribute(a.name);
  }
  const text = new XMLSerializer().serializeToString(copy);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n`;
}

/** The size an SVG file declares (its width and height attributes). */
export function svgSize(text: string): { width: number; height: number } | null {
  const tag = /<svg\b[^>]*>/.exec(text)?.[0];
  if (!tag) return null;
  const num = (name: string) => Number(new RegExp(`\\s${name}="([0-9.]+)"`).exec(tag)?.[1]);
  const width = num("width");
  const height = num("height");
  return Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0 ? { width, height } : null;
}

/** An SVG file as a `data:` URL an <img> can load under the app's CSP. */
export function svgDataUrl(text: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

/** Renders an SVG file to PNG bytes at `scale` times its size, on a white background. */
export async function svgToPng(text: string, scale = 2): Promise<Uint8Array> {
  const size = svgSize(text);
  if (!size) throw new Error("the chart has no size to render");
  const image = new Image();
  image.decoding = "sync";
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error("the chart could not be rendered as an image"));
    image.src = svgDataUrl(text);
  });
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(size.width * scale);
  canvas.height = Math.round(size.height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas to render the chart on");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("the chart could not be encoded as PNG");
  return new Uint8Array(await blob.arrayBuffer());
}

/** The path with the extension added when the user typed a name without it. */
export function withExtension(path: string, ext: "png" | "svg"): string {
  return path.toLowerCase().endsWith(`.${ext}`) ? path : `${path}.${ext}`;
}
