import fs from 'node:fs';
import type { Command } from 'commander';
import { invalid } from '../../domain/errors.ts';
import { verifyBundle, type LedgerBundle } from '../../domain/ledger/verify-bundle.ts';

/** Exit code when a bundle does not verify (see docs/cli.md). */
export const EXIT_VERIFICATION_FAILED = 10;

/** `suyuan verify <bundle>`: checks an exported ledger bundle offline and says exactly what fails. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <bundle>')
    .description('check a ledger bundle offline: signed tree head, each event against its leaf, each inclusion proof')
    .option('--public-key <base64>', "the platform's published Ed25519 key to trust (default: the key inside the bundle)")
    .action((file: string, o: { publicKey?: string }) => {
      let bundle: LedgerBundle;
      try {
        bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerBundle;
      } catch (err) {
        throw invalid('bad_bundle', `cannot read ${file} as JSON: ${(err as Error).message}`, { field: 'bundle' });
      }
      const result = verifyBundle(bundle, o.publicKey);
      for (const line of result.report) process.stdout.write(`${line}\n`);
      process.stdout.write(result.ok ? `verified: ${bundle.entries?.length ?? 0} event(s)\n` : 'NOT VERIFIED\n');
      if (!result.ok) process.exitCode = EXIT_VERIFICATION_FAILED;
    });
}
