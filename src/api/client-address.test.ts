import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressGroup } from './client-address.ts';

test('an IPv4 address counts as itself, also when written as IPv4-mapped IPv6', () => {
  assert.equal(addressGroup('203.0.113.7'), '203.0.113.7');
  assert.equal(addressGroup('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(addressGroup('::FFFF:203.0.113.7'), '203.0.113.7');
});

test('an IPv6 address counts by its /64, however it is written', () => {
  const group = '2001:db8:5:7::/64';
  for (const ip of ['2001:db8:5:7::1', '2001:0db8:0005:0007:ffff:1:2:3', '2001:DB8:5:7:0:0:0:0', '2001:db8:5:7::1.2.3.4', '2001:db8:5:7::1%eth0']) {
    assert.equal(addressGroup(ip), group, ip);
  }
  assert.equal(addressGroup('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressGroup('::1'), '0:0:0:0::/64');
  assert.notEqual(addressGroup('2001:db8:5:8::1'), group);
});

test('anything else is kept as given', () => {
  assert.equal(addressGroup('unknown'), 'unknown');
});
