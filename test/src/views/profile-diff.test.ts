import { describe, expect, it } from 'vitest';
import { ACK, FIN, PSH, SYN } from '../../../sim/tcp/segment.ts';
import { MS } from '../../../sim/time.ts';
import { alignEvents, type DiffEvent, diffEvents, sideBySideLines } from '../../../src/views/profile-diff.ts';
import { textWidth } from '../../../src/views/text.ts';
import { CLIENT, SERVER, seg, TraceBuilder } from './trace-builder.ts';

/** Events from words; a word in capitals is of its own kind, any other word is a reply ('150', 'b'). */
const ev = (texts: string): DiffEvent[] =>
  texts.split(' ').map((text, i) => ({ at: i * MS, text, kind: /^[A-Z]+$/.test(text) ? text : 'reply' }));
const marks = (a: string, b: string) =>
  alignEvents(ev(a), ev(b))
    .rows.map((r) => `${r.mark}:${r.left?.text ?? ''}/${r.right?.text ?? ''}`)
    .join(' ');

describe('aligning two runs', () => {
  it('puts what both runs did on one row, in order', () => {
    expect(marks('A B C', 'A B C')).toBe('same:A/A same:B/B same:C/C');
  });

  it('pairs what differs between two matching rows, and marks what one run alone did', () => {
    expect(marks('A 150 X C', 'A 125 C')).toBe('same:A/A changed:150/125 left:X/ same:C/C');
    expect(marks('A C', 'A B C D')).toBe('same:A/A right:/B same:C/C right:/D');
  });

  it('pairs as changed only events of one kind: a reply with a reply, never a reply with a FIN', () => {
    expect(marks('RETR 150 FIN 226', 'RETR 125 226 FIN')).toBe(
      'same:RETR/RETR changed:150/125 left:FIN/ same:226/226 right:/FIN',
    );
    expect(marks('LIST QUIT', 'LIST FIN')).toBe('same:LIST/LIST left:QUIT/ right:/FIN');
  });

  it('finds the longest common order, as diff does', () => {
    // 226 before the FIN in one run, after it in the other: one of them is the difference.
    const rows = alignEvents(ev('RETR 150 FIN 226 QUIT'), ev('RETR 150 226 FIN QUIT')).rows;
    expect(rows.filter((r) => r.mark === 'same')).toHaveLength(4);
    expect(rows.filter((r) => r.mark !== 'same')).toHaveLength(2);
  });
});

describe('the events of a run', () => {
  it("are the server's FTP commands and replies and its SYN, FIN and RST, by kind of connection", () => {
    const t = new TraceBuilder();
    const S = 'server/ctrl#1';
    const dataPort = { addr: SERVER.addr, port: 20 };
    const synCtrl = seg(CLIENT, SERVER, SYN, 1, 0);
    const dataSyn = seg(dataPort, CLIENT, SYN, 10, 0);
    const bytes = seg(dataPort, CLIENT, PSH | ACK, 11, 1, 'abc');
    const dataFin = seg(dataPort, CLIENT, FIN | ACK, 14, 1);
    t.at(0).recv('server', 'client', synCtrl);
    t.at(MS).command('server', S, 'RETR a.txt').reply('server', S, 150, '150 Opening.\r\n');
    t.send('server', 'client', dataSyn, 'server/data#2').send('server', 'client', bytes, 'server/data#2');
    t.at(2 * MS)
      .send('server', 'client', dataFin, 'server/data#2')
      .reply('server', S, 226, '226-Done\r\n226 Bye\r\n');
    t.recv('client', 'server', dataFin, 'client/data#2');
    expect(diffEvents(t.trace, 'server').map((e) => e.text)).toEqual([
      '→ ctrl SYN',
      '→ RETR a.txt',
      '← 150 Opening.',
      '← data SYN',
      '← data FIN,ACK',
      '← 226-Done (+1 lines)',
    ]);
  });
});

describe('several sessions', () => {
  it("prefix each command and reply with its control connection, so a race's two clients stay apart", () => {
    const t = new TraceBuilder();
    t.at(MS).command('server', 'server/ctrl#1', 'LIST').command('server', 'server/ctrl#2', 'LIST');
    t.reply('server', 'server/ctrl#2', 125, '125 Data connection already open; Transfer starting.');
    expect(diffEvents(t.trace, 'server').map((e) => e.text)).toEqual([
      'ctrl#1 → LIST',
      'ctrl#2 → LIST',
      'ctrl#2 ← 125 Data connection already open; Transfer starting.',
    ]);
  });
});

describe('client verdicts', () => {
  it('are events of the run at whatever host the client ran, with the reply code that decided them', () => {
    const t = new TraceBuilder();
    t.at(MS).add('client', 'client-verdict', { client: 'c', verdict: 'hung', detail: 'waiting for 150' });
    t.at(2 * MS).add('client2', 'client-verdict', {
      client: 'd',
      verdict: 'failed',
      detail: 'refused',
      code: 425,
    });
    expect(diffEvents(t.trace, 'server').map((e) => e.text)).toEqual(['■ c hung', '■ d failed (425)']);
  });
});

describe('side by side', () => {
  it('shows both texts of a row that differs whole, wrapped in their columns', () => {
    const long = (n: number) => `150 Opening BINARY mode data connection for file-${n}.txt (2000 bytes).`;
    const { rows } = alignEvents(
      [{ at: MS, text: long(1), kind: 'reply' }],
      [{ at: MS, text: long(2), kind: 'reply' }],
    );
    const lines = sideBySideLines(rows, { width: 100, leftTitle: 'iis6', rightTitle: 'ftp75' });
    const row = lines.slice(1);
    expect(row.length).toBeGreaterThan(1);
    expect(row.map((l) => l[49] ?? ' ').join('')).toBe(`≠${' '.repeat(row.length - 1)}`);
    expect(row.slice(1).every((l) => l.slice(0, 11).trim() === '')).toBe(true);
    const column = (from: number, to: number) => row.map((l) => l.slice(from, to).trim()).join(' ');
    expect(column(11, 48)).toBe(long(1));
    expect(column(62, 100)).toBe(long(2));
  });

  it('fits the width, with the mark between the columns', () => {
    const { rows } = alignEvents(ev(`a ${'long-'.repeat(30)} c`), ev('a b c'));
    const lines = sideBySideLines(rows, { width: 100, leftTitle: 'iis6', rightTitle: 'ftp75' });
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(100);
    expect(lines[2]).toMatch(/^ +1\.000 long-long-.*… ≠ +1\.000 b$/);
    expect(lines[2]![49]).toBe('≠');
  });
});
