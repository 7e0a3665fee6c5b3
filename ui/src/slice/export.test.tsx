import { render } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { DEMO_SLICE, DEMO_SLICE_DECISIONS } from "../backend/mockSlice";
import { BarChart, CompositionChart, ImpactChart } from "./Charts";
import { serializeSvg, svgDataUrl, svgSize, utf8, withExtension } from "./export";
import { shareData } from "./model";

describe("a chart exported as SVG", () => {
  const chart = () => render(<BarChart title="Share of rows per customer_age_band" data={shareData(DEMO_SLICE, "v2.0", "v1.1")} testid="svg-shares" />);

  it("is a standalone, sized SVG file with the chart's bars, labels and legend", () => {
    const ui = chart();
    const text = serializeSvg(ui.getByTestId("svg-shares") as unknown as SVGSVGElement);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svgSize(text)).toEqual({ width: 560, height: 270 });
    expect(text.match(/<rect /g)!.length).toBeGreaterThanOrEqual(1 + 2 + 8); // background, legend, bars
    for (const s of ["Share of rows per customer_age_band", "v2.0", "v1.1", "60+", "30%", "15%"]) expect(text).toContain(s);
    // styled by attributes: nothing refers to the page (classes, test ids, stylesheets)
    expect(text).not.toMatch(/\sclass=|data-|<style|href=/);
    // parses back as XML
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
    expect(doc.documentElement.getAttribute("viewBox")).toBe("0 0 560 270");
  });

  it("leaves the chart on the page as it was", () => {
    const ui = chart();
    const svg = ui.getByTestId("svg-shares");
    serializeSvg(svg as unknown as SVGSVGElement);
    expect(svg.getAttribute("data-testid")).toBe("svg-shares");
    expect(svg.querySelectorAll("rect.bar")).toHaveLength(8);
  });

  it("takes its size from the viewBox when it has none", () => {
    const div = document.createElement("div");
    div.innerHTML = '<svg viewBox="0 0 300 120"><rect width="10" height="10"/></svg>';
    expect(svgSize(serializeSvg(div.firstElementChild as SVGSVGElement))).toEqual({ width: 300, height: 120 });
  });

  it("draws each group's composition and the four-fifths line", () => {
    const comp = render(<CompositionChart report={DEMO_SLICE} testid="svg-composition" />);
    const segments = comp.getAllByTestId("composition-segment");
    expect(segments).toHaveLength(8);
    const internalOld = segments.find((s) => s.getAttribute("data-group") === "60+" && s.getAttribute("data-source") === "project/data/raw/internal_reviews.csv")!;
    expect(Number(internalOld.getAttribute("data-share"))).toBeCloseTo(0.638, 3);
    expect(comp.getByTestId("svg-composition").textContent).toContain("internal_reviews.csv");
    expect(comp.getByTestId("svg-composition").textContent).toContain("1,316 rows");

    const impact = render(<ImpactChart report={DEMO_SLICE_DECISIONS} testid="svg-impact" />);
    const svg = impact.getByTestId("svg-impact");
    expect(svg.textContent).toContain("four-fifths rule (0.8)");
    const red = Array.from(svg.querySelectorAll("rect.bar")).filter((b) => b.getAttribute("fill") === "#c62828");
    expect(red.map((b) => b.getAttribute("data-group"))).toEqual(["18-25", "26-40", "41-60"]);
  });
});

describe("the export's plumbing", () => {
  it("loads the SVG as a data: URL (allowed by the app's CSP for images)", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>60+ & #</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,%3Csvg")).toBe(true);
    expect(decodeURIComponent(url.slice(url.indexOf(",") + 1))).toContain("60+ & #");
  });

  it("adds the extension a typed name lacks", () => {
    expect(withExtension("/tmp/shares", "svg")).toBe("/tmp/shares.svg");
    expect(withExtension("/tmp/shares.PNG", "png")).toBe("/tmp/shares.PNG");
    expect(withExtension("/tmp/shares.png", "svg")).toBe("/tmp/shares.png.svg");
  });

  it("encodes the SVG text as UTF-8", () => {
    expect(Array.from(utf8("≥"))).toEqual([0xe2, 0x89, 0xa5]);
  });

  it("finds no size in something that is not an SVG", () => {
    expect(svgSize("<html></html>")).toBeNull();
    expect(svgSize('<svg width="0" height="10">')).toBeNull();
  });
});
