import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { regionNames } from '../core/public/view-scan.ts';
import { addressGroup } from './client-address.ts';
import { FixedWindows } from './fixed-windows.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Which network addresses have counted which units lately (see ScanSources). */
    scanSources: ScanSources;
  }
}

/**
 * Which codes this browser has already viewed, kept in the browser, not on the server (issue 4 §2–3).
 *
 * A reload, the language switch or a second look by the same person is not another scan: counted, it would flag a
 * genuine serialised item as a possible counterfeit after a few views by its one buyer. The cookie holds only short
 * tags of the units viewed (48 bits of a SHA-256 of the unit), newest last, so the server keeps nothing about a visitor
 * and the scan log stays free of personal data.
 */
export const SEEN_COOKIE = 'sy_seen';
/** Enough for a shopper's recent codes; the oldest falls out so the cookie stays under ~400 bytes. */
const MAX_TAGS = 40;
const ONE_YEAR_S = 365 * 24 * 3600;
const TAG = /^[A-Za-z0-9_-]{8}$/;

export interface Visit {
  /** This browser viewed the unit before: show the page, do not count a scan. */
  repeat: boolean;
  /** The Set-Cookie value that records this unit as viewed. */
  setCookie: string;
}

export function visitOf(cookieHeader: string | undefined, unit: string, secure: boolean): Visit {
  const tag = unitTag(unit);
  const seen = seenTags(cookieHeader);
  const repeat = seen.includes(tag);
  const kept = [...seen.filter((t) => t !== tag), tag].slice(-MAX_TAGS);
  const setCookie = `${SEEN_COOKIE}=${kept.join('.')}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`;
  return { repeat, setCookie };
}

function unitTag(unit: string): string {
  return createHash('sha256').update(unit).digest('base64url').slice(0, 8);
}

/** The well-formed tags of the cookie; anything else in it is ignored, never trusted. */
function seenTags(cookieHeader: string | undefined): string[] {
  if (!cookieHeader) return [];
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SEEN_COOKIE) continue;
    return part.slice(eq + 1).trim().split('.').filter((t) => TAG.test(t)).slice(-MAX_TAGS);
  }
  return [];
}

/**
 * Whether this request counts as a scan, and with what: a person's first view of the unit from this browser, and the
 * first from this network address lately (ScanSources). Bots and headless clients, HEAD requests and repeat views are
 * not counted; a counted client gets the cookie that marks the unit as seen. The district the phone shared is kept
 * only when it is a real GB/T 2260 code. The scan page and the app's JSON both go through here.
 */
export function scanToRecord(
  request: FastifyRequest, reply: FastifyReply, unit: string, sharedRegion: unknown, wantsJson: boolean,
): { region: string | null; clientClass: string } | undefined {
  const clientClass = request.method === 'GET' ? clientClassOf(request.headers['user-agent'], wantsJson) : null;
  if (!clientClass) return undefined;
  const visit = visitOf(request.headers.cookie, unit, request.protocol === 'https');
  reply.header('set-cookie', visit.setCookie);
  if (visit.repeat || !request.server.scanSources.admit(request.ip, unit)) return undefined;
  const region = typeof sharedRegion === 'string' && /^\d{6}$/.test(sharedRegion) && regionNames(sharedRegion) ? sharedRegion : null;
  return { region, clientClass };
}

/** One address counts one unit once for at least this long (and at most twice it). */
export const SAME_SOURCE_MS = 12 * 3600_000;
/** Counted scans one address may add in an hour, over all units; its views beyond that are shown but not counted. */
export const COUNTED_SCANS_PER_ADDRESS_HOUR = 100;
const HOUR_MS = 3600_000;
/** Entries a generation holds before it is retired early (~8 MB each at most): a flood cannot exhaust memory. */
const GENERATION_CAP = 250_000;

/**
 * Guards the counterfeit warning against a client that drops its cookie: without this, eleven requests from one script
 * would brand a genuine serialised item "possible counterfeit" (issue 4 §2–3). A unit counts once per network address
 * (an IPv6 client by its /64) for 12–24 hours, and one address adds at most 100 counted scans an hour.
 *
 * Kept in this process's memory only, and never as addresses: each (address, unit) pair is remembered as 31 bits of an
 * HMAC under a key made at start and never stored, in two generations that retire every 12 hours. A restart forgets
 * them, which costs at most one extra count per pair. Two pairs sharing 31 bits (about 1 in 10,000 at a full
 * generation) make one scan uncounted: a miss, never a false alarm.
 */
export class ScanSources {
  private readonly key = randomBytes(32);
  private current = new Set<number>();
  private previous = new Set<number>();
  private retiresAt: number;
  private readonly perAddress = new FixedWindows();

  constructor(private readonly now: () => number = Date.now) {
    this.retiresAt = now() + SAME_SOURCE_MS;
  }

  /** Whether a scan of `unit` from `ip` counts; if it does, it is remembered. */
  admit(ip: string, unit: string): boolean {
    const t = this.now();
    if (t >= this.retiresAt || this.current.size >= GENERATION_CAP) {
      this.previous = this.current;
      this.current = new Set();
      this.retiresAt = t + SAME_SOURCE_MS;
    }
    const group = addressGroup(ip);
    // 31 bits stay a small integer in V8: the sets hold no heap numbers.
    const pair = createHmac('sha256', this.key).update(group).update('\u0000').update(unit).digest().readInt32BE(0) >> 1;
    if (this.current.has(pair) || this.previous.has(pair)) return false;
    if (this.perAddress.hit(group, HOUR_MS, t).count > COUNTED_SCANS_PER_ADDRESS_HOUR) return false;
    this.current.add(pair);
    return true;
  }
}

/** What kind of client is scanning, without keeping anything personal (issue 4 §3); null for those not counted. */
function clientClassOf(userAgent: string | undefined, wantsJson: boolean): string | null {
  const ua = userAgent ?? '';
  if (/bot|spider|crawl|curl|wget|python-requests|headless|preview/i.test(ua)) return null;
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  if (/AlipayClient/i.test(ua)) return 'alipay';
  if (wantsJson) return 'app';
  return /Mobile|Android|iPhone/i.test(ua) ? 'mobile-browser' : 'browser';
}
