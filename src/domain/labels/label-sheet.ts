/**
 * A PDF sheet of labels: A4 portrait, 3 × 8 labels of 70 × 37 mm (the common 24-up label stock), in reading order.
 * Each label has its symbol drawn as vector paths, the labelled fields and certification marks beside it and the
 * human-readable element string along the bottom. The PDF uses the standard fonts (Helvetica, Courier), which
 * cannot draw Chinese, so PDF text is kept to printable ASCII: product names and certificate-type names in English.
 */
import type { PDFFont, PDFPage } from 'pdf-lib';
import { nextTurn } from '../turns.ts';
import { markStyle, rgbOf } from './certification-mark.ts';
import type { LabelContent, LabelMark } from './label-content.ts';
import { symbolSvg } from './symbol.ts';

// pdf-lib is ~23 MB of a server's memory, wanted only when a sheet is printed: loaded then, once.
let pdf: typeof import('pdf-lib') | undefined;
const rgb = (r: number, g: number, b: number) => pdf!.rgb(r, g, b);

const PT_PER_MM = 72 / 25.4;
const PAGE_W = 210 * PT_PER_MM;
const PAGE_H = 297 * PT_PER_MM;
const COLS = 3;
const ROWS = 8;
const CELL_W = 70 * PT_PER_MM;
const CELL_H = 37 * PT_PER_MM;
/** Unprinted margin inside each label, so the cut and printer tolerance never clip the content. */
const INSET = 2.5 * PT_PER_MM;
const SYMBOL = 23 * PT_PER_MM;
const LINE = 7.5;
const MARK_ROW = 17;

/** Labels per A4 page. */
export const LABELS_PER_PAGE = COLS * ROWS;

export interface SheetOptions {
  /** Document title (kept ASCII). */
  title?: string;
  /** Creation date written to the PDF's metadata (defaults to now). */
  createdAt?: Date;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** The labels as one PDF, 24 to a page. @throws DomainError invalid `symbol_encoding_failed` */
export async function renderLabelSheet(labels: readonly LabelContent[], options: SheetOptions = {}): Promise<Uint8Array> {
  pdf ??= await import('pdf-lib');
  const { PDFDocument, StandardFonts } = pdf;
  const doc = await PDFDocument.create();
  doc.setTitle(ascii(options.title ?? 'Suyuan labels'));
  doc.setProducer('Suyuan traceability platform');
  doc.setCreator('Suyuan');
  const when = options.createdAt ?? new Date();
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const marginX = (PAGE_W - COLS * CELL_W) / 2;
  const marginY = (PAGE_H - ROWS * CELL_H) / 2;
  let page: PDFPage | undefined;
  for (const [i, label] of labels.entries()) {
    // Encoding a symbol takes bwip-js about 10 ms: let other work run between labels rather than block for seconds.
    if (i > 0 && i % 8 === 0) await nextTurn();
    const slot = i % LABELS_PER_PAGE;
    if (slot === 0) page = doc.addPage([PAGE_W, PAGE_H]);
    const col = slot % COLS;
    const row = Math.floor(slot / COLS);
    drawLabel(page!, fonts, label, marginX + col * CELL_W, PAGE_H - marginY - row * CELL_H);
  }
  if (labels.length === 0) doc.addPage([PAGE_W, PAGE_H]);
  return doc.save();
}

/** One label with its top-left corner at (left, top) in PDF coordinates (y up). */
function drawLabel(page: PDFPage, fonts: Fonts, label: LabelContent, left: number, top: number): void {
  const symbol = symbolSvg(label.symbol);
  const x0 = left + INSET;
  const y0 = top - INSET;
  const scale = SYMBOL / Math.max(symbol.width, symbol.height);
  // drawSvgPath takes SVG coordinates (y down) from the given top-left corner.
  for (const d of symbol.paths) page.drawSvgPath(d, { x: x0, y: y0, scale, color: rgb(0, 0, 0) });

  const columnX = x0 + SYMBOL + 4;
  const columnW = left + CELL_W - INSET - columnX;
  let y = y0 - 7;
  const name = label.productName && /^[\x20-\x7e]+$/.test(label.productName) ? label.productName : null;
  if (name) {
    page.drawText(fit(name, fonts.bold, 7, columnW), { x: columnX, y, size: 7, font: fonts.bold });
    y -= LINE + 1;
  }
  for (const f of label.fields) {
    const text = `${f.label} ${ascii(f.value)}`;
    const size = fitSize(text, fonts.regular, 6.5, columnW, 4.5);
    page.drawText(f.label, { x: columnX, y, size, font: fonts.bold });
    page.drawText(` ${ascii(f.value)}`, { x: columnX + fonts.bold.widthOfTextAtSize(f.label, size), y, size, font: fonts.regular });
    y -= LINE;
  }
  y -= 1;
  const bottomLimit = top - CELL_H + INSET + 8;
  for (const [i, mark] of label.marks.entries()) {
    if (y - 16 < bottomLimit) {
      page.drawText(`+${label.marks.length - i} more marks`, { x: columnX, y: y - 6, size: 5.5, font: fonts.regular });
      break;
    }
    drawMark(page, fonts, mark, columnX, y, columnW);
    y -= MARK_ROW;
  }

  const hri = ascii(label.humanReadable);
  const width = CELL_W - 2 * INSET;
  const size = fitSize(hri, fonts.mono, 6.5, width, 3);
  const textWidth = fonts.mono.widthOfTextAtSize(hri, size);
  page.drawText(hri, { x: left + (CELL_W - textWidth) / 2, y: top - CELL_H + INSET + 1, size, font: fonts.mono });
}

/** The emblem (a ring with the type's initials) with the English name and the number beside it; (x, top) is its top-left. */
function drawMark(page: PDFPage, fonts: Fonts, mark: LabelMark, x: number, top: number, width: number): void {
  const style = markStyle(mark.type);
  const color = rgb(...rgbOf(style.color));
  const r = 8;
  const cx = x + r;
  const cy = top - r;
  page.drawCircle({ x: cx, y: cy, size: r - 0.75, color: rgb(1, 1, 1), borderColor: color, borderWidth: 1.5 });
  page.drawCircle({ x: cx, y: cy, size: r - 3, color });
  const initialsSize = style.initials.length > 2 ? 4 : 5;
  const iw = fonts.bold.widthOfTextAtSize(style.initials, initialsSize);
  page.drawText(style.initials, { x: cx - iw / 2, y: cy - initialsSize * 0.35, size: initialsSize, font: fonts.bold, color: rgb(1, 1, 1) });
  const textX = x + 2 * r + 3;
  const textW = width - 2 * r - 3;
  page.drawText(fit(ascii(mark.nameEn), fonts.bold, 5.5, textW), { x: textX, y: top - 6, size: 5.5, font: fonts.bold, color });
  page.drawText(fit(`No. ${ascii(mark.number)}`, fonts.regular, 5.5, textW), { x: textX, y: top - 13, size: 5.5, font: fonts.regular });
}

/** The largest size up to `max` (not below `min`) at which the text fits the width. */
function fitSize(text: string, font: PDFFont, max: number, width: number, min: number): number {
  const w = font.widthOfTextAtSize(text, max);
  return w <= width ? max : Math.max(min, (max * width) / w);
}

/** The text cut with an ellipsis ("...") to fit the width at the size. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let t = text;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}...`, size) > width) t = t.slice(0, -1);
  return `${t}...`;
}

/** Printable ASCII only: the standard fonts' WinAnsi encoding has no CJK, so anything else becomes "?". */
function ascii(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
