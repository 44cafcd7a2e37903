/**
 * netstep's captures judged by tshark: hand-built conversations written with PcapWriter must read in
 * Wireshark as a clean TCP session (checksums good, nothing malformed, no expert warnings, no TCP
 * analysis flags), with the retransmission flagged when there is one. These tests need tshark and fail,
 * not skip, without it.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { PCAP_EPOCH } from '../../../sim/pcap/writer.ts';
import type { Segment } from '../../../sim/tcp/segment.ts';
import { MS, SECOND, type Time } from '../../../sim/time.ts';
import { capture, peer } from './conversation.ts';
import { analysisFlags, inspect, problems, type TsharkFrame, withCaptureFile } from './tshark.ts';

// A client logging in to an FTP server and leaving, seen at the client, 10 ms round trip. The client's
// ISS is 16 below 2^32, so its sequence numbers wrap during the login.
const C_ISS = 0xfffffff0;
const S_ISS = 0x7fff0000;

function login(lostUser: boolean): Array<readonly [Time, Segment]> {
  const c = peer({ addr: '10.0.0.1', port: 50000 }, C_ISS);
  const s = peer({ addr: '10.0.0.2', port: 21 }, S_ISS, 64240);
  const syn = c.syn(s, 1460);
  const synAck = s.synAck(c, 1460);
  const ack = c.ack(s);
  const banner = s.send(c, '220 Microsoft FTP Service\r\n');
  const user = c.send(s, 'USER anonymous\r\n');
  // With lostUser the first USER never arrives: the client retransmits it after its 1 s RTO.
  const rto = lostUser ? 1 * SECOND : 0;
  return [
    [0, syn],
    [10 * MS, synAck],
    [10 * MS, ack],
    [20 * MS, banner],
    [20 * MS, user],
    ...(lostUser ? [[20 * MS + rto, user] as const] : []),
    [rto + 30 * MS, s.send(c, '331 Anonymous access allowed, send identity (e-mail name) as password.\r\n')],
    [rto + 30 * MS, c.send(s, 'PASS guest@example.com\r\n')],
    [rto + 40 * MS, s.send(c, '230 User logged in.\r\n')],
    [rto + 40 * MS, c.send(s, 'QUIT\r\n')],
    [rto + 50 * MS, s.send(c, '221 Goodbye.\r\n')],
    [rto + 50 * MS, c.fin(s)],
    [rto + 60 * MS, s.fin(c)],
    [rto + 60 * MS, c.ack(s)],
  ];
}

const FIELDS = [
  'frame.time_epoch',
  'ip.id',
  'ip.ttl',
  'ip.flags.df',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags.str',
  'tcp.window_size_value',
  'tcp.options.mss_val',
  'tcp.payload',
  'ftp.request.command',
  'ftp.response.code',
];

describe('a clean login and logout, read by tshark', () => {
  const lines = login(false);
  let frames: TsharkFrame[] = [];
  beforeAll(() => {
    frames = withCaptureFile(capture(lines), (file) => inspect(file, FIELDS));
  });

  it('has every frame, with good checksums, nothing malformed and no expert warning', () => {
    expect(frames.map((f) => f.number)).toEqual(lines.map((_, i) => i + 1));
    expect(problems(frames)).toEqual([]);
  });

  it('raises no TCP analysis flag at all: no retransmission, loss, reordering or duplicate ACK', () => {
    expect(analysisFlags(frames)).toEqual([]);
  });

  it('decodes the fields netstep wrote: time, IP header, sequence numbers across 2^32, MSS, payload', () => {
    frames.forEach((f, i) => {
      const [t, seg] = lines[i]!;
      const v = (name: string) => f.fields[name]!.join(',');
      expect(v('frame.time_epoch')).toBe(
        `${PCAP_EPOCH + Math.floor(t / SECOND)}.${String(t % SECOND).padStart(9, '0')}`,
      );
      expect([v('ip.ttl'), v('ip.flags.df')]).toEqual(['64', '1']);
      expect([Number(v('tcp.seq_raw')), Number(v('tcp.ack_raw'))]).toEqual([seg.seq, seg.ack]);
      expect(Number(v('tcp.window_size_value'))).toBe(seg.wnd);
      expect(v('tcp.options.mss_val')).toBe(seg.mss === undefined ? '' : String(seg.mss));
      expect(v('tcp.payload').replaceAll(':', '')).toBe(Buffer.from(seg.payload).toString('hex'));
    });
    expect(frames.map((f) => f.fields['tcp.flags.str']![0]!.replaceAll('·', '.'))).toEqual([
      '..........S.',
      '.......A..S.',
      '.......A....',
      '.......AP...',
      '.......AP...',
      '.......AP...',
      '.......AP...',
      '.......AP...',
      '.......AP...',
      '.......AP...',
      '.......A...F',
      '.......A...F',
      '.......A....',
    ]);
    expect(Number(frames[4]!.fields['tcp.seq_raw']![0]) + 16).toBeGreaterThan(2 ** 32); // USER crosses 2^32
  });

  it('shows the FTP dialogue, as the FTP dissector on port 21 reads it', () => {
    const ftp = frames.flatMap((f) => [
      ...f.fields['ftp.request.command']!,
      ...f.fields['ftp.response.code']!,
    ]);
    expect(ftp).toEqual(['220', 'USER', '331', 'PASS', '230', 'QUIT', '221']);
  });

  it('numbers each host’s IP datagrams in order', () => {
    const ids = (addr: string) =>
      frames.filter((_, i) => lines[i]![1].src.addr === addr).map((f) => Number(f.fields['ip.id']![0]));
    expect(ids('10.0.0.1')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ids('10.0.0.2')).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('the same login with USER lost once, read by tshark', () => {
  let frames: TsharkFrame[] = [];
  beforeAll(() => {
    frames = withCaptureFile(capture(login(true)), (file) => inspect(file));
  });

  it('is still clean: good checksums, nothing malformed, no expert warning', () => {
    expect(problems(frames)).toEqual([]);
  });

  it('flags the retransmitted USER as a retransmission, and nothing else', () => {
    expect(analysisFlags(frames)).toEqual(['frame 6: retransmission']);
  });
});

describe('the judge', () => {
  it('does see damage: a flipped bit in the TCP header is a bad checksum', () => {
    const bytes = capture(login(false));
    bytes[24 + 16 + 14 + 20 + 14]! ^= 0x01; // frame 1, TCP window
    const frames = withCaptureFile(bytes, (file) => inspect(file));
    expect(problems(frames)).toContain('frame 1: TCP checksum bad');
  });
});
