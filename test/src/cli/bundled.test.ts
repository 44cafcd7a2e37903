/**
 * The commands and views on the bundled scenarios, with the real runner (src/scenario/): captures of the
 * TCP scenarios judged by tshark, an FTP scenario's transcript as tshark decodes it, every view of every
 * scenario byte-identical across two runs, and the command line itself, exit codes and all.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/run.ts';
import { listBundled, loadScenario, runScenario } from '../../../src/scenario/index.ts';
import { jsonLines } from '../../../src/views/json.ts';
import { ladderLines } from '../../../src/views/ladder.ts';
import { mermaidLines } from '../../../src/views/mermaid.ts';
import { capturePcap } from '../../../src/views/pcap.ts';
import { replyLines } from '../../../src/views/trace-kinds.ts';
import { w3cLogLines } from '../../../src/views/w3c-log.ts';
import {
  analysisFlags,
  inspect,
  problems,
  type TsharkFrame,
  withCaptureFile,
} from '../../sim/pcap/tshark.ts';
import { memoryIo } from './fake-runner.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/netstep.js', import.meta.url).pathname;

/** TCP analysis flags that mean trouble on a path that lost nothing. */
const TROUBLE = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'lost_segment',
  'ack_lost_segment',
  'out_of_order',
  'duplicate_ack',
];

/** Frames tshark finds broken: a checksum not good, a malformed frame, an expert warning other than a reset. */
function broken(frames: readonly TsharkFrame[], lossy: boolean): string[] {
  return problems(frames).filter(
    (p) =>
      !p.endsWith('expert Connection reset (RST)') &&
      !(lossy && p.endsWith('expert Previous segment(s) not captured (common at capture start)')),
  );
}

type Bundled = Awaited<ReturnType<typeof listBundled>>[number];
let bundled: Bundled[] = [];
beforeAll(async () => {
  bundled = (await listBundled()).filter((b) => !b.id.startsWith('bench/'));
});

describe('captures of the bundled TCP scenarios, read by tshark', () => {
  const TCP = [
    'handshake-and-close',
    'simultaneous-open',
    'simultaneous-close',
    'refused',
    'lossy-transfer',
    'time-wait',
  ];

  it('are all there', () => {
    expect(bundled.filter((b) => b.id.startsWith('tcp/')).map((b) => b.id.slice(4))).toEqual(
      expect.arrayContaining(TCP),
    );
  });

  it.each(TCP)(
    'tcp/%s: every frame at every host well formed; clean TCP analysis unless the network lost a segment',
    async (name) => {
      const file = bundled.find((b) => b.id === `tcp/${name}`)?.file;
      expect(file, `scenarios/tcp/${name}`).toBeDefined();
      const outcome = runScenario(await loadScenario(file!), { trace: true });
      const lossy = outcome.world.trace.some((e) => e.kind === 'seg-drop');
      for (const host of outcome.scenario.hosts) {
        const { bytes, frames } = capturePcap(outcome.world.trace, host.name);
        const got = withCaptureFile(bytes, (f) => inspect(f, ['tcp.flags.syn', 'tcp.flags.ack']));
        expect(got, host.name).toHaveLength(frames);
        expect(broken(got, lossy), host.name).toEqual([]);
        // In a simultaneous open each side answers the other's SYN with a SYN,ACK that repeats its own SYN's
        // sequence number (RFC 9293 §3.5, figure 8): tshark calls that SYN,ACK a retransmission, and it is
        // one, of the SYN. Nothing else may be flagged on a path that lost nothing.
        const synAck = (f: TsharkFrame) =>
          f.fields['tcp.flags.syn']![0] === '1' && f.fields['tcp.flags.ack']![0] === '1';
        const allowed = (f: TsharkFrame, flag: string) =>
          name === 'simultaneous-open' && flag === 'retransmission' && synAck(f);
        const trouble = got.flatMap((f) =>
          f.analysis
            .filter((a) => TROUBLE.includes(a) && !allowed(f, a))
            .map((a) => `frame ${f.number}: ${a}`),
        );
        if (!lossy) expect(trouble, host.name).toEqual([]);
      }
      if (name === 'lossy-transfer') {
        expect(lossy).toBe(true);
        const sender = outcome.world.trace.find((e) => e.kind === 'seg-drop')!.host;
        const got = withCaptureFile(capturePcap(outcome.world.trace, sender).bytes, (f) => inspect(f));
        expect(analysisFlags(got).some((f) => /retransmission$/.test(f))).toBe(true);
      }
    },
  );
});

describe('an FTP scenario', () => {
  it("decodes, as FTP on port 21, to the replies of the trace, from `netstep run --pcap` at the server's host", async () => {
    const m = memoryIo();
    expect(await runMain(['kb/port-handshake-before-200', '--pcap', 'ftp.pcap'], m.io)).toBe(0);
    const frames = withCaptureFile(m.files.get('ftp.pcap')!, (f) =>
      inspect(f, ['ftp.response.code', 'ftp.response.arg'], ['-d', 'tcp.port==21,ftp']),
    );
    expect(broken(frames, false)).toEqual([]);
    const decoded = frames.flatMap((f) =>
      f.fields['ftp.response.code']!.map((c, i) => `${c} ${f.fields['ftp.response.arg']![i]}`),
    );
    const outcome = runScenario(
      await loadScenario(bundled.find((b) => b.id === 'kb/port-handshake-before-200')!.file),
    );
    const traced = outcome.world.trace.flatMap((e) =>
      e.kind === 'ftp-reply' ? replyLines(e.code, e.text) : [],
    );
    expect(decoded).toEqual(traced);
    expect(traced).toContain('226 Transfer complete.');
  });
});

describe('determinism of the views', () => {
  it('every bundled scenario renders byte-identical views in two runs with one seed', async () => {
    expect(bundled.length).toBeGreaterThan(0);
    for (const b of bundled) {
      const s = await loadScenario(b.file);
      const views = () => {
        const { world } = runScenario(s, { trace: true });
        const t = world.trace;
        return [
          ladderLines(t, s.hosts).join('\n'),
          mermaidLines(t, s.hosts).join('\n'),
          jsonLines(t).join('\n'),
          w3cLogLines(t, s.server?.host).join('\n'),
          ...s.hosts.map((h) => Buffer.from(capturePcap(t, h.name).bytes).toString('base64')),
        ];
      };
      expect(views(), b.id).toEqual(views());
    }
  });
});

describe('the command line', () => {
  it('exits 0 on a passing scenario, 2 on bad input with a one-line reason and no stack trace', async () => {
    const ok = await run('node', [BIN, 'run', 'kb/port-handshake-before-200']);
    expect(ok.stdout).toMatch(/^PASS kb\/port-handshake-before-200 \(ftp75, seed \d+\): /);
    const bad = await run('node', [BIN, 'run', 'kb/port-handshake']).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^netstep run: no scenario file or bundled scenario named 'kb\/port-handshake'/,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const option = await run('node', [BIN, 'diff', '--bogus', 'x']).catch((e) => e);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^netstep diff: Unknown option '--bogus'/);
  });
});
