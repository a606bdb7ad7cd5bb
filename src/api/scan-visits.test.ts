import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTED_SCANS_PER_ADDRESS_HOUR, SAME_SOURCE_MS, ScanSources, SEEN_COOKIE, visitOf } from './scan-visits.ts';

const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;
const tagsOf = (setCookie: string) => cookieOf(setCookie).slice(SEEN_COOKIE.length + 1).split('.');

test('a first view is counted and marks the unit as seen; the same browser coming back is not counted', () => {
  const first = visitOf(undefined, 'https://id.gs1.org/01/06970123200011/21/A1', false);
  assert.equal(first.repeat, false);
  assert.match(first.setCookie, /^sy_seen=[A-Za-z0-9_-]{8}; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly$/);
  const again = visitOf(`lang=en; ${cookieOf(first.setCookie)}`, 'https://id.gs1.org/01/06970123200011/21/A1', false);
  assert.equal(again.repeat, true);
  assert.equal(again.setCookie, first.setCookie, 'a repeat view keeps one tag for the unit');
  const other = visitOf(cookieOf(first.setCookie), 'https://id.gs1.org/01/06970123200011/21/A2', true);
  assert.equal(other.repeat, false, 'another unit is a new scan');
  assert.equal(tagsOf(other.setCookie).length, 2);
  assert.match(other.setCookie, /; Secure$/, 'over https the cookie is marked Secure');
});

test('the cookie keeps the 40 most recently viewed units, and a repeat view moves its unit to the newest end', () => {
  let cookie = '';
  for (let i = 0; i < 45; i++) cookie = cookieOf(visitOf(cookie, `unit-${i}`, false).setCookie);
  assert.equal(tagsOf(cookie).length, 40);
  assert.equal(visitOf(cookie, 'unit-0', false).repeat, false, 'the oldest fell out');
  const touched = cookieOf(visitOf(cookie, 'unit-5', false).setCookie);
  assert.equal(visitOf(cookie, 'unit-5', false).repeat, true);
  let later = touched;
  for (let i = 100; i < 139; i++) later = cookieOf(visitOf(later, `unit-${i}`, false).setCookie);
  assert.equal(visitOf(later, 'unit-5', false).repeat, true, 'the unit viewed again was kept as the newest');
  assert.equal(visitOf(later, 'unit-6', false).repeat, false);
});

test('anything in the cookie that is not a well-formed tag is ignored, and other cookies are left alone', () => {
  const tagged = tagsOf(visitOf(undefined, 'u', false).setCookie)[0]!;
  const visit = visitOf(`${SEEN_COOKIE}=<script>.${tagged}.${'x'.repeat(500)}; other=1`, 'v', false);
  assert.deepEqual(tagsOf(visit.setCookie).length, 2);
  assert.ok(tagsOf(visit.setCookie).includes(tagged));
  assert.doesNotMatch(visit.setCookie, /script|xxxx|other/);
  assert.equal(visitOf(`not${SEEN_COOKIE}=${tagged}`, 'u', false).repeat, false, 'only the cookie of that name counts');
});

test('one address counts a unit once for 12 to 24 hours; others still count it', () => {
  let now = Date.parse('2026-11-30T08:00:00Z');
  const sources = new ScanSources(() => now);
  const unit = 'https://id.gs1.org/01/06970123200011/21/A1';
  assert.equal(sources.admit('203.0.113.7', unit), true);
  assert.equal(sources.admit('203.0.113.7', unit), false, 'the same address again');
  assert.equal(sources.admit('::ffff:203.0.113.7', unit), false, 'the same IPv4 address written as IPv6');
  assert.equal(sources.admit('203.0.113.8', unit), true, 'another address');
  assert.equal(sources.admit('203.0.113.7', `${unit}0`), true, 'another unit');
  now += SAME_SOURCE_MS + 1;
  assert.equal(sources.admit('203.0.113.7', unit), false, 'still remembered after 12 hours');
  now += SAME_SOURCE_MS + 1;
  assert.equal(sources.admit('203.0.113.7', unit), true, 'forgotten after 24');
});

test('an IPv6 client counts by its /64; one address adds at most 100 counted scans an hour', () => {
  let now = Date.parse('2026-11-30T08:00:00Z');
  const sources = new ScanSources(() => now);
  assert.equal(sources.admit('2001:db8:1:2::10', 'u'), true);
  assert.equal(sources.admit('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 'u'), false, 'same /64');
  assert.equal(sources.admit('2001:db8:1:3::10', 'u'), true, 'another /64');
  for (let i = 0; i < COUNTED_SCANS_PER_ADDRESS_HOUR; i++) assert.equal(sources.admit('198.51.100.1', `unit-${i}`), true, `scan ${i + 1}`);
  assert.equal(sources.admit('198.51.100.1', 'unit-extra'), false, 'past the hourly limit');
  assert.equal(sources.admit('198.51.100.2', 'unit-extra'), true, 'the limit is per address');
  now += 3600_000;
  assert.equal(sources.admit('198.51.100.1', 'unit-extra'), true, 'the next hour');
  assert.equal(sources.admit('198.51.100.1', 'unit-0'), false, 'and the units it counted are still remembered');
});
