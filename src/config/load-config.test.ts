import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { loadConfig } from './load-config.ts';

const trustOf = (value: string | undefined) => loadConfig({ SUYUAN_TRUST_PROXY: value }).trustProxy;

test('SUYUAN_TRUST_PROXY: off by default; 1/true/yes trust a proxy on this host; a list is taken as given; nonsense is refused', () => {
  for (const off of [undefined, '', '0', 'false', 'No']) assert.equal(trustOf(off), false, String(off));
  for (const on of ['1', 'true', 'YES']) assert.equal(trustOf(on), 'loopback', on);
  assert.equal(trustOf('10.0.0.0/8, loopback'), '10.0.0.0/8, loopback');
  assert.equal(trustOf('2001:db8::1'), '2001:db8::1');
  assert.throws(() => trustOf('my-proxy'), /SUYUAN_TRUST_PROXY: "my-proxy" is not an address/);
  assert.throws(() => trustOf('10.0.0.0/x'), /"10\.0\.0\.0\/x"/);
});

test('behind the trusted proxy the client is the address it saw; what a client writes in the header is not believed', async () => {
  const app = Fastify({ trustProxy: trustOf('1') });
  app.get('/ip', async (request) => request.ip);
  const ip = async (remoteAddress: string, forwarded?: string) =>
    (await app.inject({ method: 'GET', url: '/ip', remoteAddress, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} })).body;
  assert.equal(await ip('127.0.0.1', '198.51.100.7'), '198.51.100.7', 'the proxy on this host wrote it');
  assert.equal(await ip('127.0.0.1', '10.9.9.9, 198.51.100.7'), '198.51.100.7', 'a client-written entry before the proxy\'s is passed over');
  assert.equal(await ip('203.0.113.5', '198.51.100.7'), '203.0.113.5', 'a client reaching the app directly cannot pose as another');
  const untrusting = Fastify({ trustProxy: trustOf(undefined) });
  untrusting.get('/ip', async (request) => request.ip);
  assert.equal((await untrusting.inject({ method: 'GET', url: '/ip', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).body, '127.0.0.1');
});

test('SUYUAN_SCAN_GATHER_MS: 10 ms by default, 0 to write each scan at once, at most a minute', () => {
  assert.equal(loadConfig({}).scanGatherMs, 10);
  assert.equal(loadConfig({ SUYUAN_SCAN_GATHER_MS: '0' }).scanGatherMs, 0);
  assert.equal(loadConfig({ SUYUAN_SCAN_GATHER_MS: '60000' }).scanGatherMs, 60_000);
  assert.throws(() => loadConfig({ SUYUAN_SCAN_GATHER_MS: '60001' }), /SUYUAN_SCAN_GATHER_MS must be at most 60000, found 60001/);
  assert.throws(() => loadConfig({ SUYUAN_SCAN_GATHER_MS: '-5' }), /SUYUAN_SCAN_GATHER_MS must be a non-negative integer, found "-5"/);
});
