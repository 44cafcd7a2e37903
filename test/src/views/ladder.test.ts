import { describe, expect, it } from 'vitest';
import { ACK, PSH, SYN } from '../../../sim/tcp/segment.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { formatTime, LADDER_LEGEND, Ladder, ladderLines } from '../../../src/views/ladder.ts';
import { paint } from '../../../src/views/style.ts';
import { stripAnsi, textWidth } from '../../../src/views/text.ts';
import { C_ISS, CLIENT, HOSTS, loginTrace, S_ISS, SERVER, seg, TraceBuilder } from './trace-builder.ts';

/** The drawn lines of a ladder, without the legend and the host line. */
function body(lines: readonly string[]): string[] {
  return lines.slice(LADDER_LEGEND.length + 1);
}

/** The one line whose text contains every fragment. */
function lineWith(lines: readonly string[], ...fragments: string[]): string {
  const found = lines.filter((l) => fragments.every((f) => l.includes(f)));
  expect(found, `one line with ${fragments.join(' … ')}`).toHaveLength(1);
  return found[0]!;
}

describe('the ladder of a login', () => {
  const lines = ladderLines(loginTrace().trace, HOSTS);

  it('opens with the legend and one lane per host, the first at the left, the last at column 100', () => {
    expect(lines.slice(0, LADDER_LEGEND.length)).toEqual(LADDER_LEGEND);
    const hostLine = lines[LADDER_LEGEND.length]!;
    expect(hostLine.trimStart().startsWith('ms  client 10.0.0.1')).toBe(true);
    expect(hostLine.endsWith('10.0.0.2 server')).toBe(true);
    expect(textWidth(hostLine)).toBe(100);
  });

  it('draws a segment twice: dashed from the sender when it leaves, solid into the receiver when it arrives', () => {
    const sent = lineWith(lines, '0.000', 'SYN seq=0');
    const arrived = lineWith(lines, '1.000', 'SYN seq=0');
    // Sent: starts at the client's lane, the label near the client, a hollow head at the server's lane.
    expect(sent).toMatch(/^ {5}0\.000 {2}├╌ SYN seq=0 isn=4294967280 win=65535 mss=1460 ╌+▷│$/);
    // Arrived: a solid arrow from the client's lane, the label near the server, a filled head at its lane.
    expect(arrived).toMatch(/^ {5}1\.000 {2}│─+ SYN seq=0 isn=4294967280 win=65535 mss=1460 ─▶┤$/);
    // A leftward segment mirrors it.
    expect(lineWith(lines, '1.000', 'SYN,ACK')).toMatch(
      /^ {5}1\.000 {2}│◁╌+ SYN,ACK seq=0 ack=1 isn=2147418112 win=64240 mss=1460 ╌┤$/,
    );
    expect(lineWith(lines, '2.000', 'SYN,ACK')).toMatch(
      /^ {5}2\.000 {2}├◀─ SYN,ACK seq=0 ack=1 isn=2147418112 win=64240 mss=1460 ─+│$/,
    );
  });

  it("numbers seq and ack from each direction's ISN, across 2^32, and shows the absolute ISN on the SYN only", () => {
    // The client's ISS is 2^32 - 16: its USER (16 bytes) ends exactly at the wrap, and the FIN is seq=17.
    expect(C_ISS + 17).toBeGreaterThan(2 ** 32);
    lineWith(lines, '4.000', '├╌ PSH,ACK seq=1 ack=28 len=16 "USER anonymous↵"');
    lineWith(lines, '6.000', '├╌ FIN,ACK seq=17 ack=60 ');
    lineWith(lines, '5.000', `◁╌`, `PSH,ACK seq=28 ack=17 len=31`);
    expect(lines.filter((l) => l.includes('isn=')).every((l) => l.includes('SYN'))).toBe(true);
    expect(lines.join('\n')).toContain(`isn=${S_ISS}`);
  });

  it('writes the window when it changes, not on every segment of a direction', () => {
    // The server's SYN,ACK says 64240; its later segments keep it, so only the SYN,ACK shows it.
    expect(lines.filter((l) => l.includes('win=64240')).map((l) => l.includes('SYN,ACK'))).toEqual([
      true,
      true,
    ]);
  });

  it("puts TCP state changes beside the host's lane: right of the first lane, left of the last", () => {
    expect(lineWith(lines, '0.000', 'CLOSED → SYN-SENT')).toMatch(
      /^ {5}0\.000 {2}◆ ctrl#1 CLOSED → SYN-SENT +│$/,
    );
    expect(lineWith(lines, '1.000', 'LISTEN → SYN-RECEIVED')).toMatch(
      /^ {5}1\.000 {2}│ +ctrl#1 LISTEN → SYN-RECEIVED ◆$/,
    );
  });

  it('leaves out FTP command and reply entries: their text is on the arrows that carry them', () => {
    expect(lines.filter((l) => l.includes('USER anonymous'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('331 Anonymous'))).toHaveLength(2);
  });

  it('keeps every line within 100 columns', () => {
    for (const l of lines) expect(textWidth(l), l).toBeLessThanOrEqual(100);
  });
});

describe('FTP text on the arrows', () => {
  it('decodes control connections only: a data connection shows its length, not its bytes', () => {
    const data = { addr: SERVER.addr, port: 20 };
    const t = new TraceBuilder();
    const file = seg(data, CLIENT, PSH | ACK, 1, 1, 'hello, file\r\n');
    t.at(0).send('server', 'client', file, 'server/data#2');
    const [line] = body(ladderLines(t.trace, HOSTS));
    expect(line).toContain(' PSH,ACK seq=1 ack=1 len=13 win=65535 ╌┤');
    expect(line).not.toContain('hello');
  });

  it('shows CRLF as ↵ and a bare LF as ␊, so an LF-only client is visible', () => {
    const t = new TraceBuilder();
    t.at(0).send('client', 'server', seg(CLIENT, SERVER, PSH | ACK, 1, 1, 'USER a\nPASS b\r\n'));
    expect(body(ladderLines(t.trace, HOSTS))[0]).toContain('"USER a␊PASS b↵"');
  });

  it('recognises a control connection on another port by the FTP entries that name its session', () => {
    const s2121 = { addr: SERVER.addr, port: 2121 };
    const t = new TraceBuilder();
    const synAck = seg(s2121, CLIENT, SYN | ACK, 100, 1);
    const banner = seg(s2121, CLIENT, PSH | ACK, 101, 1, '220 Ready\r\n');
    t.at(0).send('server', 'client', synAck, 'server/ctrl#1');
    t.at(MS)
      .reply('server', 'server/ctrl#1', 220, '220 Ready')
      .send('server', 'client', banner, 'server/ctrl#1');
    t.at(2 * MS).recv('client', 'server', banner, 'client/ctrl#1');
    const lines = body(ladderLines(t.trace, HOSTS));
    expect(lines.filter((l) => l.includes('"220 Ready↵"'))).toHaveLength(2);
  });

  it('cuts a long reply to fit, keeping flags, seq and ack', () => {
    const t = new TraceBuilder();
    const long = `230-${'Welcome to a server with a very long banner line. '.repeat(4)}\r\n230 Logged in.\r\n`;
    t.at(0).send('server', 'client', seg(SERVER, CLIENT, PSH | ACK, 1, 1, long));
    const [line] = body(ladderLines(t.trace, HOSTS));
    expect(line).toContain('PSH,ACK seq=1 ack=1 len=');
    expect(line).toContain('"230-Welcome');
    expect(line).toContain('…');
    expect(textWidth(line!)).toBe(100);
  });

  it('counts wide characters as two columns', () => {
    const t = new TraceBuilder();
    t.at(0).send(
      'server',
      'client',
      seg(SERVER, CLIENT, PSH | ACK, 1, 1, `150 Opening ${'文件'.repeat(40)}.txt\r\n`),
    );
    const [line] = body(ladderLines(t.trace, HOSTS));
    expect(line).toContain('文件');
    expect(textWidth(line!)).toBeLessThanOrEqual(100);
  });
});

describe('the network on the ladder', () => {
  const syn = seg(CLIENT, SERVER, SYN, C_ISS, 0, '', { mss: 1460 });

  it('ends a lost segment in ✗ with the reason, before it reaches the other lane', () => {
    const t = new TraceBuilder();
    t.at(0).send('client', 'server', syn).drop('client', 'server', syn, 'loss');
    t.at(SECOND).drop('client', 'server', syn, 'fault', 'cut-syn');
    const [, lost, gap, cut] = body(ladderLines(t.trace, HOSTS));
    expect(gap).toMatch(/^ {9}⋮ {2}┆ {2}1s later +┆$/);
    expect(lost).toMatch(
      /^ {5}0\.000 {2}├╌ SYN seq=0 isn=4294967280 win=65535 mss=1460 ╌+✗ lost on the path +│$/,
    );
    expect(cut).toContain('✗ dropped by rule cut-syn');
  });

  it('mirrors a lost segment that goes to the left: the reason, then ✗, then the dashes back to the sender', () => {
    const t = new TraceBuilder();
    const ack = seg(SERVER, CLIENT, ACK, 1, 1);
    t.at(0).send('server', 'client', ack).drop('server', 'client', ack, 'queue-full');
    const [, lost] = body(ladderLines(t.trace, HOSTS));
    expect(lost).toMatch(/^ {5}0\.000 {2}│ +the path's queue is full ✗╌╌ ACK seq=1 ack=1 win=65535 ╌┤$/);
  });

  it('marks a held segment with ‖ and the rule, and its release as a send', () => {
    const t = new TraceBuilder();
    t.at(0).send('client', 'server', syn).hold('client', 'server', syn, 'slow-syn');
    t.at(5 * MS).release('client', 'server', syn, 'slow-syn');
    t.at(6 * MS).recv('server', 'client', syn);
    const [, held, released, arrived] = body(ladderLines(t.trace, HOSTS));
    expect(held).toMatch(/├╌ SYN seq=0 .* ╌+‖ held by slow-syn/);
    expect(released).toMatch(/^ {5}5\.000 {2}├╌ ‖ released by slow-syn: SYN seq=0 .*╌▷│$/);
    expect(arrived).toMatch(/^ {5}6\.000 {2}│─+ SYN seq=0 .*─▶┤$/);
  });

  it('draws a segment to a host not shown as a note at the end that is shown', () => {
    const lines = body(ladderLines(loginTrace().trace, HOSTS, { hosts: ['client'] }));
    expect(lineWith(lines, '0.000', 'SYN seq=0')).toMatch(/^ {5}0\.000 {2}├ ╌▷ server: SYN seq=0/);
    expect(lineWith(lines, '2.000', 'SYN,ACK')).toMatch(/^ {5}2\.000 {2}┤ ◀─ server: SYN,ACK seq=0 ack=1/);
    expect(lines.some((l) => l.includes('LISTEN'))).toBe(false);
  });

  it('says so when a segment goes to an address no host has', () => {
    const t = new TraceBuilder();
    const stray = seg(CLIENT, { addr: '10.9.9.9', port: 21 }, SYN, 1, 0);
    t.at(0).send('client', '', stray).drop('client', '', stray, 'no-route');
    const [sent, dropped] = body(ladderLines(t.trace, HOSTS));
    expect(sent).toContain('╌▷ 10.9.9.9 (no such host): SYN seq=0');
    expect(dropped).toContain('no host has this address');
  });
});

describe('options', () => {
  const trace = loginTrace().trace;
  const full = ladderLines(trace, HOSTS);

  it('ftpOnly keeps the segments that carry FTP text and nothing else', () => {
    const ftp = body(ladderLines(trace, HOSTS, { ftpOnly: true }));
    expect(ftp).toHaveLength(6);
    expect(ftp.every((l) => l.includes('"'))).toBe(true);
  });

  it('a time window shows the lines of the full ladder that fall in it, numbered the same', () => {
    const window = body(ladderLines(trace, HOSTS, { from: 2 * MS, to: 4 * MS }));
    const inWindow = body(full).filter((l) => ['2.000', '3.000', '4.000'].includes(l.slice(0, 10).trim()));
    expect(window).toEqual(inWindow);
    expect(window.length).toBeGreaterThan(0);
  });

  it('several hosts share the 100 columns; a segment crosses the lanes between its ends', () => {
    const hosts = [...HOSTS.slice(0, 1), { name: 'proxy', addr: '10.0.0.9' }, HOSTS[1]!];
    const lines = ladderLines(trace, hosts);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(100);
    expect(lines[LADDER_LEGEND.length]).toContain('proxy 10.0.0.9');
    expect(lineWith(lines, '1.000', '─▶┤')).toContain('SYN seq=0');
  });

  it('keeps host names apart however many lanes there are, dropping the address first', () => {
    for (const n of [3, 6, 12, 20]) {
      const hosts = Array.from({ length: n }, (_, i) => ({ name: `host${i}`, addr: `10.0.0.${i + 1}` }));
      const line = ladderLines([], hosts)[LADDER_LEGEND.length]!;
      expect(textWidth(line)).toBeLessThanOrEqual(100);
      // Every host's name, or the start of it, in lane order, none run into another.
      const names = line.split(/\s+/).filter((w) => w.startsWith('h'));
      expect(names, `${n} hosts: ${line}`).toHaveLength(n);
      expect(names.filter((w, i) => !`host${i}`.startsWith(w.replace(/…$/, '')))).toEqual([]);
    }
  });

  it('colours only when asked, and the coloured ladder is the plain one with ANSI codes', () => {
    expect(full.join('\n')).not.toContain('\u001b[');
    const coloured = ladderLines(trace, HOSTS, { paint: paint(true) });
    expect(coloured.join('\n')).toContain('\u001b[');
    expect(coloured.map(stripAnsi)).toEqual(full);
  });
});

describe('the ladder so far, for a stepper', () => {
  const trace = loginTrace().trace;
  const full = ladderLines(trace, HOSTS);

  it('the ladder of every prefix of the trace is the beginning of the ladder of the whole', () => {
    for (let k = 0; k <= trace.length; k++) {
      const prefix = ladderLines(trace.slice(0, k), HOSTS);
      expect(full.slice(0, prefix.length)).toEqual(prefix);
    }
  });

  it('one Ladder fed entry by entry prints what ladderLines prints', () => {
    const ladder = new Ladder(HOSTS);
    const lines = [...ladder.header(), ...trace.flatMap((e) => ladder.entry(e))];
    expect(lines).toEqual(full);
  });

  it('an entry the ladder does not draw gives no line', () => {
    const t = new TraceBuilder();
    t.at(0).add('client', 'sock-call', { conn: 'client/ctrl#1', call: 'connect' });
    expect(new Ladder(HOSTS).entry(t.trace[0]!)).toEqual([]);
  });
});

describe("the client models' notes", () => {
  it('shows each step started, done or failed, and the verdict, beside the client, also with ftpOnly', () => {
    const t = new TraceBuilder();
    t.at(0).add('client', 'client-step', { client: 'c', index: 0, step: 'login alice', phase: 'start' });
    t.add('client', 'client-step', {
      client: 'c',
      index: 0,
      step: 'login alice',
      phase: 'done',
      detail: '230 User logged in.',
    });
    t.add('client', 'client-step', {
      client: 'c',
      index: 1,
      step: 'retr a.txt (passive)',
      phase: 'fail',
      detail: '550 Access is denied.',
    });
    t.add('client', 'client-verdict', { client: 'c', verdict: 'failed', detail: 'RETR refused', code: 550 });
    t.add('client', 'client-reply', { client: 'c', step: 1, code: 550, text: 'Access is denied.' });
    const expected = [
      '     0.000  ▸ c login alice',
      '     0.000  ✓ c login alice done: 230 User logged in.',
      '     0.000  ✗ c retr a.txt (passive) failed: 550 Access is denied.',
      '     0.000  ■ c failed (550): RETR refused',
    ];
    expect(body(ladderLines(t.trace, HOSTS)).map((l) => l.replace(/ +│$/, ''))).toEqual(expected);
    expect(body(ladderLines(t.trace, HOSTS, { ftpOnly: true })).map((l) => l.replace(/ +│$/, ''))).toEqual(
      expected,
    );
  });
});

describe('long gaps', () => {
  it('a second or more with nothing drawn gets a dotted line saying how long, less than that does not', () => {
    const t = new TraceBuilder();
    const a = seg(CLIENT, SERVER, SYN, 1, 0);
    t.at(0).send('client', 'server', a);
    t.at(999 * MS).send('client', 'server', a);
    t.at(1999 * MS).send('client', 'server', a);
    t.at(62 * SECOND + 5 * MS).send('client', 'server', a);
    const lines = body(ladderLines(t.trace, HOSTS));
    expect(lines.map((l) => l.slice(0, 10).trim())).toEqual([
      '0.000',
      '999.000',
      '⋮',
      '1999.000',
      '⋮',
      '62005.000',
    ]);
    expect(lines[2]).toContain(' 1s later ');
    expect(lines[4]).toContain(' 60.006s later ');
  });
});

describe('time column', () => {
  it('is milliseconds with microseconds, and seconds from 1,000 s on', () => {
    expect(formatTime(0)).toBe('0.000');
    expect(formatTime(1_234_567)).toBe('1.235');
    expect(formatTime(240 * SECOND)).toBe('240000.000');
    expect(formatTime(1000 * SECOND - 1_000_000)).toBe('999999.000');
    // Rounded up to 1,000,000.000 ms, which would not fit the column.
    expect(formatTime(1000 * SECOND - 1)).toBe('1000.000s');
    expect(formatTime(1000 * SECOND)).toBe('1000.000s');
  });
});
