/**
 * The certification mark drawn on a label: a simple vector emblem (a coloured ring with the type's initials) beside
 * the certificate type's name and the certificate number. It stands for the mark and names the certificate that
 * entitles the product to it; it is not a reproduction of the official artwork, which firms obtain from the
 * certifier (绿色食品标志、有机产品认证标志、农产品地理标志、CCC 标志 each have their own usage rules).
 */
import { CERTIFICATE_TYPES } from '../directory/certificate-types.ts';
import type { LabelMark } from './label-content.ts';

/** How one certificate type's emblem is drawn. */
export interface MarkStyle {
  /** Up to three Latin letters inside the ring. */
  initials: string;
  /** Ring colour as #RRGGBB. */
  color: string;
}

const STYLES: Record<string, MarkStyle> = {
  'green-food': { initials: 'GF', color: '#1B7F3B' },
  organic: { initials: 'OP', color: '#5D8C1E' },
  'geo-indication': { initials: 'GI', color: '#1F5FA8' },
  ccc: { initials: 'CCC', color: '#C62828' },
};

/** The emblem style of a certificate type (a neutral grey ring with its first letters for types without one). */
export function markStyle(type: string): MarkStyle {
  const known = STYLES[type];
  if (known) return known;
  const name = CERTIFICATE_TYPES.find((t) => t.id === type)?.nameEn ?? type;
  return { initials: name.replace(/[^A-Za-z]/g, '').slice(0, 2).toUpperCase() || 'C', color: '#555555' };
}

/** A certificate as a label mark, when its type carries a mark (`mark: true`); otherwise undefined. */
export function markOf(certificate: { type: string; number: string }): LabelMark | undefined {
  const type = CERTIFICATE_TYPES.find((t) => t.id === certificate.type);
  if (!type || !type.mark) return undefined;
  return { type: type.id, nameEn: type.nameEn, nameZh: type.nameZh, number: certificate.number };
}

/** `#RRGGBB` → [r, g, b] in 0..1, for PDF colours. */
export function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}
