/**
 * Captures built from simulated runs, judged by tshark (which must be installed: these tests fail, not
 * skip, without it): every frame well formed with good checksums, TCP analysis clean on a loss-free run and
 * showing retransmissions on a lossy one, the FTP transcript tshark decodes equal to the trace's, and the
 * bytes, times and IP identification exactly what the trace says.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { PCAP_EPOCH } from '../../../sim/pcap/writer.ts';
import { SECOND } from '../../../sim/time.ts';
import type { World } from '../../../sim/world.ts';
import { capturePcap } from '../../../src/views/pcap.ts';
import { replyLines } from '../../../src/views/trace-kinds.ts';
import {
  analysisFlags,
  inspect,
  problems,
  type TsharkFrame,
  withCaptureFile,
} from '../../sim/pcap/tshark.ts';
import { bulkTransfer, ftpDownload } from './worlds.ts';

/** Flags that mean something went wrong on a path that lost nothing. */
const TROUBLE = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'lost_segment',
  'ack_lost_segment',
  'out_of_order',
  'duplicate_ack',
];

/**
 * What makes a capture unreadable or wrong as a capture: a checksum that is not good, a malformed frame,
 * an expert warning. A reset is a protocol event a scenario may well want (tshark warns on every RST), so
 * it is not one of them.
 */
function broken(got: readonly TsharkFrame[]): string[] {
  return problems(got).filter((p) => !p.endsWith('expert Connection reset (RST)'));
}

/** On a lossy path, tshark also warns where it saw a gap in the sequence space: that is the loss itself. */
const LOSS_NOTE = 'expert Previous segment(s) not captured (common at capture start)';

function frames(world: World, host: string, fields: string[] = [], args: string[] = []): TsharkFrame[] {
  const { bytes } = capturePcap(world.trace, host);
  return withCaptureFile(bytes, (file) => inspect(file, fields, args));
}

/** The segments the host's interface saw, in trace order: what the capture must hold. */
function seen(world: World, host: string) {
  return world.trace.filter((e) => (e.kind === 'seg-send' || e.kind === 'seg-recv') && e.host === host);
}

describe('the capture at the FTP server of a passive download', () => {
  let world: World;
  let got: TsharkFrame[];
  const FIELDS = ['frame.time_epoch', 'ip.src', 'ip.id', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.payload'];
  beforeAll(() => {
    world = ftpDownload();
    got = frames(world, 'server', FIELDS);
  });

  it('holds every segment the server sent or received, well formed, with good checksums', () => {
    expect(got).toHaveLength(seen(world, 'server').length);
    expect(broken(got)).toEqual([]);
  });

  it('raises no retransmission, loss, reordering or duplicate-ACK flag on a path that lost nothing', () => {
    const flags = analysisFlags(got).filter((f) => TROUBLE.some((t) => f.endsWith(`: ${t}`)));
    expect(flags).toEqual([]);
  });

  it('carries the simulated time from the fixed epoch, the exact numbers and the exact payload bytes', () => {
    seen(world, 'server').forEach((e, i) => {
      const f = got[i]!.fields;
      if (e.kind !== 'seg-send' && e.kind !== 'seg-recv') throw new Error('unreachable');
      const sec = Math.floor(e.at / SECOND);
      const ns = String(e.at % SECOND).padStart(9, '0');
      expect(f['frame.time_epoch']).toEqual([`${PCAP_EPOCH + sec}.${ns}`]);
      expect(f['ip.src']).toEqual([e.seg.src.addr]);
      expect(f['tcp.seq_raw']).toEqual([String(e.seg.seq)]);
      expect(f['tcp.payload']).toEqual(
        e.seg.payload.length ? [Buffer.from(e.seg.payload).toString('hex')] : [],
      );
    });
  });

  it('numbers IP datagrams per sending host, one more for each datagram it sent', () => {
    const ids = (addr: string) =>
      got.filter((f) => f.fields['ip.src']![0] === addr).map((f) => Number(f.fields['ip.id']![0]));
    const server = ids('10.0.0.2');
    expect(server).toEqual(server.map((_, i) => i));
    // The client sends nothing the server does not receive (no loss), so its numbers are consecutive too.
    const client = ids('10.0.0.1');
    expect(client).toEqual(client.map((_, i) => i));
  });

  it('decodes, as FTP on port 21, the same commands and replies the trace has', () => {
    const ftp = frames(
      world,
      'server',
      ['ftp.request.command', 'ftp.request.arg', 'ftp.response.code', 'ftp.response.arg'],
      ['-d', 'tcp.port==21,ftp'],
    );
    const replies = ftp.flatMap((f) =>
      f.fields['ftp.response.code']!.map((code, i) => `${code} ${f.fields['ftp.response.arg']![i]}`),
    );
    const traced = world.trace.flatMap((e) => (e.kind === 'ftp-reply' ? replyLines(e.code, e.text) : []));
    expect(replies).toEqual(traced);
    expect(traced.length).toBeGreaterThanOrEqual(6);
    const commands = ftp.flatMap((f) =>
      f.fields['ftp.request.command']!.map((c, i) => `${c} ${f.fields['ftp.request.arg']![i] ?? ''}`.trim()),
    );
    expect(commands).toEqual(['USER anonymous', 'PASS guest@example.com', 'PASV', 'RETR a.txt', 'QUIT']);
  });
});

describe('the capture at the client', () => {
  it('is the same conversation seen from the other end: every frame clean', () => {
    const world = ftpDownload();
    const got = frames(world, 'client');
    expect(got).toHaveLength(seen(world, 'client').length);
    expect(broken(got)).toEqual([]);
  });
});

describe('a bulk transfer over a lossy path', () => {
  it('shows the retransmissions as retransmissions, and every frame is still well formed', () => {
    const world = bulkTransfer({ loss: 0.05, bytes: 100_000 });
    expect(world.trace.some((e) => e.kind === 'seg-drop')).toBe(true);
    const got = frames(world, 'client');
    expect(broken(got).filter((p) => !p.endsWith(LOSS_NOTE))).toEqual([]);
    const flags = analysisFlags(got);
    expect(flags.some((f) => /retransmission$/.test(f))).toBe(true);
  });

  it('and over a clean path, raises no trouble flag at all', () => {
    const world = bulkTransfer({ bytes: 100_000 });
    const got = frames(world, 'server');
    expect(broken(got)).toEqual([]);
    expect(analysisFlags(got).filter((f) => TROUBLE.some((t) => f.endsWith(`: ${t}`)))).toEqual([]);
  });
});

describe('determinism', () => {
  it('one seed gives the same capture, byte for byte', () => {
    const a = capturePcap(ftpDownload({ seed: 7 }).trace, 'server').bytes;
    const b = capturePcap(ftpDownload({ seed: 7 }).trace, 'server').bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
