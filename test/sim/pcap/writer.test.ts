import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../sim/errors.ts';
import { decodeFrame, readPcap } from '../../../sim/pcap/read.ts';
import { encodeFrame } from '../../../sim/pcap/wire.ts';
import { PCAP_EPOCH, PcapWriter } from '../../../sim/pcap/writer.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { peer } from './conversation.ts';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const client = () => peer({ addr: '10.0.0.1', port: 50000 }, 1000);
const server = () => peer({ addr: '10.0.0.2', port: 21 }, 5000);

describe('PcapWriter', () => {
  it('starts the file with the nanosecond pcap header: magic a1b23c4d, v2.4, UTC, snaplen 262144, Ethernet', () => {
    expect(toHex(new PcapWriter().toBytes())).toBe(
      [
        '4d3cb2a1', // magic, little-endian
        '02000400', // version 2.4
        '00000000', // thiszone
        '00000000', // sigfigs
        '00000400', // snaplen 262144
        '01000000', // link type 1, Ethernet
      ].join(''),
    );
  });

  it('puts simulated time 0 at 2026-01-01T00:00:00Z and keeps every nanosecond', () => {
    expect(PCAP_EPOCH).toBe(Date.UTC(2026, 0, 1) / 1000);
    const c = client();
    const s = server();
    const w = new PcapWriter();
    w.add(0, c.syn(s, 1460));
    w.add(1 * SECOND + 7, s.synAck(c, 1460));
    const bytes = w.toBytes();
    const view = new DataView(bytes.buffer);
    const second = 24 + 16 + 58; // the first record: header and a 58-byte SYN
    expect([view.getUint32(24, true), view.getUint32(28, true)]).toEqual([PCAP_EPOCH, 0]);
    expect([view.getUint32(second, true), view.getUint32(second + 4, true)]).toEqual([PCAP_EPOCH + 1, 7]);
    expect([view.getUint32(second + 8, true), view.getUint32(second + 12, true)]).toEqual([58, 58]);
  });

  it('writes each frame as wire.ts encodes it, and reads back as written', () => {
    const c = client();
    const s = server();
    const lines = [
      [0, c.syn(s, 1460), 10],
      [10 * MS, s.synAck(c, 1460), 20],
      [10 * MS, c.ack(s), 11],
      [20 * MS, s.send(c, '220 Microsoft FTP Service\r\n'), 21],
    ] as const;
    const w = new PcapWriter();
    for (const [t, seg, id] of lines) w.add(t, seg, id);
    expect(w.count).toBe(4);
    const file = readPcap(w.toBytes());
    expect(file).toMatchObject({ linkType: 1, snaplen: 262144, nanoseconds: true, littleEndian: true });
    expect(file.records.map((r) => r.time)).toEqual(lines.map(([t]) => t));
    file.records.forEach((r, i) => {
      const [, seg, id] = lines[i]!;
      expect(toHex(r.frame)).toBe(toHex(encodeFrame(seg, id)));
      expect(r.originalLength).toBe(r.frame.length);
      expect(decodeFrame(r.frame).segment).toEqual(seg);
    });
  });

  it('without ids, numbers each source address’s datagrams 0, 1, 2, ...', () => {
    const c = client();
    const s = server();
    const w = new PcapWriter();
    w.add(0, c.syn(s));
    w.add(1, s.synAck(c));
    w.add(2, c.ack(s));
    w.add(3, c.send(s, 'USER anonymous\r\n'));
    w.add(4, s.ack(c));
    const ids = readPcap(w.toBytes()).records.map((r) => decodeFrame(r.frame).ipId);
    expect(ids).toEqual([0, 0, 1, 2, 1]);
  });

  it('refuses a record earlier than the one before, and names a record it cannot encode', () => {
    const c = client();
    const s = server();
    const w = new PcapWriter();
    w.add(5 * MS, c.syn(s));
    expect(() => w.add(5 * MS - 1, c.ack(s))).toThrow(InvariantError);
    w.add(5 * MS, { ...c.ack(s), wnd: 70000 });
    expect(() => w.toBytes()).toThrow(/^pcap record 1 at 5000000 ns: .*window 70000/);
  });

  it('is the same bytes for the same records, every time', () => {
    const build = () => {
      const c = client();
      const s = server();
      const w = new PcapWriter();
      w.add(0, c.syn(s, 1460));
      w.add(3 * MS, s.synAck(c, 1460));
      return toHex(w.toBytes());
    };
    expect(build()).toBe(build());
  });
});
