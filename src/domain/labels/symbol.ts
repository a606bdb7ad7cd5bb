/**
 * Draws label symbols with bwip-js (Barcode Writer in Pure PostScript): SVG for labels and sheets, PNG for artwork.
 * In memory only; the quiet zone is part of every symbol drawn (4 modules for QR, 2 for Data Matrix).
 */
import bwipjs from 'bwip-js';
import { invalid } from '../errors.ts';
import type { SymbolSpec } from './label-content.ts';

/** A symbol as SVG: its natural size (viewBox origin 0 0), its inner markup and the path data of its dark modules. */
export interface SymbolSvg {
  width: number;
  height: number;
  /** The markup inside bwip-js's <svg> element. */
  body: string;
  /** The `d` of each <path>, in the viewBox's coordinates (y down), for drawing into a PDF. */
  paths: string[];
}

/** bwip-js padding is in points at scale 1, where one module of these 2D symbols is 2 points. */
function renderOptions(spec: SymbolSpec): bwipjs.RenderOptions {
  const quietModules = spec.bcid === 'qrcode' ? 4 : 2;
  return {
    bcid: spec.bcid,
    text: spec.text,
    padding: quietModules * 2,
    ...(spec.parsefnc ? { parsefnc: true } : {}),
    // Error correction M (15 %): the usual choice for printed product labels, and what GS1 recommends as a minimum.
    ...(spec.bcid === 'qrcode' ? { eclevel: 'M' } : {}),
  } as bwipjs.RenderOptions;
}

/** The symbol as SVG. @throws DomainError invalid `symbol_encoding_failed` when bwip-js refuses the data */
export function symbolSvg(spec: SymbolSpec): SymbolSvg {
  let svg: string;
  try {
    svg = bwipjs.toSVG({ ...renderOptions(spec), scale: 1 });
  } catch (err) {
    throw encodingFailed(spec, err);
  }
  const box = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  const body = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '').trim();
  const paths = [...body.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
  return { width: Number(box?.[1] ?? 0), height: Number(box?.[2] ?? 0), body, paths };
}

/**
 * The symbol alone as a PNG, `pixelsPerModule` pixels to a module (default 6), quiet zone included.
 * @throws DomainError invalid `symbol_encoding_failed`
 */
export async function symbolPng(spec: SymbolSpec, pixelsPerModule = 6): Promise<Uint8Array> {
  // One module is 2 points at scale 1, so scale = pixels per module / 2 (bwip-js scales must be whole numbers).
  const scale = Math.max(1, Math.round(pixelsPerModule / 2));
  try {
    // White behind the symbol: a transparent PNG placed on a dark or patterned background would not scan.
    return new Uint8Array(await bwipjs.toBuffer({ ...renderOptions(spec), scale, backgroundcolor: 'FFFFFF' }));
  } catch (err) {
    throw encodingFailed(spec, err);
  }
}

function encodingFailed(spec: SymbolSpec, err: unknown): Error {
  const reason = String((err as Error)?.message ?? err).replace(/^bwipp\.\w+#\d+:\s*/, '');
  return invalid('symbol_encoding_failed', `The ${spec.bcid} symbol cannot encode "${spec.text}": ${reason}`, { field: 'code', symbology: spec.bcid });
}
