/**
 * The same inputs under the two profiles, side by side: what FTP 7.5 changed (KB 2505047, facts §6b).
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../../src/ftp/config.ts';
import { CLIENT, Net, trace } from './driver.ts';

type Step = (net: Net) => ReturnType<Net['cmd']>;

/** Runs the steps on a fresh logged-in session under a profile; returns the trace of each step. */
function play(profile: Profile, steps: Step[]): string[][] {
  const net = new Net({ config: { profile, passivePortLow: 50000, passivePortHigh: 50000 } }).login();
  return steps.map((step) => trace(step(net)));
}

function both(steps: Step[]) {
  return { ftp75: play('ftp75', steps), iis6: play('iis6', steps) };
}

describe('ftp75 against iis6', () => {
  it('LF line ends: 451 under FTP 7.5, accepted by IIS 6', () => {
    expect(both([(n) => n.send('SYST\n')])).toEqual({
      ftp75: [['> 451 The parameter is incorrect.']],
      iis6: [['> 215 Windows_NT']],
    });
  });

  it('EPSV, EPRT and HOST do not exist in IIS 6; its 500 quotes the line', () => {
    const r = both([(n) => n.cmd('EPSV'), (n) => n.cmd('EPRT |1|10.0.0.2|50000|'), (n) => n.cmd('HOST x')]);
    expect(r.iis6).toEqual([
      ["> 500 'EPSV': command not understood"],
      ["> 500 'EPRT |1|10.0.0.2|50000|': command not understood"],
      ["> 500 'HOST x': command not understood"],
    ]);
    expect(r.ftp75[0]).toEqual(['listen #1 :50000', '> 229 Entering Extended Passive Mode (|||50000|)']);
  });

  it('PORT: FTP 7.5 connects before the 200; IIS 6 connects on the transfer command, after its 150', () => {
    expect(
      both([(n) => n.cmd('PORT 10,0,0,2,195,80'), (n) => n.cmd('LIST'), (n) => n.data('data-connected', 1)]),
    ).toEqual({
      ftp75: [
        ['connect #1 :20 -> 10.0.0.2:50000', '> 200 PORT command successful.'],
        ['> 150 Opening ASCII mode data connection.'],
        ['send #1 91', 'close #1', '> 226 Transfer complete.'],
      ],
      iis6: [
        ['> 200 PORT command successful.'],
        ['> 150 Opening ASCII mode data connection for /bin/ls.', 'connect #1 :20 -> 10.0.0.2:50000'],
        ['send #1 91', 'close #1'],
      ],
    });
  });

  it('226: FTP 7.5 sends it with the FIN; IIS 6 once the close handshake is done', () => {
    const steps: Step[] = [
      (n) => n.cmd('PASV'),
      (n) => n.accept(1),
      (n) => n.cmd('RETR a.txt'),
      (n) => n.data('data-closed', 1),
    ];
    expect(both(steps)).toEqual({
      ftp75: [
        ['listen #1 :50000', '> 227 Entering Passive Mode (10,0,0,1,195,80).'],
        ['stop-listening #1'],
        [
          '> 125 Data connection already open; Transfer starting.',
          'send #1 11',
          'close #1',
          '> 226 Transfer complete.',
        ],
        [],
      ],
      iis6: [
        ['listen #1 :50000', '> 227 Entering Passive Mode (10,0,0,1,195,80).'],
        ['stop-listening #1'],
        ['> 150 Opening ASCII mode data connection for a.txt(11 bytes).', 'send #1 11', 'close #1'],
        ['> 226 Transfer complete.'],
      ],
    });
  });

  it('STOR: IIS 6 answers 125 in passive mode and 150 in active mode whatever the connection; FTP 7.5 by the connection', () => {
    const passiveNotYet: Step[] = [(n) => n.cmd('PASV'), (n) => n.cmd('STOR up.txt')];
    const activeUp: Step[] = [
      (n) => n.cmd('PORT 10,0,0,2,195,80'),
      (n) => n.data('data-connected', 1),
      (n) => n.cmd('STOR up.txt'),
    ];
    expect(both(passiveNotYet).ftp75[1]).toEqual(['> 150 Opening ASCII mode data connection.']);
    expect(both(passiveNotYet).iis6[1]).toEqual(['> 125 Data connection already open; Transfer starting.']);
    expect(both(activeUp).ftp75[2]).toEqual(['> 125 Data connection already open; Transfer starting.']);
    // iis6 has no connection yet at STOR (it connects on the command): 150, then the connect.
    expect(play('iis6', [(n) => n.cmd('PORT 10,0,0,2,195,80'), (n) => n.cmd('STOR up.txt')])[1]).toEqual([
      '> 150 Opening ASCII mode data connection for up.txt.',
      'connect #1 :20 -> 10.0.0.2:50000',
    ]);
  });

  it('a data connection from a low port: reset under FTP 7.5, accepted by IIS 6', () => {
    const steps: Step[] = [(n) => n.cmd('PASV'), (n) => n.accept(1, { addr: CLIENT.addr, port: 20 })];
    expect(both(steps).ftp75[1]).toEqual(['stop-listening #1', 'abort #1']);
    expect(both(steps).iis6[1]).toEqual(['stop-listening #1']);
  });

  it('active mode to a low port: FTP 7.5 never connects; IIS 6 does', () => {
    const steps: Step[] = [(n) => n.cmd('PORT 10,0,0,2,0,21'), (n) => n.cmd('RETR a.txt')];
    expect(both(steps)).toEqual({
      ftp75: [['> 200 PORT command successful.'], ['> 425 Cannot open data connection.']],
      iis6: [
        ['> 200 PORT command successful.'],
        ['> 150 Opening ASCII mode data connection for a.txt(11 bytes).', 'connect #1 :20 -> 10.0.0.2:21'],
      ],
    });
  });

  it('PASV right after a transfer: FTP 7.5 answers and holds the new connection; under IIS 6 it waits for the 226', () => {
    const steps: Step[] = [
      (n) => n.cmd('PASV'),
      (n) => n.accept(1),
      (n) => n.cmd('RETR a.txt'),
      (n) => n.cmd('PASV'),
      (n) => n.data('data-closed', 1),
    ];
    const run = (profile: Profile) => {
      const net = new Net({ config: { profile, passivePortLow: 50000, passivePortHigh: 50001 } }).login();
      return steps.map((s) => trace(s(net))).slice(3);
    };
    expect(run('ftp75')).toEqual([
      ['listen #2 :50001 held', '> 227 Entering Passive Mode (10,0,0,1,195,81).'],
      ['release #2'],
    ]);
    expect(run('iis6')).toEqual([
      [],
      ['> 226 Transfer complete.', 'listen #2 :50001', '> 227 Entering Passive Mode (10,0,0,1,195,81).'],
    ]);
  });

  it('login texts and FEAT', () => {
    const run = (profile: Profile) => {
      const net = new Net({ config: { profile } });
      net.open();
      return [net.cmd('USER bob'), net.cmd('PASS secret'), net.cmd('FEAT')].map((o) => trace(o));
    };
    expect(run('iis6')).toEqual([
      ['> 331 Password required for bob.'],
      ['> 230 User bob logged in.'],
      ['> 211-FEAT|    SIZE|    MDTM|211 END'],
    ]);
    expect(run('ftp75').slice(0, 2)).toEqual([
      ['> 331 Password required for bob.'],
      ['> 230 User logged in.'],
    ]);
  });

  it('NLST -r: ignored by FTP 7.5, honoured by IIS 6 (KB 2505047)', () => {
    const steps: Step[] = [(n) => n.cmd('PASV'), (n) => n.accept(1), (n) => n.cmd('NLST -r')];
    const names = (profile: Profile) => {
      const net = new Net({ config: { profile, passivePortLow: 50000, passivePortHigh: 50000 } }).login();
      const out = steps.map((s) => s(net)).at(-1)!;
      return out.flatMap((o) => (o.kind === 'data-send' ? [new TextDecoder().decode(o.bytes)] : [])).join('');
    };
    expect(names('ftp75')).toBe('a.txt\r\ndocs\r\n');
    expect(names('iis6')).toBe('docs\r\na.txt\r\n');
  });
});
