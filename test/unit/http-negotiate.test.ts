/** Language and format negotiation. */
import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, pickLocale, wantsJson } from '../../functions/http/negotiate.ts';
import { toHttpRequest } from '../../functions/http/request.ts';
import { apiEvent } from '../helpers/api-events.ts';

const req = (headers: Record<string, string> = {}, query: Record<string, string> = {}) =>
  toHttpRequest(apiEvent({ path: '/', headers, query }));

describe('language', () => {
  it('follows Accept-Language by q-value, then order', () => {
    expect(fromAcceptLanguage('en-US,en;q=0.9,ja;q=0.8')).toBe('en');
    expect(fromAcceptLanguage('fr-FR, ja;q=0.5, en;q=0.4')).toBe('ja');
    expect(fromAcceptLanguage('en;q=0.1, ja-JP')).toBe('ja');
    expect(fromAcceptLanguage('de, fr')).toBeNull();
    expect(fromAcceptLanguage('en;q=0, ja;q=0')).toBeNull();
    expect(fromAcceptLanguage('*')).toBeNull();
    expect(fromAcceptLanguage(undefined)).toBeNull();
  });

  it('lets an explicit lang (field, then query) win over the header, and falls back to the default', () => {
    const r = req({ 'accept-language': 'en' }, { lang: 'ja' });
    expect(pickLocale(r, 'ja')).toBe('ja');
    expect(pickLocale(r, 'ja', new Map([['lang', 'EN']]))).toBe('en');
    expect(pickLocale(req({ 'accept-language': 'en-GB' }), 'ja')).toBe('en');
    expect(pickLocale(req({}, { lang: 'xx' }), 'ja')).toBe('ja');
    expect(pickLocale(req(), 'en')).toBe('en');
  });
});

describe('format', () => {
  it('answers JSON to JSON, or to a client asking for JSON and not for HTML', () => {
    expect(wantsJson(req({ 'content-type': 'application/json' }))).toBe(true);
    expect(wantsJson(req({ 'content-type': 'application/merge-patch+json' }))).toBe(true);
    expect(wantsJson(req({ accept: 'application/json' }))).toBe(true);
    expect(wantsJson(req({ accept: 'text/html,application/xhtml+xml,application/json;q=0.9' }))).toBe(false);
    expect(wantsJson(req({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(false);
  });
});
