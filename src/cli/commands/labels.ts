import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Actor } from '../../core/actor.ts';
import { authenticate } from '../../core/authenticate.ts';
import type { Deps } from '../../core/deps.ts';
import { actAsParty, printLabelSheet, renderLabel } from '../../core/print-labels.ts';
import { invalid } from '../../domain/errors.ts';
import type { WithDeps } from './trace.ts';

interface LabelsOptions {
  sheet?: string;
  count?: string;
  firstSerial?: string;
  expiry?: string;
  site?: string;
  format: 'svg' | 'png';
  symbology: 'qr' | 'datamatrix';
  out?: string;
  partyKey?: string;
  party?: string;
  data?: string;
  databaseUrl?: string;
}

/**
 * Adds `suyuan labels <code> [--format svg|png] [--symbology qr|datamatrix] [--out file]` and
 * `suyuan labels --sheet <lot> --count N --party-key <key> | --party <id> [--out sheet.pdf]`.
 */
export function registerLabelsCommand(program: Command, withDeps: WithDeps, adminActor: Actor): void {
  program
    .command('labels [code]')
    .description('print a label for a code (SVG label or PNG symbol), or with --sheet a PDF sheet of labels for a lot that commissions their serials (赋码)')
    .option('--sheet <lot>', 'print a PDF sheet for this lot (/01/<GTIN>/10/<lot> or (01)…(10)…) and commission its serials')
    .option('--count <n>', 'with --sheet: how many labels / serials (1–1000)')
    .option('--first-serial <serial>', 'with --sheet: the first serial (default: the next free <lot>NNNNNN)')
    .option('--expiry <date>', 'with --sheet: expiry date YYYY-MM-DD')
    .option('--site <site>', 'with --sheet: one of the firm\'s sites (GLN or site URI) as readPoint and bizLocation')
    .addOption(new Option('--format <format>', 'single label: svg (whole label) or png (symbol alone)').choices(['svg', 'png']).default('svg'))
    .addOption(new Option('--symbology <s>', 'qr (GS1 Digital Link) or datamatrix (GS1 Data Matrix)').choices(['qr', 'datamatrix']).default('qr'))
    .option('--out <file>', 'where to write (default label.svg / label.png, or labels.pdf for a sheet)')
    .option('--party-key <key>', "act with this firm's API key (needs the capture scope)")
    .option('--party <id>', 'act for this firm as the operator (audited)')
    .addOption(new Option('--data <dir>', 'data folder of the embedded SQLite store (env SUYUAN_DATA, default ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env DATABASE_URL)'))
    .action((code: string | undefined, o: LabelsOptions) =>
      withDeps(o, async (deps) => {
        const out = (s: string) => process.stdout.write(`${s}\n`);
        if (o.sheet !== undefined) {
          if (code !== undefined) throw invalid('bad_arguments', 'give either a code or --sheet <lot>, not both', { field: 'code' });
          if (o.count === undefined || !/^\d+$/.test(o.count)) throw invalid('bad_count', '--sheet needs --count N (1–1000)', { field: 'count' });
          const actor = await actorFor(deps, adminActor, o, true);
          const sheet = await printLabelSheet(deps, actor, {
            lot: o.sheet, count: Number(o.count), firstSerial: o.firstSerial, expiry: o.expiry, site: o.site, symbology: o.symbology,
          });
          const file = write(o.out ?? 'labels.pdf', sheet.pdf);
          out(`wrote ${file} (${sheet.serials.length} label${sheet.serials.length === 1 ? '' : 's'} on ${sheet.pages} A4 page${sheet.pages === 1 ? '' : 's'})`);
          out(`commissioned ${sheet.serials.length} serial${sheet.serials.length === 1 ? '' : 's'} ${sheet.serials[0]} … ${sheet.serials.at(-1)} of ${sheet.lot}`);
          out(`capture ${sheet.captureId}, event ${sheet.eventId}`);
          return;
        }
        if (code === undefined) throw invalid('missing_field', 'give a code, or --sheet <lot> --count N', { field: 'code' });
        const actor = await actorFor(deps, adminActor, o, false);
        const label = await renderLabel(deps, actor, { code, format: o.format, symbology: o.symbology });
        const file = write(o.out ?? `label.${o.format}`, label.body);
        out(`wrote ${file} (${label.contentType}, ${label.body.length} bytes)`);
        out(`encodes ${label.encoded}`);
      }),
    );
}

/** Who prints: a firm by its key, the operator acting for a firm, or (single labels only) the operator itself. */
async function actorFor(deps: Deps, adminActor: Actor, o: LabelsOptions, sheet: boolean): Promise<Actor> {
  if (o.partyKey !== undefined && o.party !== undefined) throw invalid('bad_arguments', 'give --party-key or --party, not both', { field: 'party' });
  if (o.partyKey !== undefined) return authenticate(deps, o.partyKey);
  if (o.party !== undefined) return actAsParty(deps, adminActor, o.party);
  if (sheet) throw invalid('missing_field', 'a sheet commissions serials for a firm: give --party-key <key> or --party <id>', { field: 'party' });
  return adminActor;
}

function write(file: string, data: Uint8Array): string {
  const full = path.resolve(file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, data);
  return full;
}
