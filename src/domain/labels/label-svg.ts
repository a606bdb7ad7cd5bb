/**
 * One label as a standalone SVG: the symbol on the left, product name and labelled fields (GTIN, LOT, SN, EXP) on the
 * right with the certification marks under them, the human-readable element string along the bottom. SVG text may
 * be Chinese (the viewer's fonts draw it), so marks show both names.
 */
import { markStyle } from './certification-mark.ts';
import type { LabelContent, LabelMark } from './label-content.ts';
import { symbolSvg } from './symbol.ts';

/** Layout in points (1/72 in); the SVG states its physical size in millimetres. */
const WIDTH = 220;
const PAD = 6;
const SYMBOL = 88;
const COLUMN_X = PAD + SYMBOL + 8;
const LINE = 10;
const MARK_ROW = 28;
const MM_PER_PT = 25.4 / 72;
const SANS = "Helvetica, Arial, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const MONO = "'DejaVu Sans Mono', Menlo, Consolas, 'Courier New', monospace";

/** The label as an SVG document (UTF-8 text). @throws DomainError invalid `symbol_encoding_failed` */
export function renderLabelSvg(content: LabelContent): string {
  const symbol = symbolSvg(content.symbol);
  const parts: string[] = [];
  parts.push(
    `<svg x="${PAD}" y="${PAD}" width="${SYMBOL}" height="${SYMBOL}" viewBox="0 0 ${symbol.width} ${symbol.height}" shape-rendering="crispEdges" class="symbol" data-symbology="${content.symbology}">${symbol.body}</svg>`,
  );
  let y = PAD + 9;
  if (content.productName) {
    parts.push(`<text x="${COLUMN_X}" y="${y}" font-family="${SANS}" font-size="9" font-weight="bold">${escapeXml(content.productName)}</text>`);
    y += LINE + 2;
  }
  for (const f of content.fields) {
    parts.push(
      `<text x="${COLUMN_X}" y="${y}" font-family="${MONO}" font-size="7"><tspan font-weight="bold">${escapeXml(f.label)}</tspan> ${escapeXml(f.value)}</text>`,
    );
    y += LINE;
  }
  y += 2;
  for (const mark of content.marks) {
    parts.push(markSvg(mark, COLUMN_X, y));
    y += MARK_ROW;
  }
  const textY = Math.max(PAD + SYMBOL, y) + 10;
  const height = textY + PAD;
  parts.push(humanReadableSvg(content.humanReadable, textY));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${mm(WIDTH)}mm" height="${mm(height)}mm" viewBox="0 0 ${WIDTH} ${height}">`,
    `<title>${escapeXml(content.humanReadable)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#FFFFFF"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** The emblem (a ring with the type's initials) with the certificate type's names and number beside it. */
function markSvg(mark: LabelMark, x: number, y: number): string {
  const style = markStyle(mark.type);
  const r = 11;
  const cx = x + r;
  const cy = y + r;
  const initialsSize = style.initials.length > 2 ? 6 : 7.5;
  const textX = x + 2 * r + 4;
  const available = WIDTH - PAD - textX;
  return [
    `<g class="cert-mark" data-type="${escapeXml(mark.type)}">`,
    `<circle cx="${cx}" cy="${cy}" r="${r - 1}" fill="#FFFFFF" stroke="${style.color}" stroke-width="2"/>`,
    `<circle cx="${cx}" cy="${cy}" r="${r - 4}" fill="${style.color}"/>`,
    `<text x="${cx}" y="${cy + initialsSize * 0.35}" text-anchor="middle" font-family="${SANS}" font-size="${initialsSize}" font-weight="bold" fill="#FFFFFF">${escapeXml(style.initials)}</text>`,
    `<text x="${textX}" y="${y + 7}" font-family="${SANS}" font-size="7" font-weight="bold" fill="${style.color}"${squeeze(mark.nameZh, 7, 0.6, available)}>${escapeXml(mark.nameZh)}</text>`,
    `<text x="${textX}" y="${y + 15}" font-family="${SANS}" font-size="6" fill="${style.color}"${squeeze(mark.nameEn, 6, 0.55, available)}>${escapeXml(mark.nameEn)}</text>`,
    `<text x="${textX}" y="${y + 23}" font-family="${SANS}" font-size="6"${squeeze(`No. ${mark.number}`, 6, 0.55, available)}>No. ${escapeXml(mark.number)}</text>`,
    '</g>',
  ].join('');
}

/**
 * A textLength attribute that makes the viewer fit the text to `available` when its estimated width would exceed it:
 * a CJK character is 1 em wide, any other `em` (about 0.55 for Latin sans, 0.6 for monospace).
 */
function squeeze(text: string, size: number, em: number, available: number): string {
  let width = 0;
  for (const ch of text) width += (/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 1 : em) * size;
  return width > available ? ` textLength="${available}" lengthAdjust="spacingAndGlyphs"` : '';
}

/** The element string centred along the bottom; squeezed to the label's width when it is long. */
function humanReadableSvg(text: string, y: number): string {
  const size = 7;
  return `<text class="hri" x="${WIDTH / 2}" y="${y}" text-anchor="middle" font-family="${MONO}" font-size="${size}"${squeeze(text, size, 0.6, WIDTH - 2 * PAD)}>${escapeXml(text)}</text>`;
}

function mm(pt: number): string {
  return (pt * MM_PER_PT).toFixed(1);
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
