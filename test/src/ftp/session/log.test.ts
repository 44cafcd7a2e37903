/**
 * The W3C log entries a session writes (facts §3.2), formatted by w3c.ts: one line per command at its final
 * reply, ControlChannel* and DataChannel* lines, the server's data port on data lines, passwords hidden.
 */
import { describe, expect, it } from 'vitest';
import { sessionGuid, w3cLine } from '../../../../src/ftp/w3c.ts';
import { logs, Net } from './driver.ts';

const lines = (net: Net) => logs(net.all).map((e) => w3cLine(e));

describe('the W3C log of a session', () => {
  it('an anonymous session as in the real IIS log of facts §3.2', () => {
    const net = new Net({ config: { seed: 'log', passivePortLow: 49906, passivePortHigh: 49906 } });
    net.open();
    for (const l of ['USER anonymous', 'PASS IEUser@', 'opts utf8 on', 'PWD', 'CWD /', 'TYPE A', 'PASV'])
      net.cmd(l);
    net.accept(1);
    net.cmd('LIST');
    net.cmd('QUIT');
    const g = sessionGuid('log', 0);
    expect(lines(net)).toEqual([
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 ControlChannelOpened - - 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 USER anonymous 331 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 PASS IEUser@ 230 0 0 ${g} /`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 opts utf8+on 200 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 PWD - 257 0 0 ${g} /`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 CWD / 250 0 0 ${g} /`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 TYPE A 200 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 PASV - 227 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 49906 DataChannelOpened - - 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 49906 DataChannelClosed - - 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 LIST - 226 0 0 ${g} /`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 QUIT - 221 0 0 ${g} -`,
      `2026-01-01 00:00:00 10.0.0.2 - 10.0.0.1 21 ControlChannelClosed - - 0 0 ${g} -`,
    ]);
  });

  it('a local user: the password is ***, and the name is MACHINE\\user from the login on', () => {
    const net = new Net().login();
    expect(logs(net.all).map((e) => [e.user, e.method, e.uriStem, e.status])).toEqual([
      ['-', 'ControlChannelOpened', '', ''],
      ['-', 'USER', 'bob', '331'],
      ['SRV\\bob', 'PASS', '***', '230'],
    ]);
  });

  it.each([
    ['bob', 'wrong', '530 1326 41', { anonymous: true }],
    ['anonymous', 'IEUser@', '530 1326 42', { anonymous: false }],
  ])('a failed login (USER %s / PASS %s) is logged %s (facts §3.2)', (user, password, status, db) => {
    const net = new Net({
      config: { users: { users: [{ name: 'bob', password: 'secret' }], isolation: 'None', ...db } },
    });
    net.open();
    net.cmd(`USER ${user}`);
    const [e] = logs(net.cmd(`PASS ${password}`));
    expect(`${e!.method} ${e!.uriStem} ${e!.status} ${e!.win32} ${e!.substatus}`).toBe(
      `PASS ${user === 'bob' ? '***' : password} ${status}`,
    );
    expect(e!.user).toBe('-');
  });

  it('each control connection gets the next GUID of the seed', () => {
    const net = new Net({ config: { seed: 42 } });
    net.open('a');
    net.open('b');
    expect(logs(net.all).map((e) => e.session)).toEqual([sessionGuid(42, 0), sessionGuid(42, 1)]);
  });

  it('an intermediate 1xx is never logged; the command is logged once, at its final reply', () => {
    const net = new Net().login();
    net.cmd('PASV');
    const out = [...net.cmd('RETR a.txt'), ...net.accept(1)];
    expect(logs(out).map((e) => `${e.method} ${e.status}`)).toEqual([
      'DataChannelOpened ',
      'DataChannelClosed ',
      'RETR 226',
    ]);
  });

  it('times in the log are those of the events', () => {
    const net = new Net().login();
    net.now = 61_500_000_000; // 61.5 s
    const [e] = logs(net.cmd('NOOP'));
    expect(w3cLine(e!).slice(0, 19)).toBe('2026-01-01 00:01:01');
  });
});
