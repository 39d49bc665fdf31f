import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { composeMessage, NOTIFY_EVENTS, targetWants } from '../../src/notify/events.js';
import { buildRequest } from '../../src/notify/senders.js';
import { maskNotifyUrl, parseNotifyUrl, splitNotifyUrls, withEvents } from '../../src/notify/urls.js';

const TOKEN = 'Zx9SecretTokenValue123';

describe('notification URLs', () => {
  it('parses each kind into the endpoint its service expects', () => {
    expect(parseNotifyUrl('json://hooks.local:8000/in/path').endpoint).toBe('http://hooks.local:8000/in/path');
    expect(parseNotifyUrl('jsons://hooks.local/in').endpoint).toBe('https://hooks.local/in');
    const ntfy = parseNotifyUrl(`ntfys://ntfy.sh/${TOKEN}`);
    expect(ntfy).toMatchObject({ kind: 'ntfy', endpoint: `https://ntfy.sh/${TOKEN}`, key: TOKEN });
    expect(parseNotifyUrl(`ntfy://tk_abcdefghij1234@ntfy.local/alerts`).bearer).toBe('tk_abcdefghij1234');
    expect(parseNotifyUrl(`ntfy://me:pw123456@ntfy.local/alerts`).basic).toEqual({ user: 'me', pass: 'pw123456' });
    expect(parseNotifyUrl(`discord://112233/${TOKEN}`)).toMatchObject({ kind: 'discord', discord: { id: '112233', token: TOKEN } });
    expect(parseNotifyUrl(`gotifys://push.example.com/${TOKEN}`)).toMatchObject({ endpoint: 'https://push.example.com/message', key: TOKEN });
    expect(parseNotifyUrl(`gotify://host:8080/sub/${TOKEN}`).endpoint).toBe('http://host:8080/sub/message');
    expect(parseNotifyUrl(`apprises://apprise.local/${TOKEN}`).endpoint).toBe(`https://apprise.local/notify/${TOKEN}`);
  });

  it('masks every secret wherever the URL is shown', () => {
    const urls = [
      `ntfys://ntfy.sh/${TOKEN}`,
      `discord://112233/${TOKEN}`,
      `gotifys://push.example.com/${TOKEN}`,
      `apprise://apprise.local/${TOKEN}?events=sync.failed`,
      `json://user:${TOKEN}@hooks.local/in/${TOKEN}?token=${TOKEN}`,
      `ntfy://ntfy.local/alerts?token=${TOKEN}`,
    ];
    for (const u of urls) {
      const masked = maskNotifyUrl(u);
      expect(masked, u).not.toContain(TOKEN);
      expect(masked).toContain('***');
    }
    expect(maskNotifyUrl(`discord://112233/${TOKEN}`)).toBe('discord://112233/Zx***');
    expect(maskNotifyUrl(`apprise://apprise.local/${TOKEN}?events=sync.failed`)).toBe('apprise://apprise.local/Zx***?events=sync.failed');
    // One that does not parse still shows no secret.
    expect(maskNotifyUrl(`discord://notdigits/${TOKEN}`)).not.toContain(TOKEN);
  });

  it('a wrong URL is a sentence naming the wrong part', () => {
    const err = (u: string) => {
      try {
        parseNotifyUrl(u);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`${u} parsed`);
    };
    expect(err('slack://abc/def')).toMatch(/the scheme "slack:\/\/" is not one/);
    expect(err('ntfy.sh/topic')).toMatch(/does not start with a scheme/);
    expect(err('ntfys://ntfy.sh')).toMatch(/ntfy URL has no topic/);
    expect(err('discord://abc/def')).toMatch(/Discord webhook id .* should be digits/);
    expect(err('discord://123')).toMatch(/no webhook token/);
    expect(err('gotify://host')).toMatch(/Gotify URL has no application token/);
    expect(err('apprise://host')).toMatch(/no configuration key/);
    expect(err('ntfy://host/t?events=sync.failed,sync.fial')).toMatch(/names "sync.fial", which is not an event/);
    expect(err('json://host:99999/x')).toMatch(/not a valid URL/);
  });

  it('NOTIFY_URLS splits on spaces and on commas that start a URL, keeping ?events= lists whole', () => {
    expect(splitNotifyUrls('ntfy://a/t?events=sync.failed,sync.partial, discord://1/x  gotify://g/k,apprise://h/k')).toEqual([
      'ntfy://a/t?events=sync.failed,sync.partial',
      'discord://1/x',
      'gotify://g/k',
      'apprise://h/k',
    ]);
  });

  it('a bad NOTIFY_URLS stops start-up with one line naming the URL and its wrong part, without its secret', () => {
    let message = '';
    try {
      loadConfig({ NOTIFY_URLS: `ntfy://n/topic discord://12345`, DATA_DIR: '/tmp/x' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Configuration error: NOTIFY_URLS has a wrong 2nd URL \(discord:\/\/12345\): the Discord URL has no webhook token/);
    expect(message.split('\n')).toHaveLength(1);
    const ok = loadConfig({ NOTIFY_URLS: `ntfy://n/topic, discord://1/${TOKEN}`, SYNC_PING_URL: 'https://hc-ping.com/abc' });
    expect(ok.notify).toEqual({ urls: ['ntfy://n/topic', `discord://1/${TOKEN}`], syncPingUrl: 'https://hc-ping.com/abc' });
  });

  it('events: sync.succeeded only when named; notify.test always; ?events= rewritten by withEvents', () => {
    expect(targetWants(undefined, 'sync.failed')).toBe(true);
    expect(targetWants(undefined, 'sync.succeeded')).toBe(false);
    expect(targetWants(['sync.succeeded'], 'sync.succeeded')).toBe(true);
    expect(targetWants(['sync.succeeded'], 'sync.failed')).toBe(false);
    expect(targetWants(['sync.failed'], 'notify.test')).toBe(true);
    expect(withEvents('ntfy://h/t?x=1&events=a', ['sync.failed', 'plex.recovered'])).toBe('ntfy://h/t?x=1&events=sync.failed,plex.recovered');
    expect(withEvents('ntfy://h/t?events=a', undefined)).toBe('ntfy://h/t');
  });

  it('ntfy headers stay valid for titles beyond Latin-1 (RFC 2047), and auth goes in Authorization', () => {
    const m = composeMessage('scrobble.failed', { title: 'Amélie · 千と千尋' }, undefined);
    const req = buildRequest(parseNotifyUrl('ntfy://tk_abcdefghij1234@ntfy.local/alerts'), m);
    expect(req.headers.Title).toBe(`=?UTF-8?B?${Buffer.from(m.title).toString('base64')}?=`);
    expect(req.headers.Authorization).toBe('Bearer tk_abcdefghij1234');
    expect(req.headers.Click).toBeUndefined(); // no PUBLIC_URL, no link
    expect(() => new Headers(req.headers)).not.toThrow();
  });

  it('every event says what happened and what to do, with a link when PUBLIC_URL is set', () => {
    for (const e of NOTIFY_EVENTS) {
      const m = composeMessage(e, { runId: 7, title: 'Heat (1995)', reason: 'Trakt said 404', downForMs: 720_000 }, 'https://sync.example.com/');
      expect(m.title.length, e).toBeGreaterThan(5);
      expect(m.link, e).toMatch(/^https:\/\/sync\.example\.com\//);
      expect(m.message, e).toMatch(/\.( |$)/);
    }
    expect(composeMessage('sync.failed', { runId: 7, error: 'Plex is not connected.' }, 'https://s.example').link).toBe('https://s.example/runs/7');
    expect(composeMessage('scrobble.failed', { title: 'Heat' }, undefined, 12).title).toBe('A scrobble failed: Heat (and 12 more)');
  });
});
