/**
 * The views on traces the simulator wrote (a passive download from the FTP 7.5 model): every view is a
 * pure function of the run, the log view is the server's own log, and the ladder keeps its promises on a
 * real conversation.
 */

import { describe, expect, it } from 'vitest';
import { ftpLogLines } from '../../../src/apps/ftp-server.ts';
import { jsonLines } from '../../../src/views/json.ts';
import { LADDER_LEGEND, ladderLines } from '../../../src/views/ladder.ts';
import { mermaidLines } from '../../../src/views/mermaid.ts';
import { capturePcap } from '../../../src/views/pcap.ts';
import { textWidth } from '../../../src/views/text.ts';
import { w3cLogLines } from '../../../src/views/w3c-log.ts';
import { mermaidProblems } from './mermaid-syntax.ts';
import { ftpDownload, HOSTS } from './worlds.ts';

function allViews(seed: number): string[] {
  const trace = ftpDownload({ seed }).trace;
  return [
    ladderLines(trace, HOSTS).join('\n'),
    ladderLines(trace, HOSTS, { ftpOnly: true }).join('\n'),
    mermaidLines(trace, HOSTS).join('\n'),
    mermaidLines(trace, HOSTS, { ftpOnly: true }).join('\n'),
    jsonLines(trace).join('\n'),
    w3cLogLines(trace, 'server').join('\n'),
    Buffer.from(capturePcap(trace, 'server').bytes).toString('base64'),
  ];
}

describe('views of a real run', () => {
  it('are byte-identical for the same seed, in every view', () => {
    const a = allViews(3);
    const b = allViews(3);
    a.forEach((view, i) => {
      expect(b[i], `view ${i}`).toBe(view);
    });
    // And a different seed gives a different run (the ISNs differ), so the comparison can fail.
    expect(allViews(4)[0]).not.toBe(a[0]);
  });

  it("the log view is the server's W3C log, header and every line", () => {
    const w = ftpDownload();
    expect(w3cLogLines(w.trace, 'server')).toEqual(ftpLogLines(w, 'server'));
    expect(w3cLogLines(w.trace, 'server').some((l) => / RETR \/?a\.txt 226 /.test(l))).toBe(true);
  });

  it('the ladder fits 100 columns and shows each FTP reply twice, when sent and when it arrives', () => {
    const w = ftpDownload();
    const lines = ladderLines(w.trace, HOSTS);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(100);
    for (const e of w.trace) {
      if (e.kind !== 'ftp-reply') continue;
      const first = `"${String(e.code)}`;
      expect(lines.filter((l) => l.includes(first)).length, `reply ${e.code}`).toBeGreaterThanOrEqual(2);
    }
    expect(lines.length).toBeGreaterThan(LADDER_LEGEND.length + 50);
  });

  it('the Mermaid diagram of a real run is well formed', () => {
    const trace = ftpDownload().trace;
    expect(mermaidProblems(mermaidLines(trace, HOSTS))).toEqual([]);
    expect(mermaidProblems(mermaidLines(trace, HOSTS, { ftpOnly: true }))).toEqual([]);
  });

  it('JSON Lines reads back to the trace: every entry, kinds and times intact', () => {
    const trace = ftpDownload().trace;
    const back = jsonLines(trace).map((l) => JSON.parse(l));
    expect(back.map((o) => `${o.seq} ${o.at} ${o.host} ${o.kind}`)).toEqual(
      trace.map((e) => `${e.seq} ${e.at} ${e.host} ${e.kind}`),
    );
  });
});
