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

test('a write that cannot be journalled while it would have to wait is refused, and nothing of it is kept (SQLite)', async () => {
  const t = await createTestApp('sqlite');
  const db = t.deps.store.sqlite!;
  const journal = `${db.name}-waiting-scans-${process.pid}`;
  const unit = 'https://id.gs1.org/01/06970123000017/21/JOURNAL2';
  try {
    // A capture's transaction is open, and the journal's path is taken by a folder: the scan cannot be put on disk.
    fs.mkdirSync(journal);
    const release = await t.deps.store.writeTurn!.acquire();
    db.exec('BEGIN IMMEDIATE');
    try {
      await assert.rejects(t.deps.scans.recordScan({ unit, at: '2026-11-30T03:00:00.000Z', region: null, clientClass: 'wechat' }), /EISDIR|illegal operation on a directory/);
    } finally {
      db.exec('ROLLBACK');
      release();
    }
    await t.deps.scans.flush();
    assert.equal(await t.deps.scans.findTally(unit), undefined, 'the refused scan was not written later either');
    // Once the connection is free a scan that cannot be journalled is written at once.
    assert.equal((await t.deps.scans.recordScan({ unit, at: '2026-11-30T03:01:00.000Z', region: null, clientClass: 'wechat' })).scans, 1);
  } finally {
    fs.rmSync(journal, { recursive: true, force: true });
    await t.close();
  }
});

test('scans are gathered for a moment and written together; the tally answered counts those still waiting (SQLite)', async () => {
  const t = await createTestApp('sqlite');
  const db = t.deps.store.sqlite!;
  const journal = `${db.name}-waiting-scans-${process.pid}`;
  const unit = 'https://id.gs1.org/01/06970123000017/21/GATHER1';
  const logged = () => (db.prepare('SELECT count(*) AS n FROM scan WHERE unit = ?').get(unit) as { n: number }).n;
  try {
    const tallies = [];
    for (let i = 0; i < 3; i++) tallies.push(await t.deps.scans.recordScan({ unit, at: `2026-11-30T04:00:0${i}.000Z`, region: i === 1 ? '441302' : null, clientClass: 'wechat' }));
    assert.deepEqual(tallies.map((x) => x.scans), [1, 2, 3], 'each answer counts the scans still waiting');
    assert.deepEqual(tallies[2]!.regions, ['441302']);
    assert.equal(logged(), 0, 'not yet written');
    assert.equal(fs.readFileSync(journal, 'utf8').trim().split('\n').length, 3, 'but journalled, so a killed process loses none');
    assert.deepEqual(await t.deps.scans.findTally(unit), { scans: 3, firstAt: '2026-11-30T04:00:00.000Z', lastAt: '2026-11-30T04:00:02.000Z', regions: ['441302'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(logged(), 3, 'written after the gathering window');
    assert.equal(fs.readFileSync(journal, 'utf8'), '', 'and the journal emptied');
    assert.deepEqual(await t.deps.scans.findTally(unit), { scans: 3, firstAt: '2026-11-30T04:00:00.000Z', lastAt: '2026-11-30T04:00:02.000Z', regions: ['441302'] });
  } finally {
    await t.close();
  }
});
