/**
 * Behind the CloudFront edge (edgeWaf=true) the client is CloudFront-Viewer-Address only when the
 * request carries the origin secret CloudFront adds; every other spelling of the trick is ignored.
 */
import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  ORIGIN_SECRET_HEADER,
  VIEWER_ADDRESS_HEADER,
  viewerIp,
} from '../../functions/http/edge.ts';
import { toHttpRequest } from '../../functions/http/request.ts';
import { apiEvent } from '../helpers/api-events.ts';

const SECRET = 'edge-origin-secret-0123456789abcdefghijklmnop';
const EDGE_PEER = '130.176.0.10'; // a CloudFront edge address, the TCP peer API Gateway sees
const secret = async () => Buffer.from(SECRET, 'utf8');
const req = (headers: Record<string, string>) =>
  toHttpRequest(apiEvent({ path: '/subscribe', method: 'POST', headers, sourceIp: EDGE_PEER }));

describe('clientAddress', () => {
  it('believes the viewer address when the origin secret is right (IPv4 and IPv6)', async () => {
    expect(
      await clientAddress(
        req({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '203.0.113.7:46532' }),
        secret,
      ),
    ).toEqual({
      sourceIp: '203.0.113.7',
      via: 'edge',
    });
    expect(
      await clientAddress(
        req({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '2001:db8:85a3::8a2e:370:7334:443' }),
        secret,
      ),
    ).toEqual({ sourceIp: '2001:db8:85a3::8a2e:370:7334', via: 'edge' });
  });

  it('ignores a spoofed viewer address without the secret, or with a wrong, truncated, longer or differently cased one', async () => {
    const spoof = { [VIEWER_ADDRESS_HEADER]: '203.0.113.7:1234' };
    const variants: Record<string, string>[] = [
      spoof,
      { ...spoof, [ORIGIN_SECRET_HEADER]: 'guess' },
      { ...spoof, [ORIGIN_SECRET_HEADER]: '' },
      { ...spoof, [ORIGIN_SECRET_HEADER]: SECRET.slice(0, -1) },
      { ...spoof, [ORIGIN_SECRET_HEADER]: `${SECRET}x` },
      { ...spoof, [ORIGIN_SECRET_HEADER]: SECRET.toUpperCase() },
      { ...spoof, [ORIGIN_SECRET_HEADER]: `${SECRET},${SECRET}` },
      // Headers a proxy would use are never read at all.
      { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' },
    ];
    for (const headers of variants) {
      const got = await clientAddress(req(headers), secret);
      expect(got.sourceIp, JSON.stringify(headers)).toBe(EDGE_PEER);
      expect(got.via).toBe(headers['x-forwarded-for'] ? 'direct' : 'forged');
    }
  });

  it('counts a direct request by its peer without reading the secret', async () => {
    const failing = async (): Promise<Buffer> => {
      throw new Error('must not be read');
    };
    expect(await clientAddress(req({}), failing)).toEqual({ sourceIp: EDGE_PEER, via: 'direct' });
  });

  it('falls back to the peer when the secret cannot be read, or the viewer address is unusable', async () => {
    const failing = async (): Promise<Buffer> => {
      throw new Error('Secrets Manager down');
    };
    const headers = { [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '203.0.113.7:1' };
    expect(await clientAddress(req(headers), failing)).toEqual({
      sourceIp: EDGE_PEER,
      via: 'secret-unavailable',
    });
    for (const viewer of [
      '',
      'garbage',
      '203.0.113.7',
      '203.0.113.7:1,198.51.100.1:2',
      '[2001:db8::1]:443',
      '999.0.0.1:80',
      '203.0.113.7:99999',
    ]) {
      expect(
        await clientAddress(req({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: viewer }), secret),
        viewer,
      ).toEqual({
        sourceIp: EDGE_PEER,
        via: 'edge-unreadable',
      });
    }
    expect(await clientAddress(req({ [ORIGIN_SECRET_HEADER]: SECRET }), secret)).toEqual({
      sourceIp: EDGE_PEER,
      via: 'edge-unreadable',
    });
  });
});

describe('viewerIp', () => {
  it.each([
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334:46532', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ['::ffff:198.51.100.10:80', '::ffff:198.51.100.10'],
    [' 198.51.100.10:1 ', '198.51.100.10'],
  ])('%s → %s', (value, ip) => expect(viewerIp(value)).toBe(ip));

  it.each(['198.51.100.10', 'host.example:80', '1.2.3.4:', ':80', '1.2.3.4:80:80', '1.2.3.4:-1'])(
    '%s → null',
    (value) => expect(viewerIp(value)).toBeNull(),
  );
});
