/** A GS1 date field read as a calendar date. */
export interface Gs1Date {
  /** YYYY-MM-DD; for DD 00, the last day of the month. */
  date: string;
  /** DD was 00: the field names a month, "end of month". */
  endOfMonth: boolean;
}

/**
 * A GS1 YYMMDD date field — (11) production, (13) packaging, (15) best before, (17) expiry … — as a calendar date.
 * The century as the GS1 General Specifications (7.12) determine it from the current year: a YY 51 to 99 years ahead
 * of it is in the previous century, one 50 to 99 years behind it in the next, any other in the current one. DD 00
 * means the last day of the month. Null for anything that is not six digits naming a real date.
 * @example gs1DateToIso('991231', new Date('2026-11-29')) → { date: '1999-12-31', endOfMonth: false }
 */
export function gs1DateToIso(yymmdd: string | undefined, today: Date): Gs1Date | null {
  if (!yymmdd || !/^\d{6}$/.test(yymmdd)) return null;
  const thisYear = today.getUTCFullYear();
  const yy = Number(yymmdd.slice(0, 2));
  const ahead = yy - (thisYear % 100);
  const year = thisYear - (thisYear % 100) + yy + (ahead >= 51 ? -100 : ahead <= -50 ? 100 : 0);
  const month = Number(yymmdd.slice(2, 4));
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dd = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12 || dd > lastDay) return null;
  const day = dd === 0 ? lastDay : dd;
  return { date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, endOfMonth: dd === 0 };
}
