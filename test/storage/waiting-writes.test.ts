import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { processIsAlive } from '../../src/core/process-alive.ts';
import { createTestApp } from '../support/test-app.ts';

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test("a dead process's journals are written on the next open; a live one's are left alone; a torn last line is skipped (SQLite)", async () => {
  const t = await createTestApp('sqlite');
  try {
    const db = t.deps.store.sqlite!.name;
    const unit = 'https://id.gs1.org/01/06970123000017/21/JOURNAL1';
    const scan = (at: string, region: string | null) => JSON.stringify({ unit, at, region, clientClass: 'wechat' });
    const dead = deadPid();
    fs.writeFileSync(`${db}-waiting-scans-${dead}`, `${scan('2026-11-30T01:00:00.000Z', '441302')}\n${scan('2026-11-30T01:01:00.000Z', null)}\n{"unit":"https://id.gs1.org/01/069701`);
    fs.writeFileSync(`${db}-waiting-audit-${dead}`, `${JSON.stringify({ at: '2026-11-30T01:00:30.000Z', actor_id: 'pty_test', actor_kind: 'party:producer', action: 'epcis.query', target: null, outcome: 'ok', ip: '127.0.0.1', details: null })}\n`);
    // A journal of a process that still runs (this one's parent) is its own business.
    fs.writeFileSync(`${db}-waiting-scans-${process.ppid}`, `${scan('2026-11-30T02:00:00.000Z', null)}\n`);

    assert.equal(t.deps.scans.recoverAbandoned(processIsAlive), 2);
    assert.equal(t.deps.audit.recoverAbandoned(processIsAlive), 1);
    assert.deepEqual(await t.deps.scans.findTally(unit), { scans: 2, firstAt: '2026-11-30T01:00:00.000Z', lastAt: '2026-11-30T01:01:00.000Z', regions: ['441302'] });
    const audit = await t.deps.store.db.selectFrom('audit_log').select(['actor_id', 'action']).where('actor_id', '=', 'pty_test').execute();
    assert.deepEqual(audit, [{ actor_id: 'pty_test', action: 'epcis.query' }]);
    assert.equal(fs.existsSync(`${db}-waiting-scans-${dead}`), false);
    assert.equal(fs.existsSync(`${db}-waiting-audit-${dead}`), false);
    assert.equal(fs.existsSync(`${db}-waiting-scans-${process.ppid}`), true);
    assert.equal(t.deps.scans.recoverAbandoned(processIsAlive), 0, 'recovered once only');
    fs.rmSync(`${db}-waiting-scans-${process.ppid}`);
  } finally {
    await t.close();
  }
});
