import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { removeAbandonedSpools, spoolBody } from './epcis-document-reader.ts';

const read = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
};
const spoolsOfThisProcess = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`suyuan-capture-${process.pid}-`));

test('a small body is held in memory, a large one in a temp file named for this process, gone after dispose', async () => {
  const small = Buffer.from('{"type":"EPCISDocument"}');
  const inMemory = await spoolBody(Readable.from([small]), small.length, 64 << 20);
  assert.equal(inMemory.bytes, small.length);
  assert.deepEqual(await read(inMemory.stream()), small);
  assert.deepEqual(spoolsOfThisProcess(), []);
  await inMemory.dispose();

  const chunk = Buffer.alloc(300_000, 'a');
  const large = await spoolBody(Readable.from([chunk, chunk, chunk, chunk, chunk]), undefined, 64 << 20);
  assert.equal(large.bytes, 1_500_000);
  assert.equal(spoolsOfThisProcess().length, 1, 'past 1 MiB the body went to a file');
  assert.deepEqual(await read(large.stream()), Buffer.concat([chunk, chunk, chunk, chunk, chunk]));
  await large.dispose();
  assert.deepEqual(spoolsOfThisProcess(), []);
});

test('a body past the size limit is refused and leaves no file behind', async () => {
  const chunk = Buffer.alloc(700_000, 'b');
  await assert.rejects(spoolBody(Readable.from([chunk, chunk, chunk]), undefined, 2_000_000), /at most 2000000 bytes/);
  assert.deepEqual(spoolsOfThisProcess(), []);
  await assert.rejects(spoolBody(Readable.from([]), 3_000_000, 2_000_000), /at most 2000000 bytes/, 'a declared length over the limit is refused unread');
});

test("a start removes spools whose process is gone, and keeps its own and a running process's", async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-sweep-'));
  try {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    for (const pid of [gone, process.pid, process.ppid]) fs.mkdirSync(path.join(folder, `suyuan-capture-${pid}-x1`));
    fs.mkdirSync(path.join(folder, 'suyuan-capture-notapid'));
    assert.equal(await removeAbandonedSpools(folder), 1);
    assert.deepEqual(fs.readdirSync(folder).sort(), [`suyuan-capture-${process.pid}-x1`, `suyuan-capture-${process.ppid}-x1`, 'suyuan-capture-notapid'].sort());
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
