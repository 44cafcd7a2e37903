/**
 * tshark as an independent judge of netstep's captures, for any test that writes a pcap. One tshark run
 * per capture reads every frame with IP and TCP checksum validation on, and reports per frame: checksum
 * status, malformed-packet markers, expert infos and their severities, and the TCP analysis flags
 * (retransmission, out_of_order, duplicate_ack, ...).
 *
 * When tshark is missing these helpers throw, so a suite without it fails loudly instead of passing by
 * skipping: CI installs it (Debian: `apt-get install tshark`, see /work/shared/tools/README.md).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every TCP analysis flag tshark 4.0 sets, as in `tshark -G fields`. */
export const ANALYSIS_FLAGS = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'out_of_order',
  'lost_segment',
  'ack_lost_segment',
  'duplicate_ack',
  'reused_ports',
  'window_update',
  'window_full',
  'zero_window',
  'zero_window_probe',
  'zero_window_probe_ack',
  'keep_alive',
  'keep_alive_ack',
] as const;
export type AnalysisFlag = (typeof ANALYSIS_FLAGS)[number];

/** Wireshark's expert severities (epan/proto.h, PI_SEVERITY_MASK values). */
export const SEVERITY = { chat: 0x00200000, note: 0x00400000, warn: 0x00600000, error: 0x00800000 } as const;

export interface TsharkFrame {
  readonly number: number;
  /** 'good', 'bad' or 'unverified', per tshark's checksum status. */
  readonly ipChecksum: string;
  readonly tcpChecksum: string;
  readonly malformed: boolean;
  readonly expert: ReadonlyArray<{ readonly severity: number; readonly message: string }>;
  readonly analysis: readonly AnalysisFlag[];
  /** Any extra fields asked for, each with all its occurrences. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

const AGGREGATOR = '\u001f';
const CHECKSUM_STATUS: Readonly<Record<string, string>> = { '0': 'bad', '1': 'good', '2': 'unverified' };
let located: string | undefined;

/** The tshark binary, or an error that says how to get it. Never returns quietly without one. */
export function requireTshark(): string {
  if (located) return located;
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'tshark is not installed, and the capture tests need it (they do not skip): ' +
        'apt-get install tshark, or see /work/shared/tools/README.md',
    );
  }
  located = 'tshark';
  return located;
}

/** Runs tshark with the given arguments and returns its standard output. */
export function tshark(args: readonly string[]): string {
  return execFileSync(requireTshark(), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Writes the capture to a fresh temporary directory, hands its path to `use`, and removes it after. */
export function withCaptureFile<T>(bytes: Uint8Array, use: (file: string) => T, name = 'capture.pcap'): T {
  const dir = mkdtempSync(join(tmpdir(), 'netstep-pcap-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads every frame of the capture file with checksum validation on. `fields` adds tshark fields to
 * report (e.g. 'tcp.seq', 'ftp.response.code'); `args` adds options (e.g. ['-d', 'tcp.port==2121,ftp']).
 */
export function inspect(
  file: string,
  fields: readonly string[] = [],
  args: readonly string[] = [],
): TsharkFrame[] {
  const base = [
    'frame.number',
    'ip.checksum.status',
    'tcp.checksum.status',
    '_ws.malformed',
    '_ws.expert.severity',
    '_ws.expert.message',
  ];
  const analysis = ANALYSIS_FLAGS.map((f) => `tcp.analysis.${f}`);
  const all = [...base, ...analysis, ...fields];
  const out = tshark([
    '-r',
    file,
    '-o',
    'ip.check_checksum:TRUE',
    '-o',
    'tcp.check_checksum:TRUE',
    ...args,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    `aggregator=${AGGREGATOR}`,
    '-E',
    'quote=n',
    ...all.flatMap((f) => ['-e', f]),
  ]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const cols = line.split('\t').map((c) => (c === '' ? [] : c.split(AGGREGATOR)));
      const col = (name: string) => cols[all.indexOf(name)] ?? [];
      const severities = col('_ws.expert.severity').map(Number);
      const messages = col('_ws.expert.message');
      return {
        number: Number(col('frame.number')[0]),
        ipChecksum: col('ip.checksum.status')
          .map((s) => CHECKSUM_STATUS[s] ?? s)
          .join(','),
        tcpChecksum: col('tcp.checksum.status')
          .map((s) => CHECKSUM_STATUS[s] ?? s)
          .join(','),
        malformed: col('_ws.malformed').length > 0,
        expert: severities.map((severity, i) => ({ severity, message: messages[i] ?? '' })),
        analysis: ANALYSIS_FLAGS.filter((f) => col(`tcp.analysis.${f}`).length > 0),
        fields: Object.fromEntries(fields.map((f) => [f, col(f)])),
      };
    });
}

/**
 * What an engineer opening the capture in Wireshark would call wrong, one line per problem: a checksum
 * that is not good, a malformed packet, an expert info of severity warning or error. Empty when clean.
 */
export function problems(frames: readonly TsharkFrame[]): string[] {
  const found: string[] = [];
  for (const f of frames) {
    if (f.ipChecksum !== 'good') found.push(`frame ${f.number}: IP checksum ${f.ipChecksum || 'absent'}`);
    if (f.tcpChecksum !== 'good') found.push(`frame ${f.number}: TCP checksum ${f.tcpChecksum || 'absent'}`);
    if (f.malformed) found.push(`frame ${f.number}: malformed`);
    for (const e of f.expert) {
      if (e.severity >= SEVERITY.warn) found.push(`frame ${f.number}: expert ${e.message}`);
    }
  }
  return found;
}

/** The TCP analysis flags tshark set, as 'frame N: flag' lines. Empty when TCP analysis saw nothing odd. */
export function analysisFlags(frames: readonly TsharkFrame[]): string[] {
  return frames.flatMap((f) => f.analysis.map((flag) => `frame ${f.number}: ${flag}`));
}
