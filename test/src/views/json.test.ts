import { describe, expect, it } from 'vitest';
import { ACK, PSH } from '../../../sim/tcp/segment.ts';
import { jsonLine, jsonLines } from '../../../src/views/json.ts';
import { C_ISS, CLIENT, loginTrace, SERVER, seg, TraceBuilder } from './trace-builder.ts';

describe('JSON Lines', () => {
  const trace = loginTrace().trace;
  const lines = jsonLines(trace);

  it('writes one line per entry, each a JSON object with seq, at, host and kind first', () => {
    expect(lines).toHaveLength(trace.length);
    lines.forEach((line, i) => {
      expect(line).not.toContain('\n');
      const o = JSON.parse(line);
      expect(Object.keys(o).slice(0, 4)).toEqual(['seq', 'at', 'host', 'kind']);
      expect(o.seq).toBe(i);
      expect(o.at).toBe(trace[i]!.at);
      expect(o.kind).toBe(trace[i]!.kind);
    });
  });

  it('flattens a segment: endpoints as addr:port, absolute numbers, flag names, length and a preview', () => {
    const user = lines.map((l) => JSON.parse(l)).find((o) => o.kind === 'seg-send' && o.seg.len === 16);
    expect(user.seg).toEqual({
      src: '10.0.0.1:50000',
      dst: '10.0.0.2:21',
      seq: (C_ISS + 1) >>> 0,
      ack: 0x7fff0000 + 28,
      flags: 'PSH,ACK',
      wnd: 65535,
      len: 16,
      preview: 'USER anonymous\r\n',
    });
    const syn = JSON.parse(lines[1]!);
    expect(syn.seg).toEqual({
      src: '10.0.0.1:50000',
      dst: '10.0.0.2:21',
      seq: C_ISS,
      ack: 0,
      flags: 'SYN',
      wnd: 65535,
      mss: 1460,
      len: 0,
    });
  });

  it('previews at most 64 bytes, other bytes than printable ASCII, CR, LF and TAB as dots', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const t = new TraceBuilder();
    t.at(0).send('server', 'client', seg(SERVER, CLIENT, PSH | ACK, 1, 1, bytes));
    const o = JSON.parse(jsonLine(t.trace[0]!));
    expect(o.seg.len).toBe(300);
    expect(o.seg.preview).toBe(`${'.'.repeat(9)}\t\n..\r${'.'.repeat(18)} !"#$%&'()*+,-./0123456789:;<=>?`);
    expect(o.seg.preview).toHaveLength(64);
  });

  it('writes every field of a kind it does not know, with byte arrays as length and preview', () => {
    const t = new TraceBuilder();
    t.at(5).add('client', 'note', { text: 'hello' });
    const odd = {
      ...t.trace[0]!,
      kind: 'client-step',
      blob: new TextEncoder().encode('RETR a.txt'),
      nested: { n: 1 },
    };
    expect(JSON.parse(jsonLine(odd as never))).toEqual({
      seq: 0,
      at: 5,
      host: 'client',
      kind: 'client-step',
      text: 'hello',
      blob: { len: 10, preview: 'RETR a.txt' },
      nested: { n: 1 },
    });
  });
});
